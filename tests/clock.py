"""The tests' clock: django.utils.timezone.now (and so localtime and localdate) stands where a test puts it."""

import datetime as dt

from django.utils import timezone


def at(*args) -> dt.datetime:
    """An aware datetime in Vietnam's time zone: at(2026, 11, 5, 14, 0)."""
    return timezone.make_aware(dt.datetime(*args))


class Clock:
    """Freezes django.utils.timezone.now at `when` for the test (monkeypatch undoes it); set(at(...)) moves it."""

    def __init__(self, monkeypatch, when: dt.datetime):
        self.current = when
        monkeypatch.setattr(timezone, "now", lambda: self.current)

    def set(self, when: dt.datetime) -> None:
        self.current = when
