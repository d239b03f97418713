"""The chi ủy is reminded to hold and record its pre-meeting session at D-7 and D-3; at D-1 without a session
the superior officer who follows the cell is told."""

import datetime as dt

import pytest

from meetings.models import CommitteeSession, Meeting
from members.models import Role
from notifications.models import Notification

from ..factories import MemberFactory, RoleFactory, UserFactory, thematic_row
from .conftest import SITE, at, run_at, told, vi, vi_n


@pytest.fixture
def committee(world):
    """Chi bộ A1's committee: the secretary, the deputy (fellow) and a committee member with a login; a
    committee member without a login and a former committee member are never told."""
    RoleFactory(member=world.fellow, organization=world.cell, kind=Role.Kind.DEPUTY)
    chiuy = MemberFactory(full_name="Đặng Văn Lực", cell=world.cell, user=UserFactory(username="chiuy"))
    RoleFactory(member=chiuy, organization=world.cell, kind=Role.Kind.COMMITTEE)
    no_login = MemberFactory(full_name="Trương Văn Bé", cell=world.cell)
    RoleFactory(member=no_login, organization=world.cell, kind=Role.Kind.COMMITTEE)
    former = MemberFactory(full_name="Lâm Văn Cũ", cell=world.cell, user=UserFactory(username="former"))
    RoleFactory(
        member=former,
        organization=world.cell,
        kind=Role.Kind.COMMITTEE,
        term="2020–2025",
        ends_on=dt.date(2025, 1, 1),
    )
    return ["chiuy", "fellow", "secretary"]


def test_the_committee_is_reminded_at_d7_and_d3_and_not_in_between(committee, regular):
    run_at(2026, 11, 27, 8, 5)  # D-8
    assert told("committee_session") == []

    run_at(2026, 11, 28, 8, 5)  # D-7
    assert told("committee_session") == [(u, "D-7") for u in committee]

    for day in (29, 30):
        run_at(2026, 11, day, 8, 5)  # D-6, D-5: the D-7 reminder is all they get
    run_at(2026, 12, 1, 8, 5)
    assert told("committee_session") == [(u, "D-7") for u in committee]

    run_at(2026, 12, 2, 8, 5)  # D-3
    assert told("committee_session") == sorted(
        [(u, "D-7") for u in committee] + [(u, "D-3") for u in committee]
    )

    run_at(2026, 12, 3, 8, 5)
    run_at(2026, 12, 4, 8, 5)
    assert Notification.objects.filter(kind="committee_session").count() == 2 * len(committee)


def test_the_reminder_says_which_meeting_how_soon_and_where_to_record_it(committee, regular):
    run_at(2026, 12, 2, 8, 5)

    notification = Notification.objects.get(kind="committee_session", recipient__username="secretary")
    assert notification.title == vi(
        "%(cell)s: hold the committee session before the meeting of %(date)s",
        cell="Chi bộ A1",
        date="05/12/2026",
    )
    assert (
        vi_n(
            "The regular meeting of %(cell)s is at %(when)s, in %(counter)s day. The committee has not yet "
            "recorded its pre-meeting session (content, focus of discussion, draft resolution).",
            "The regular meeting of %(cell)s is at %(when)s, in %(counter)s days. The committee has not yet "
            "recorded its pre-meeting session (content, focus of discussion, draft resolution).",
            3,
            cell="Chi bộ A1",
            when="14:00 05/12/2026",
        )
        in notification.body
    )
    assert f"{SITE}/meetings/{regular.pk}/" in notification.body
    assert notification.url == f"/meetings/{regular.pk}/"


def test_no_reminder_once_the_session_is_recorded(committee, world, regular):
    run_at(2026, 11, 28, 8, 5)
    CommitteeSession.objects.create(
        meeting=regular, held_on=at(2026, 11, 30, 8, 0).date(), content="Thống nhất"
    )

    for day in (2, 3, 4, 5):
        run_at(2026, 12, day, 8, 5)

    assert told("committee_session") == [(u, "D-7") for u in committee]
    assert told("escalation") == []


def test_a_meeting_without_a_committee_session_is_escalated_to_the_superior_officer_at_d1(
    committee, world, regular
):
    other = world.other_cell
    Meeting.objects.create(cell=other, period=regular.period, scheduled_at=at(2026, 12, 5, 8, 0))

    run_at(2026, 12, 2, 8, 5)
    run_at(2026, 12, 3, 8, 5)  # D-2
    assert told("escalation") == []

    run_at(2026, 12, 4, 8, 5)  # D-1
    run_at(2026, 12, 4, 17, 5)
    assert told("escalation", meeting=regular) == [("officer", "D-1")]
    escalation = Notification.objects.get(kind="escalation", meeting=regular)
    assert escalation.title == vi(
        "%(cell)s: no committee session recorded before tomorrow's meeting", cell="Chi bộ A1"
    )
    # Chi bộ B1 has no superior officer with a login: nobody outside B1's own committee hears of B1.
    assert told("escalation", meeting__cell=other) == []
    assert told("committee_session", meeting__cell=other) == [("outsider", "D-3")]


def test_cancelled_and_thematic_meetings_need_no_committee_session(committee, world):
    Meeting.objects.create(
        cell=world.cell,
        period=at(2026, 12, 1, 0, 0).date(),
        scheduled_at=at(2026, 12, 5, 14, 0),
        status=Meeting.Status.CANCELLED,
    )
    thematic_row(world.cell, at(2026, 12, 5, 15, 40), topic="Chuyển đổi số")

    for day in ((11, 28), (12, 2), (12, 4)):
        run_at(2026, *day, 8, 5)

    assert told("committee_session") == []
    assert told("escalation") == []
