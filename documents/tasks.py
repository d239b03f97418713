"""Rendering jobs: the meeting's PDFs, the cell's yearly minutes book and a committee's ZIP of books. Each
takes an id, is idempotent (same source hash → nothing rewritten) and records its failure (core/jobs.py)."""

from celery import shared_task
from django.dispatch import receiver

from core.jobs import RETRY, RecordedTask, requeue

from . import book, pdf, signals
from .models import BookArchive, GeneratedPdf, MinutesBook

# A PDF still "being prepared" this long after it was asked for is queued again (its time limit is 3 minutes).
PDF_STALE_MINUTES = 5
# Pending longer than its time limit plus a margin: the job is lost, not slow.
BOOK_STALE_MINUTES = 12
ARCHIVE_STALE_MINUTES = 65


@shared_task(
    base=RecordedTask,
    recorded_model="documents.GeneratedPdf",
    acks_late=True,
    time_limit=180,
    soft_time_limit=150,
    **RETRY,
)
def render_pdf(pdf_id: int) -> bool:
    """Renders a requested PDF; a second run for the same source stores nothing new. A database or
    connection error is retried with backoff; giving up marks the PDF failed (core/jobs.py)."""
    return pdf.render(pdf_id)


@shared_task(
    base=RecordedTask, recorded_model="documents.MinutesBook", acks_late=True, time_limit=600, **RETRY
)
def render_book(book_id: int) -> bool:
    return book.render_book(book_id)


@shared_task(
    base=RecordedTask, recorded_model="documents.BookArchive", acks_late=True, time_limit=3600, **RETRY
)
def render_archive(archive_id: int) -> bool:
    return book.render_archive(archive_id)


@shared_task(acks_late=True)
def recover_renders() -> int:
    """Beat job: PDFs, books and archives pending too long (a killed worker, a message the broker lost)
    are queued again. Returns how many were."""
    return (
        requeue(GeneratedPdf.objects.all(), PDF_STALE_MINUTES, render_pdf.delay)
        + requeue(MinutesBook.objects.all(), BOOK_STALE_MINUTES, render_book.delay)
        + requeue(BookArchive.objects.all(), ARCHIVE_STALE_MINUTES, render_archive.delay)
    )


TASKS = {GeneratedPdf: render_pdf, MinutesBook: render_book, BookArchive: render_archive}


@receiver(signals.render_requested)
def _render_after_commit(sender, pk, **kwargs):
    # With the broker down the request still succeeds (core.tasks.Task); recover_renders queues it again.
    TASKS[sender].delay_on_commit(pk)
