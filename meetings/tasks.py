import smtplib

from celery import shared_task

from chibo.jobs import RETRY, RecordedTask, requeue

from . import pdf, services

# A PDF still "being prepared" this long after it was asked for is queued again (its time limit is 3 minutes).
PDF_STALE_MINUTES = 5


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def plan_next_month() -> int:
    """Beat job: next month's regular meeting for every cell (idempotent)."""
    return services.plan_next_month()


@shared_task(
    base=RecordedTask,
    recorded_model="meetings.GeneratedPdf",
    acks_late=True,
    time_limit=180,
    soft_time_limit=150,
    **RETRY,
)
def render_pdf(pdf_id: int) -> bool:
    """Renders a requested PDF; a second run for the same source stores nothing new. A database or
    connection error is retried with backoff; giving up marks the PDF failed (chibo/jobs.py)."""
    return pdf.render(pdf_id)


@shared_task(acks_late=True)
def recover_renders() -> int:
    """Beat job: PDFs pending too long (a killed worker, a message the broker lost) are queued again."""
    from .models import GeneratedPdf

    return requeue(GeneratedPdf.objects.all(), PDF_STALE_MINUTES, render_pdf.delay)


@shared_task(acks_late=True)
def run_reminders() -> int:
    """Beat job (hourly): every reminder due now, each created once whatever the number of runs."""
    from . import reminders

    return reminders.run()


@shared_task(
    acks_late=True,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_pending_emails() -> int:
    """Sends the notification emails not yet sent; failures are recorded and retried with backoff."""
    from . import notify

    return notify.send_pending()
