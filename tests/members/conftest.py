import datetime as dt

import axes.attempts
import axes.handlers.proxy
import pytest
from django.utils import timezone

from ..clock import freeze


class Clock:
    def __init__(self):
        self.offset = dt.timedelta()
        self._real_now = timezone.now

    def now(self):
        return self._real_now() + self.offset

    def advance(self, **kwargs):
        self.offset += dt.timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch):
    """A clock the test can move forward: clock.advance(minutes=15).

    Django (and timezone.localdate) read django.utils.timezone.now. Axes stamps each login with `now()`
    imported by name into axes.handlers.proxy (axes.attempts as a fallback) and measures its cool-off from
    that stamp, so those names move too."""
    clock = Clock()
    freeze(monkeypatch, clock.now)
    monkeypatch.setattr(axes.handlers.proxy, "now", clock.now)
    monkeypatch.setattr(axes.attempts, "now", clock.now)
    return clock
