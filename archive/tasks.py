from celery import shared_task

from . import book, index


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def reindex_meetings(meeting_ids: list[int]) -> int:
    """A meeting's record changed: its search rows are written again (idempotent)."""
    return index.reindex(meeting_ids)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3, time_limit=600)
def render_book(book_id: int) -> bool:
    return book.render_book(book_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3, time_limit=3600)
def render_archive(archive_id: int) -> bool:
    return book.render_archive(archive_id)
