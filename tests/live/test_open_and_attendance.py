"""Opening the meeting, the roll call with each member's standing, phone check-in, the attendance page and
closing."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import live
from meetings.models import Attendance, Guest, Meeting
from members.models import StatusPeriod
from members.services import transfer_member

from ..factories import MemberFactory
from .conftest import at, five_standings, mark, member_with_standing, plan
from .pages import text, vi, vi_n

K = StatusPeriod.Kind
S = Attendance.Status


def open_by_view(client, meeting, world):
    return client.post(
        reverse("meetings:open", args=[meeting.pk]),
        {"chair": world.secretary.pk, "clerk": world.fellow.pk},
        follow=True,
    )


@pytest.fixture
def standings(world):
    """Members of Chi bộ A1 with a standing on 05/11/2026 (and one whose standing is over)."""

    return {
        **five_standings(world),
        "was_exempt": member_with_standing(
            world, "Châu Văn Khỏe", K.EXEMPT, dt.date(2026, 1, 1), dt.date(2026, 10, 31)
        ),
        "not_yet": member_with_standing(world, "Phan Văn Sắp", K.TEMPORARY_ELSEWHERE, dt.date(2026, 11, 6)),
    }


def test_opening_draws_the_roll_call_with_each_members_standing(prepared, world, standings, login):
    response = open_by_view(login("secretary"), prepared, world)

    assert response.redirect_chain[-1][0] == reverse("meetings:attendance", args=[prepared.pk])
    assert vi("The meeting is open. Take the roll call.") in text(response)
    prepared.refresh_from_db()
    assert prepared.status == Meeting.Status.IN_PROGRESS
    assert (prepared.chair, prepared.clerk) == (world.secretary, world.fellow)
    rows = {a.member: a for a in prepared.attendances.all()}
    assert set(rows) == {world.secretary, world.member, world.fellow, world.target, *standings.values()}

    def flags(member):
        a = rows[member]
        return {
            name
            for name in ("official", "temporary_here", "elsewhere", "exempt", "suspended")
            if getattr(a, name)
        }

    assert flags(world.member) == {"official"}
    assert flags(world.target) == set()  # probationary
    assert flags(standings["exempt"]) == {"official", "exempt"}
    assert flags(standings["here"]) == {"official", "temporary_here"}
    assert flags(standings["elsewhere"]) == {"official", "elsewhere"}
    assert flags(standings["suspended"]) == {"official", "suspended"}
    assert flags(standings["was_exempt"]) == {"official"}
    assert flags(standings["not_yet"]) == {"official"}
    abroad = rows[standings["abroad"]]
    assert (abroad.status, abroad.reason) == (S.EXCUSED, vi("Abroad for study or work"))
    assert {a.status for m, a in rows.items() if m != standings["abroad"]} == {S.PENDING}

    page = text(response)
    for label in (
        "Probationary",
        "Exempt from activity",
        "Temporary activity in this cell",
        "Temporary activity elsewhere",
        "Suspended",
    ):
        assert vi(label) in page
    assert vi_n("%(counter)s member not marked yet.", "%(counter)s members not marked yet.", 10) in page


def test_the_superior_officer_is_listed_as_a_guest_on_opening(opened, world):
    guest = Guest.objects.get(meeting=opened)
    assert (guest.member, guest.is_superior_officer) == (world.officer, True)


def test_a_meeting_not_yet_published_cannot_be_opened(world, clock, login):
    meeting = plan(world, publish=False)

    response = open_by_view(login("secretary"), meeting, world)

    assert vi("Only a published meeting can be opened.") in text(response)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    assert not meeting.attendances.exists()


def test_a_member_transferred_out_before_the_meeting_day_is_not_on_the_roll(prepared, world):
    leaving = MemberFactory(full_name="Nguyễn Văn Đi", cell=world.cell)
    later = MemberFactory(full_name="Nguyễn Văn Sau", cell=world.cell)
    arrived = MemberFactory(full_name="Nguyễn Văn Đến", cell=world.cell_a2)
    transfer_member(
        member=leaving, to_cell=world.cell_a2, on=dt.date(2026, 10, 20), reason="Chuyển công tác", by=None
    )
    transfer_member(
        member=later, to_cell=world.cell_a2, on=dt.date(2026, 11, 20), reason="Chuyển công tác", by=None
    )
    transfer_member(
        member=arrived, to_cell=world.cell, on=dt.date(2026, 10, 20), reason="Chuyển đến", by=None
    )

    meeting = live.open_meeting(meeting=prepared, chair=world.secretary, clerk=None, by=None)

    on_roll = set(meeting.attendances.values_list("member__full_name", flat=True))
    assert "Nguyễn Văn Đi" not in on_roll
    assert "Nguyễn Văn Sau" in on_roll  # still here on the meeting day
    assert "Nguyễn Văn Đến" in on_roll


def test_a_past_roll_call_keeps_the_member_who_has_left_since(world, clock):
    leaving = MemberFactory(full_name="Nguyễn Văn Đi", cell=world.cell)
    transfer_member(
        member=leaving, to_cell=world.cell_a2, on=dt.date(2026, 10, 20), reason="Chuyển công tác", by=None
    )
    september = plan(world, dt.date(2026, 9, 1))

    rows = live.draw_roll_call(september, dt.date(2026, 9, 5))

    assert leaving in {r.member for r in rows}


def test_member_checks_in_from_the_phone_only_while_the_meeting_is_in_progress(prepared, world, login, clock):
    client = login("member")
    check_in = reverse("meetings:check_in", args=[prepared.pk])

    before = client.post(check_in, follow=True)
    assert vi("You can check in only while the meeting is in progress.") in text(before)

    live.open_meeting(meeting=prepared, chair=world.secretary, clerk=world.fellow, by=None)
    page = text(client.get(reverse("meetings:live", args=[prepared.pk])))
    assert vi("I am here — check in") in page
    clock.set(at(2026, 11, 5, 14, 7))
    during = client.post(check_in, follow=True)

    assert vi("You are checked in. Welcome!") in text(during)
    assert vi("You are checked in.") in text(during)
    assert vi("I am here — check in") not in text(during)
    attendance = prepared.attendances.get(member=world.member)
    assert (attendance.status, attendance.self_checked_in) == (S.PRESENT, True)
    assert attendance.checked_in_at == at(2026, 11, 5, 14, 7)

    live.close_meeting(meeting=prepared, by=None)
    after = login("fellow").post(check_in, follow=True)
    assert vi("You can check in only while the meeting is in progress.") in text(after)
    assert prepared.attendances.get(member=world.fellow).status == S.UNEXCUSED


def test_someone_not_on_the_roll_cannot_check_in(opened, login):
    response = login("officer").post(reverse("meetings:check_in", args=[opened.pk]), follow=True)

    assert vi("You are not on this meeting's roll; ask the meeting secretary.") in text(response)
    assert not opened.attendances.filter(member__full_name="Lê Văn Phúc").exists()


def test_attendance_page_shows_adjusted_membership_rate_and_voters(opened, world, login):
    exempt = MemberFactory(full_name="Tạ Văn Bảy", cell=world.cell)
    elsewhere = MemberFactory(full_name="Hồ Văn Xa", cell=world.cell)
    Attendance.objects.create(meeting=opened, member=exempt, exempt=True)
    Attendance.objects.create(meeting=opened, member=elsewhere, elsewhere=True)
    rows = {a.member: a for a in opened.attendances.all()}
    client = login("fellow")  # the meeting secretary takes the roll call
    url = reverse("meetings:attendance", args=[opened.pk])

    response = client.post(
        url,
        {
            f"status_{rows[world.secretary].pk}": S.PRESENT,
            f"status_{rows[world.member].pk}": S.PRESENT,
            f"status_{rows[world.target].pk}": S.PRESENT,
            f"status_{rows[world.fellow].pk}": S.EXCUSED,
            f"reason_{rows[world.fellow].pk}": "Đi công tác",
            f"status_{rows[exempt].pk}": S.EXCUSED,
            f"reason_{rows[exempt].pk}": "Miễn sinh hoạt",
        },
        follow=True,
    )

    page = text(response)
    assert vi("Attendance saved (%(n)d changes).", n=5) in page
    # Official: secretary, member, fellow, exempt, elsewhere. Counted for a resolution: the first three
    # (elsewhere is out, the exempt member stayed away). Voters: secretary and member.
    assert f"{vi('Official members counted')} 3" in page
    assert f"{vi('May vote')} 2" in page
    # Expected in the room: secretary, member, fellow and the probationary member; 3 came.
    assert vi("attendance %(rate)s%%", rate="75") in page
    assert f"{vi('Present')} 3" in page
    fellow = opened.attendances.get(member=world.fellow)
    assert (fellow.status, fellow.reason) == (S.EXCUSED, "Đi công tác")


def test_closing_records_start_and_end_and_marks_the_unmarked_absent(opened, world, login, clock):
    mark(opened, world.secretary, world.member)
    mark(opened, world.fellow, status=S.EXCUSED, reason="Ốm")
    clock.set(at(2026, 11, 5, 16, 5))

    response = login("secretary").post(reverse("meetings:close", args=[opened.pk]), follow=True)

    page = text(response)
    assert vi("The meeting is closed.") in page
    assert (
        vi(
            "%(n)d members not marked were recorded as absent without reason; correct them on the attendance page if needed.",
            n=1,
        )
        in page
    )
    opened.refresh_from_db()
    assert opened.status == Meeting.Status.CLOSED
    assert opened.started_at == at(2026, 11, 5, 14, 0)
    assert opened.ended_at == at(2026, 11, 5, 16, 5)
    statuses = dict(opened.attendances.values_list("member__full_name", "status"))
    assert statuses == {
        world.secretary.full_name: S.PRESENT,
        world.member.full_name: S.PRESENT,
        world.fellow.full_name: S.EXCUSED,
        world.target.full_name: S.UNEXCUSED,
    }


def test_closing_does_not_record_members_not_expected_as_absent_without_reason(
    world, prepared, standings, login
):
    meeting = live.open_meeting(meeting=prepared, chair=world.secretary, clerk=world.fellow, by=None)
    mark(meeting, world.secretary, world.member, world.fellow, standings["here"])
    mark(meeting, standings["was_exempt"], standings["not_yet"], status=S.EXCUSED, reason="Ốm")

    response = login("secretary").post(reverse("meetings:close", args=[meeting.pk]), follow=True)

    # Only the probationary member was expected and never marked; the exempt member who stayed away, the
    # member on temporary activity elsewhere and the suspended member were not expected in the room.
    expected = vi(
        "%(n)d members not marked were recorded as absent without reason; correct them on the attendance page if needed.",
        n=1,
    )
    assert expected in text(response)
    unexcused = set(
        meeting.attendances.filter(status=S.UNEXCUSED).values_list("member__full_name", flat=True)
    )
    assert unexcused == {world.target.full_name}
    assert [a.member for a in live.quorum(meeting).unexcused] == [world.target]
    assert not meeting.attendances.filter(status=S.PENDING).exists()
