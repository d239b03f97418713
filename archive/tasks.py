import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from chibo.jobs import RETRY, RecordedTask, requeue

from . import book, index

log = logging.getLogger(__name__)

# Pending longer than its time limit plus a margin: the job is lost, not slow.
BOOK_STALE_MINUTES = 12
ARCHIVE_STALE_MINUTES = 65
# The index is checked for changes of the last day; a change younger than this has its reindex on the way.
INDEX_LOOKBACK = dt.timedelta(days=1)
INDEX_SETTLE = dt.timedelta(minutes=2)


@shared_task(acks_late=True, **RETRY)
def reindex_meetings(meeting_ids: list[int]) -> int:
    """A meeting's record changed: its search rows are written again (idempotent). A database or connection
    error is retried with backoff; `recover` makes up for a reindex that never ran."""
    return index.reindex(meeting_ids)


@shared_task(base=RecordedTask, recorded_model="archive.MinutesBook", acks_late=True, time_limit=600, **RETRY)
def render_book(book_id: int) -> bool:
    return book.render_book(book_id)


@shared_task(
    base=RecordedTask, recorded_model="archive.BookArchive", acks_late=True, time_limit=3600, **RETRY
)
def render_archive(archive_id: int) -> bool:
    return book.render_archive(archive_id)


@shared_task(acks_late=True)
def recover() -> dict:
    """Beat job: books and archives pending too long are queued again, and meetings whose search rows are
    older than their record are reindexed (a lost message, a killed worker, retries exhausted)."""
    from .models import BookArchive, MinutesBook

    now = timezone.now()
    lagging = index.lagging(since=now - INDEX_LOOKBACK, until=now - INDEX_SETTLE)
    if lagging:
        log.warning("search index behind the record for %d meetings: reindexed", len(lagging))
        reindex_meetings.delay(lagging)
    return {
        "books": requeue(MinutesBook.objects.all(), BOOK_STALE_MINUTES, render_book.delay),
        "archives": requeue(BookArchive.objects.all(), ARCHIVE_STALE_MINUTES, render_archive.delay),
        "reindexed": len(lagging),
    }
