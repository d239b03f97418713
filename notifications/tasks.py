import smtplib

from celery import shared_task

from . import notify, reminders


@shared_task(acks_late=True)
def run_reminders() -> int:
    """Beat job (hourly): every reminder due now, each created once whatever the number of runs."""
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
    return notify.send_pending()
