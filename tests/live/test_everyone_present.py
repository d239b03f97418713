"""The roll call in one step and its exceptions (issue #18 item 1): "Everyone present" marks every member
expected in the room and not marked yet; each exception is then one choice, saved as it is made (htmx), or
the whole list saved by its button where scripts do not run."""

import pytest
from django.urls import reverse

from meetings import live
from meetings.models import Attendance, Meeting
from meetings.services import plan_regular_meeting, publish_meeting
from members.models import StatusPeriod

from ..meetings.pages import HTMX
from .conftest import NOVEMBER, five_standings, mark, plan
from .pages import messages_of, text, vi, vi_n

K = StatusPeriod.Kind
S = Attendance.Status


@pytest.fixture
def standings(world):
    """Members of Chi bộ A1 whose standing on 05/11/2026 decides whether they are expected in the room."""

    return five_standings(world)


@pytest.fixture
def meeting(world, prepared, standings):
    return live.open_meeting(meeting=prepared, chair=world.secretary, clerk=world.fellow, by=None)


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


def row(meeting, member) -> Attendance:
    return meeting.attendances.get(member=member)


def statuses(meeting) -> dict[str, tuple[str, str]]:
    return {a.member.full_name: (a.status, a.reason) for a in meeting.attendances.select_related("member")}


def test_everyone_present_marks_the_expected_members_not_marked_yet(meeting, world, standings, login):
    live.check_in(meeting=meeting, member=world.member)  # on the phone before the secretary's tap
    mark(meeting, world.target, status=S.UNEXCUSED)

    response = login("fellow").post(url("all_present", meeting.pk), follow=True)

    assert response.redirect_chain[-1][0] == url("attendance", meeting.pk)
    assert messages_of(response) == [
        vi_n(
            "%(n)d member marked present. Now change only those who are absent.",
            "%(n)d members marked present. Now change only those who are absent.",
            3,
            n=3,
        )
    ]
    assert statuses(meeting) == {
        world.secretary.full_name: (S.PRESENT, ""),
        world.fellow.full_name: (S.PRESENT, ""),
        "Lâm Văn Tạm": (S.PRESENT, ""),  # here on temporary activity: expected in this cell
        world.member.full_name: (S.PRESENT, ""),  # checked in by phone: kept as it was
        world.target.full_name: (S.UNEXCUSED, ""),  # marked before: kept
        "Trương Quang Vinh": (S.EXCUSED, vi("Abroad for study or work")),
        # Exempt, elsewhere, suspended: not expected, left for the secretary or for closing to record.
        "Tạ Văn Bảy": (S.PENDING, ""),
        "Hồ Văn Xa": (S.PENDING, ""),
        "Tô Văn Đình": (S.PENDING, ""),
    }
    assert row(meeting, world.member).self_checked_in
    page = text(response)
    # Present: secretary, fellow, the member here, the member who checked in. Expected: those four and the
    # probationary member (the member abroad is away with reason, counted in the base).
    assert f"{vi('Present')} 4" in page
    assert vi("Everyone present") not in page  # nobody expected is left to mark
    assert vi_n("%(counter)s member not marked yet.", "%(counter)s members not marked yet.", 3) in page


def test_the_page_offers_everyone_present_and_three_named_choices_per_member(meeting, world, login):
    page = login("secretary").get(url("attendance", meeting.pk))

    html = page.content.decode()
    roll = html.split(f'aria-label="{vi("Roll call")}"')[1].split("</ul>")[0]
    assert "<select" not in roll  # no drop-down to cut on a phone
    shown = text(page)
    assert vi("Everyone present") in shown
    assert (
        vi_n(
            "Marks the %(counter)s member expected and not marked yet as present; then change only those who are absent.",
            "Marks the %(counter)s members expected and not marked yet as present; then change only those who are absent.",
            5,  # the secretary, the member, the fellow, the probationary member, the member here
        )
        in shown
    )
    first = row(meeting, world.secretary)
    for status in (S.PRESENT, S.EXCUSED, S.UNEXCUSED):
        assert f'name="status_{first.pk}" id="status_{first.pk}_{status}" value="{status}"' in html
    assert (
        f"{world.secretary.full_name} {vi('Present')} {vi('Absent with reason')} {vi('Absent without reason')}"
        in shown
    )


