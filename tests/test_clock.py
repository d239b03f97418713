"""The tests' clock stands for every time the app takes, also the one a model's `default=timezone.now` takes."""

from audit.models import RecordCheck

from .clock import Clock, at


def test_a_row_created_without_a_time_is_stamped_with_the_tests_clock(monkeypatch, db):
    clock = Clock(monkeypatch, at(2026, 11, 5, 14, 0))
    assert RecordCheck.objects.create().ran_at == at(2026, 11, 5, 14, 0)

    clock.set(at(2026, 11, 6, 9, 30))

    assert RecordCheck.objects.create().ran_at == at(2026, 11, 6, 9, 30)
