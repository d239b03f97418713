"""The tests' clock: django.utils.timezone.now (and so localtime and localdate) stands where a test puts it."""

import datetime as dt

from django.apps import apps
from django.utils import timezone

REAL_NOW = timezone.now


def freeze(monkeypatch, now) -> None:
    """timezone.now becomes `now`, and so does every model field's `default=timezone.now`: those defaults
    hold the function itself, taken when the models were defined, so patching the module alone left rows
    created without an explicit time stamped with the real time."""
    monkeypatch.setattr(timezone, "now", now)
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.default is REAL_NOW:
                monkeypatch.setattr(field, "default", now)
                monkeypatch.setattr(field, "_get_default", now, raising=False)  # Django caches it


def at(*args) -> dt.datetime:
    """An aware datetime in Vietnam's time zone: at(2026, 11, 5, 14, 0)."""
    return timezone.make_aware(dt.datetime(*args))


class Clock:
    """Freezes django.utils.timezone.now at `when` for the test (monkeypatch undoes it); set(at(...)) moves it."""

    def __init__(self, monkeypatch, when: dt.datetime):
        self.current = when
        freeze(monkeypatch, lambda: self.current)

    def set(self, when: dt.datetime) -> None:
        self.current = when