def test_an_exception_is_saved_in_place_with_its_reason_and_the_counts_follow(meeting, world, login):
    live.mark_all_present(meeting=meeting, by=None)
    fellow = row(meeting, world.fellow)

    response = login("secretary").post(
        url("attendance_mark", meeting.pk, fellow.pk),
        {f"status_{fellow.pk}": S.EXCUSED, f"reason_{fellow.pk}": "  Đi công tác  "},
        **HTMX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment: the row's state line and the counts, not the page
    assert 'id="roll-summary" hx-swap-oob="true"' in html
    shown = text(response)
    assert f"✔ {vi('Saved: %(status)s', status=vi('Absent with reason'))} — Đi công tác" in shown
    assert f"{vi('Present')} 4" in shown  # the five expected, less the one away
    fellow.refresh_from_db()
    assert (fellow.status, fellow.reason) == (S.EXCUSED, "Đi công tác")


def test_absent_without_reason_and_back_to_present_clears_the_reason(meeting, world, login):
    target = row(meeting, world.target)
    client = login("fellow")

    client.post(url("attendance_mark", meeting.pk, target.pk), {f"status_{target.pk}": S.UNEXCUSED}, **HTMX)
    target.refresh_from_db()
    assert target.status == S.UNEXCUSED

    client.post(
        url("attendance_mark", meeting.pk, target.pk),
        {f"status_{target.pk}": S.PRESENT, f"reason_{target.pk}": "Ốm"},
        **HTMX,
    )
    target.refresh_from_db()
    assert (target.status, target.reason) == (S.PRESENT, "")


def test_a_choice_that_is_not_one_of_the_three_is_refused_and_nothing_changes(meeting, world, login):
    target = row(meeting, world.target)

    response = login("fellow").post(
        url("attendance_mark", meeting.pk, target.pk), {f"status_{target.pk}": S.PENDING}, **HTMX
    )

    assert response.status_code == 422
    assert vi("Choose present, absent with reason or absent without reason.") in text(response)
    target.refresh_from_db()
    assert target.status == S.PENDING


def test_without_htmx_a_mark_goes_back_to_the_roll_call(meeting, world, login):
    target = row(meeting, world.target)

    response = login("fellow").post(
        url("attendance_mark", meeting.pk, target.pk),
        {f"status_{target.pk}": S.EXCUSED, f"reason_{target.pk}": "Ốm"},
    )

    assert response.status_code == 302 and response.url == url("attendance", meeting.pk)
    target.refresh_from_db()
    assert (target.status, target.reason) == (S.EXCUSED, "Ốm")


def test_saving_the_whole_list_leaves_a_row_without_a_choice_as_it_is(meeting, world, login):
    """Without scripts the list is saved whole: a member who checked in by phone meanwhile, whose row the
    secretary left without a choice, stays present."""
    fellow = row(meeting, world.fellow)
    member = row(meeting, world.member)
    live.check_in(meeting=meeting, member=world.member)

    response = login("secretary").post(
        url("attendance", meeting.pk),
        {f"status_{fellow.pk}": S.PRESENT, f"reason_{fellow.pk}": "", f"reason_{member.pk}": ""},
        follow=True,
    )

    assert vi("Attendance saved (%(n)d changes).", n=1) in text(response)
    member.refresh_from_db()
    assert member.status == S.PRESENT


def test_adopted_minutes_lock_the_roll_call(meeting, world, login):
    target = row(meeting, world.target)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.ADOPTED)
    client = login("secretary")
    locked = vi("The minutes of this meeting are adopted: its record is locked. Correct the minutes instead.")

    everyone = client.post(url("all_present", meeting.pk), follow=True)
    one = client.post(
        url("attendance_mark", meeting.pk, target.pk), {f"status_{target.pk}": S.PRESENT}, **HTMX
    )

    assert messages_of(everyone) == [locked]
    assert one.status_code == 422 and locked in text(one)
    assert not meeting.attendances.filter(status=S.PRESENT).exists()
    page = text(client.get(url("attendance", meeting.pk)))
    assert vi("Everyone present") not in page and vi("Save attendance") not in page


def test_before_the_meeting_opens_there_is_no_roll_to_mark(world, clock, login):
    meeting = plan(world)

    response = login("secretary").post(url("all_present", meeting.pk), follow=True)

    assert messages_of(response) == [vi("Attendance is taken once the meeting is open.")]


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("officer", 403), ("outsider", 404)])
def test_only_the_committee_and_the_meeting_secretary_mark(meeting, world, login, persona, status):
    target = row(meeting, world.target)
    client = login(persona)

    assert client.post(url("all_present", meeting.pk)).status_code == status
    assert (
        client.post(
            url("attendance_mark", meeting.pk, target.pk), {f"status_{target.pk}": S.PRESENT}, **HTMX
        ).status_code
        == status
    )
    assert not meeting.attendances.filter(status=S.PRESENT).exists()


def test_a_row_of_another_meeting_is_not_found_under_this_one(meeting, world, login):
    other, _created = plan_regular_meeting(cell=world.other_cell, period=NOVEMBER)
    publish_meeting(meeting=other, by=world.outsider.user)
    live.open_meeting(meeting=other, chair=world.outsider, clerk=world.outsider, by=None)
    outsider_row = other.attendances.get(member=world.outsider)

    response = login("secretary").post(
        url("attendance_mark", meeting.pk, outsider_row.pk), {f"status_{outsider_row.pk}": S.PRESENT}, **HTMX
    )

    assert response.status_code == 404
    outsider_row.refresh_from_db()
    assert outsider_row.status == S.PENDING
