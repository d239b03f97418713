from celery import shared_task
from django.dispatch import receiver

from core.suspension import Suspension
from meetings import signals as meeting_signals
from meetings.models import Meeting

from . import indicators

# Bulk writers that compute the indicators themselves at the end (the demo) ask for no refresh per meeting:
# 108 jobs queued by `make run` would keep a newcomer's first PDF waiting behind them.
refresh_suspended = Suspension()


def request_refresh(meeting_id: int) -> None:
    """The cell's month is computed again once the transaction commits (a broker outage is logged; the
    nightly rebuild computes it anyway)."""
    if not refresh_suspended.active:
        refresh_meeting_indicators.delay_on_commit(meeting_id)


@receiver(meeting_signals.status_changed, sender=Meeting)
def _meeting_changed(sender, meeting_id, **kwargs):
    request_refresh(meeting_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def refresh_meeting_indicators(meeting_id: int) -> int:
    """A meeting changed state: its cell's row for the month is computed again (idempotent)."""
    return indicators.refresh_meeting(meeting_id)


@shared_task(acks_late=True)
def rebuild_indicators() -> int:
    """Nightly: the last three months of every cell."""
    return indicators.rebuild_recent()
