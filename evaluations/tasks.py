import threading
from contextlib import contextmanager

from celery import shared_task

from . import indicators

_state = threading.local()


@contextmanager
def refresh_suspended():
    """Bulk writers that compute the indicators themselves at the end (the demo) ask for no refresh per
    meeting: 108 jobs queued by `make run` would keep a newcomer's first PDF waiting behind them."""
    previous = getattr(_state, "off", False)
    _state.off = True
    try:
        yield
    finally:
        _state.off = previous


def request_refresh(meeting_id: int) -> None:
    if not getattr(_state, "off", False):
        refresh_meeting_indicators.delay(meeting_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def refresh_meeting_indicators(meeting_id: int) -> int:
    """A meeting changed state: its cell's row for the month is computed again (idempotent)."""
    return indicators.refresh_meeting(meeting_id)


@shared_task(acks_late=True)
def rebuild_indicators() -> int:
    """Nightly: the last three months of every cell."""
    return indicators.rebuild_recent()
