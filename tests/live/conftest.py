"""Live-meeting fixtures on top of tests/conftest.py's `world`.

Chi bộ A1 meets on the 5th at 14:00. The clock stands at 05/11/2026 14:00 (Vietnam time) unless a test
moves it, so the roll call, the dues month and the rule set are those of November 2026.
"""

import datetime as dt
import time

import pytest
from django.utils import timezone

import access
from meetings import live
from meetings.models import Attendance, Meeting
from meetings.services import plan_regular_meeting, publish_meeting
from members import services
from members.models import StatusPeriod

from ..clock import Clock, at
from ..factories import MemberFactory, StatusPeriodFactory

NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture
def clock(monkeypatch):
    """django.utils.timezone.now (and so localtime/localdate) reads this clock; clock.set(at(...)) moves it."""
    return Clock(monkeypatch, at(2026, 11, 5, 14, 0))


def token_issued_ago(monkeypatch, meeting, user, seconds: float) -> str:
    """A live token as the page gave it `seconds` ago (a phone left on the meeting that long)."""
    now = time.time
    with monkeypatch.context() as earlier:
        earlier.setattr(time, "time", lambda: now() - seconds)
        return access.poll_token(meeting, user)


def transfer_out(world) -> None:
    """`member` moves to another branch's cell today, in the middle of the evening."""
    services.transfer_member(
        member=world.member,
        to_cell=world.other_cell,
        on=timezone.localdate(),
        reason="Chuyển công tác",
        by=None,
    )


def plan(world, period=NOVEMBER, *, publish=True) -> Meeting:
    meeting, _created = plan_regular_meeting(cell=world.cell, period=period)
    if publish:
        publish_meeting(meeting=meeting, by=world.secretary.user)
    return meeting


@pytest.fixture
def prepared(world, clock) -> Meeting:
    """November's regular meeting of Chi bộ A1, agenda published, not opened yet."""
    return plan(world)


@pytest.fixture
def opened(prepared, world) -> Meeting:
    """The same meeting, opened by the secretary (chair); `fellow` is the meeting secretary (thư ký)."""
    return live.open_meeting(
        meeting=prepared, chair=world.secretary, clerk=world.fellow, by=world.secretary.user
    )


def mark(meeting: Meeting, *members, status=Attendance.Status.PRESENT, reason="") -> None:
    for member in members:
        live.mark_attendance(attendance=meeting.attendances.get(member=member), status=status, reason=reason)


def member_with_standing(world, name, kind=None, starts=dt.date(2026, 1, 1), ends=None):
    """A member of Chi bộ A1 with a standing (status period) from `starts`, until `ends` if given."""
    member = MemberFactory(full_name=name, cell=world.cell)
    if kind:
        StatusPeriodFactory(member=member, kind=kind, starts_on=starts, ends_on=ends)
    return member


def five_standings(world) -> dict:
    """One member of Chi bộ A1 in each standing that decides whether they are expected in the room."""
    K = StatusPeriod.Kind
    return {
        "exempt": member_with_standing(world, "Tạ Văn Bảy", K.EXEMPT),
        "abroad": member_with_standing(world, "Trương Quang Vinh", K.ABROAD),
        "here": member_with_standing(world, "Lâm Văn Tạm", K.TEMPORARY_HERE),
        "elsewhere": member_with_standing(world, "Hồ Văn Xa", K.TEMPORARY_ELSEWHERE),
        "suspended": member_with_standing(world, "Tô Văn Đình", K.SUSPENDED),
    }
