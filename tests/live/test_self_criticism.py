"""The yearly self-criticism rotation: everyone active has a turn, a turn is recorded at a meeting, and only
the cell's committee and the superior committee read it."""

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse

from meetings import selfcriticism
from meetings.models import SelfCriticismTurn
from members.models import StatusPeriod
from members.services import transfer_member

from ..factories import MemberFactory, StatusPeriodFactory
from .conftest import NOVEMBER, at
from .pages import text, vi

K = StatusPeriod.Kind
SUMMARY = "Tự nhận còn chậm nộp báo cáo chuyên môn; hứa khắc phục trong tháng 11."


@pytest.fixture
def away(world):
    """Members of the cell who have no turn this year: exempt, elsewhere, suspended."""
    members = {}
    for kind, name in (
        (K.EXEMPT, "Tạ Văn Bảy"),
        (K.TEMPORARY_ELSEWHERE, "Hồ Văn Xa"),
        (K.SUSPENDED, "Tô Văn Đình"),
    ):
        members[kind] = MemberFactory(full_name=name, cell=world.cell)
        StatusPeriodFactory(member=members[kind], kind=kind, starts_on=dt.date(2026, 1, 1))
    return members


def active(world):
    extra = [MemberFactory(full_name=f"Nguyễn Văn Thêm {n}", cell=world.cell) for n in range(3)]
    return {world.secretary, world.member, world.fellow, world.target, *extra}


def test_planning_in_november_spreads_everyone_over_november_and_december(world, away, clock, login):
    everyone = active(world)

    response = login("secretary").post(
        reverse("meetings:rotation", args=[world.cell.pk]), {"year": "2026"}, follow=True
    )

    assert vi("Rotation planned: %(n)d turns.", n=7) in text(response)
    turns = list(SelfCriticismTurn.objects.filter(cell=world.cell, period__year=2026))
    assert Counter(t.member for t in turns) == Counter(everyone)  # each active member exactly once
    months = Counter(t.period for t in turns)
    assert set(months) == {NOVEMBER, dt.date(2026, 12, 1)}
    assert sorted(months.values()) == [3, 4]
    page = text(response)
    for member in everyone:
        assert member.full_name in page
    for member in away.values():
        assert member.full_name not in page


def test_planning_in_january_gives_each_member_a_month_of_their_own(world, away, clock):
    clock.set(at(2026, 1, 10, 9, 0))
    everyone = active(world)

    assert selfcriticism.plan_year(cell=world.cell, year=2026) == 7

    turns = SelfCriticismTurn.objects.filter(cell=world.cell, period__year=2026)
    assert {t.member for t in turns} == everyone
    assert len({t.period for t in turns}) == 7


def test_planning_again_keeps_turns_already_done(world, opened, clock):
    selfcriticism.plan_year(cell=world.cell, year=2026)
    selfcriticism.record(meeting=opened, member=world.member, summary=SUMMARY)

    planned = selfcriticism.plan_year(cell=world.cell, year=2026)

    assert planned == 3  # the other three members; the one done is kept
    done = SelfCriticismTurn.objects.get(member=world.member)
    assert (done.done, done.summary, done.meeting) == (True, SUMMARY, opened)
    assert SelfCriticismTurn.objects.filter(cell=world.cell).count() == 4


def test_recording_at_the_meeting_marks_the_planned_turn_done(world, opened, login):
    selfcriticism.plan_year(cell=world.cell, year=2026)
    turn = SelfCriticismTurn.objects.get(member=world.member)
    turn.period = NOVEMBER
    turn.save()
    client = login("secretary")

    response = client.post(
        reverse("meetings:self_criticism", args=[opened.pk]),
        {"member": world.member.pk, "summary": SUMMARY},
        follow=True,
    )

    assert vi("Self-criticism recorded.") in text(response)
    turn.refresh_from_db()
    assert (turn.done, turn.summary, turn.meeting) == (True, SUMMARY, opened)
    assert SelfCriticismTurn.objects.filter(member=world.member).count() == 1
    assert f"{world.member.full_name} {SUMMARY}" in text(response)
    assert selfcriticism.coverage(cell=world.cell, year=2026) == (1, 4)


def test_a_member_who_speaks_before_their_planned_month_is_not_due_again(world, opened, login):
    selfcriticism.plan_year(cell=world.cell, year=2026)
    SelfCriticismTurn.objects.filter(member=world.member).update(period=dt.date(2026, 12, 1))
    client = login("secretary")

    client.post(
        reverse("meetings:self_criticism", args=[opened.pk]), {"member": world.member.pk, "summary": SUMMARY}
    )

    turns = SelfCriticismTurn.objects.filter(member=world.member, period__year=2026)
    assert [(t.period, t.done) for t in turns] == [(NOVEMBER, True)]
    plan = text(client.get(reverse("meetings:rotation", args=[world.cell.pk]), {"year": 2026}))
    assert plan.count(world.member.full_name) == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("secretary", 200),  # the cell's committee
        ("officer", 200),  # the superior committee member following the cell
        ("reviewer", 200),  # the Đảng ủy Khối
        ("member", 403),
        ("fellow", 403),  # the meeting secretary, not on the committee
    ],
)
def test_only_the_committee_and_the_superior_committee_read_self_criticism(
    world, opened, login, persona, status
):
    selfcriticism.record(meeting=opened, member=world.member, summary=SUMMARY)
    client = login(persona)

    meeting_page = client.get(reverse("meetings:self_criticism", args=[opened.pk]))
    rotation_page = client.get(reverse("meetings:rotation", args=[world.cell.pk]), {"year": 2026})

    assert (meeting_page.status_code, rotation_page.status_code) == (status, status)
    if status == 200:
        assert SUMMARY in text(meeting_page)
    else:
        assert SUMMARY not in meeting_page.content.decode()


@pytest.mark.parametrize("persona", ["officer", "fellow"])
def test_readers_and_the_meeting_secretary_cannot_record_or_plan(world, opened, login, persona):
    client = login(persona)

    recorded = client.post(
        reverse("meetings:self_criticism", args=[opened.pk]), {"member": world.member.pk, "summary": SUMMARY}
    )
    planned = client.post(reverse("meetings:rotation", args=[world.cell.pk]), {"year": "2026"})

    assert (recorded.status_code, planned.status_code) == (403, 403)
    assert not SelfCriticismTurn.objects.exists()


def test_a_member_leaving_in_november_has_their_turn_before_they_go_and_one_arriving_after(world, clock):
    """The cell meets on the 5th. Planning on 05/11: a member transferring out on 20/11 speaks in November;
    one transferring in on 01/12 speaks in December, in this cell."""
    leaving = MemberFactory(full_name="Nguyễn Văn Đi", cell=world.cell)
    arriving = MemberFactory(full_name="Nguyễn Văn Đến", cell=world.cell_a2)
    members = [MemberFactory(full_name=f"Nguyễn Văn Thêm {n}", cell=world.cell) for n in range(4)]
    transfer_member(
        member=leaving, to_cell=world.cell_a2, on=dt.date(2026, 11, 20), reason="Chuyển đi", by=None
    )
    transfer_member(
        member=arriving, to_cell=world.cell, on=dt.date(2026, 12, 1), reason="Chuyển đến", by=None
    )

    selfcriticism.plan_year(cell=world.cell, year=2026)

    turns = {t.member: t.period for t in SelfCriticismTurn.objects.filter(cell=world.cell, period__year=2026)}
    assert turns[leaving] == NOVEMBER
    assert turns[arriving] == dt.date(2026, 12, 1)
    assert set(members) <= set(turns)
