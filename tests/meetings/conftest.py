"""Meeting fixtures on top of tests/conftest.py's `world`: Chi bộ A1 meets on the 5th at 14:00."""

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import Meeting
from meetings.services import plan_regular_meeting

DECEMBER = dt.date(2026, 12, 1)
# The sections of the standard agenda (HD 42), in order.
STANDARD = [
    "opening",
    "dues",
    "news",
    "directives",
    "report",
    "discussion",
    "recognition",
    "self_criticism",
    "superior",
    "conclusion",
    "evaluation",
    "minutes",
]


@pytest.fixture
def clock(monkeypatch):
    """clock(at(...)) freezes django.utils.timezone.now (and so localdate) at that moment."""

    def freeze(when: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: when)

    return freeze


@pytest.fixture
def regular(world) -> Meeting:
    """Chi bộ A1's planned regular meeting of December 2026 (05/12/2026 14:00), standard draft agenda."""
    meeting, _created = plan_regular_meeting(cell=world.cell, period=DECEMBER)
    return meeting
