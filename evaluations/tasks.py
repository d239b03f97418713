from celery import shared_task

from core.suspension import Suspension

from . import indicators

# Bulk writers that compute the indicators themselves at the end (the demo) ask for no refresh per meeting:
# 108 jobs queued by `make run` would keep a newcomer's first PDF waiting behind them.
refresh_suspended = Suspension()


def request_refresh(meeting_id: int) -> None:
    if not refresh_suspended.active:
        refresh_meeting_indicators.delay(meeting_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def refresh_meeting_indicators(meeting_id: int) -> int:
    """A meeting changed state: its cell's row for the month is computed again (idempotent)."""
    return indicators.refresh_meeting(meeting_id)


@shared_task(acks_late=True)
def rebuild_indicators() -> int:
    """Nightly: the last three months of every cell."""
    return indicators.rebuild_recent()
