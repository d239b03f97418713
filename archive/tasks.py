import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from core.jobs import RETRY

from . import index

log = logging.getLogger(__name__)

# The index is checked for changes of the last day; a change younger than this has its reindex on the way.
INDEX_LOOKBACK = dt.timedelta(days=1)
INDEX_SETTLE = dt.timedelta(minutes=2)


@shared_task(acks_late=True, **RETRY)
def reindex_meetings(meeting_ids: list[int]) -> int:
    """A meeting's record changed: its search rows are written again (idempotent). A database or connection
    error is retried with backoff; `recover` makes up for a reindex that never ran."""
    return index.reindex(meeting_ids)


@shared_task(acks_late=True)
def recover() -> int:
    """Beat job: meetings whose search rows are older than their record are reindexed (a lost message, a
    killed worker, retries exhausted). Pending books: documents.tasks.recover_renders."""
    now = timezone.now()
    lagging = index.lagging(since=now - INDEX_LOOKBACK, until=now - INDEX_SETTLE)
    if lagging:
        log.warning("search index behind the record for %d meetings: reindexed", len(lagging))
        reindex_meetings.delay(lagging)
    return len(lagging)
