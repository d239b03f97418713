import smtplib

from celery import shared_task
from django.dispatch import receiver

from meetings import signals as meeting_signals
from meetings.models import Meeting

from . import notify, reminders, signals, webpush
from .models import Notification


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


@receiver(signals.emails_waiting, sender=Notification)
def _send_after_commit(sender, **kwargs):
    send_pending_emails.delay_on_commit()


@shared_task(
    acks_late=True,
    autoretry_for=(webpush.PushServiceUnavailable,),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=6,
)
def send_pending_pushes() -> int:
    """Sends the push notifications not yet sent, one claimed delivery at a time; a push service that is
    down leaves its deliveries pending and the task retries with backoff (the beat's run picks them up too)."""
    return webpush.send_pending()


@receiver(signals.pushes_waiting, sender=Notification)
def _push_after_commit(sender, **kwargs):
    send_pending_pushes.delay_on_commit()


@receiver(meeting_signals.published, sender=Meeting)
def _tell_members(sender, meeting, **kwargs):
    reminders.published(meeting)
