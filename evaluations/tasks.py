from celery import shared_task

from . import indicators


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def refresh_meeting_indicators(meeting_id: int) -> int:
    """A meeting changed state: its cell's row for the month is computed again (idempotent)."""
    return indicators.refresh_meeting(meeting_id)


@shared_task(acks_late=True)
def rebuild_indicators() -> int:
    """Nightly: the last three months of every cell."""
    return indicators.rebuild_recent()
