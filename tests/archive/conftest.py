"""The archive's tests reuse the minutes tests' clock (05/11/2026 13:30 in Vietnam) and the Chi bộ A1 with a
place and committee term, so that meetings can be held and their minutes adopted and numbered."""

import datetime as dt

import pytest

from documents import minutes
from meetings import live
from meetings.models import Comment, Meeting
from meetings.services import plan_regular_meeting, publish_meeting

from ..minutes.conftest import at, cell, clock, comment, hold  # noqa: F401  (fixtures, used by name)

NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture
def live_meeting(world, cell, clock, django_capture_on_commit_callbacks) -> Meeting:  # noqa: F811
    """Chi bộ A1's regular meeting of November 2026 (05/11/2026 14:00), published and in progress.

    Set up as if committed (its on-commit jobs, the search index among them, have run), so that what a test
    does next starts a transaction of its own, as the next request would."""
    with django_capture_on_commit_callbacks(execute=True):
        meeting, _created = plan_regular_meeting(cell=cell, period=NOVEMBER)
        publish_meeting(meeting=meeting, by=world.secretary.user)
        clock.set(at(2026, 11, 5, 14, 0))
        live.open_meeting(meeting=meeting, chair=world.secretary, clerk=world.fellow, by=world.secretary.user)
    return meeting


def say(meeting, speaker, text) -> Comment:
    """A comment posted in the meeting, as the live page posts it."""
    return comment(meeting, None, speaker, text, by=speaker.user)


def held(world, cell, period, clock) -> Meeting:  # noqa: F811
    """The cell's regular meeting of `period` held and closed with three members present."""
    return hold(
        cell,
        period,
        chair=world.secretary,
        clerk=world.fellow,
        present=[world.secretary, world.member, world.fellow],
        clock=clock,
        by=world.secretary.user,
    )


def held_and_adopted(world, cell, period, clock) -> Meeting:  # noqa: F811
    """The same, with its minutes adopted."""
    meeting = held(world, cell, period, clock)
    minutes.adopt(meeting=meeting, by=world.secretary.user)
    meeting.refresh_from_db()
    return meeting
