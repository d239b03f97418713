"""Notifications: recorded once per (kind, subject, recipient, occasion), shown in the app, sent by email.

The in-app row is the delivery record; it is created with INSERT … ON CONFLICT DO NOTHING, so a run that is
repeated, or run by two workers at once, creates nothing twice. Emails are sent afterwards by a task that
claims each row with a conditional UPDATE before sending, so two workers never send the same one.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from . import signals, webpush
from .models import Channels, Notification

log = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 5
SENDING_LEASE = dt.timedelta(minutes=15)


@dataclass
class Message:
    kind: str
    subject: str  # what the notification is about, e.g. "meeting:42"
    occasion: str  # e.g. "D-7", "2026", "2026Q4"
    recipients: list[int]  # user ids
    context: dict
    url: str = ""
    meeting_id: int | None = None


def _render_text(name: str, context: dict) -> str:
    """A plain-text template (subject, text body) is not HTML: rendered without autoescaping, so a place
    "A & B" or a topic in quotes reads as typed rather than as "A &amp;amp; B" in the email and the app."""
    return get_template(name).template.render(Context(context, autoescape=False))


def render_message(kind: str, context: dict) -> tuple[str, str]:
    """Subject and plain-text body from emails/<kind>_subject.txt and _body.txt, in Vietnamese."""
    with translation.override("vi"):
        subject = " ".join(_render_text(f"emails/{kind}_subject.txt", context).split())
        body = _render_text(f"emails/{kind}_body.txt", context).strip()
    return subject[:300], body


def key_for(kind: str, subject: str, user_id: int, occasion: str) -> str:
    return f"{kind}:{subject}:{user_id}:{occasion}"[:200]


def notify_many(messages: list[Message]) -> int:
    """Records every message for every recipient once; returns how many rows were new."""
    rows = []
    for message in messages:
        title, body = render_message(message.kind, {**message.context, "url": _absolute(message.url)})
        for user_id in set(message.recipients):
            rows.append(
                Notification(
                    key=key_for(message.kind, message.subject, user_id, message.occasion),
                    kind=message.kind,
                    recipient_id=user_id,
                    meeting_id=message.meeting_id,
                    title=title,
                    body=body,
                    url=message.url,
                )
            )
    if not rows:
        return 0
    no_email = set(
        Channels.objects.filter(user_id__in={r.recipient_id for r in rows}, email=False).values_list(
            "user_id", flat=True
        )
    )
    for row in rows:
        if row.recipient_id in no_email:
            row.email_status = Notification.Email.OFF
    keys = [r.key for r in rows]
    before = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    new_keys = {r.key for r in rows} - before
    if any(r.key in new_keys and r.email_status == Notification.Email.PENDING for r in rows):
        # sent after commit by notifications.tasks; unsent emails are picked up every 10 minutes anyway
        signals.emails_waiting.send(sender=Notification)
    # one push per device of each recipient who takes them, sent after commit too (notifications/webpush.py)
    webpush.deliveries_for(sorted(new_keys))
    return len(new_keys)


def set_channels(user, *, email: bool, push: bool) -> Channels:
    """The member's choice, for what is still waiting too: an email or a push not yet sent is not sent."""
    channels, _created = Channels.objects.update_or_create(user=user, defaults={"email": email, "push": push})
    if not email:
        Notification.objects.filter(recipient=user, email_status=Notification.Email.PENDING).update(
            email_status=Notification.Email.OFF
        )
    if not push:
        webpush.drop_pending(user)
    return channels


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


# --- Email -----------------------------------------------------------------------------------------------


def send_templated_email(name: str, to: list[str], context: dict) -> None:
    """Renders emails/<name>_subject.txt, _body.txt and _body.html (in Vietnamese) and sends them."""
    with translation.override("vi"):
        subject = " ".join(_render_text(f"emails/{name}_subject.txt", context).split())
        text = _render_text(f"emails/{name}_body.txt", context)
        html = render_to_string(f"emails/{name}_body.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, to, headers={"X-Chibo-Key": context.get("key", "")}
    )
    message.attach_alternative(html, "text/html")
    message.send()


def email_address(user) -> str:
    member = getattr(user, "member", None)
    return user.email or (member.email if member else "")


# Refusals of one message (its recipient, its sender, its data): the server is fine, the next email may go.
ADDRESS_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def send_pending(limit: int = 500) -> int:
    """Sends pending notification emails; each row is claimed before sending. Returns how many were sent.
    A row left "sending" by a worker that died goes back to pending after SENDING_LEASE."""
    Notification.objects.filter(
        email_status=Notification.Email.SENDING, email_claimed_at__lt=timezone.now() - SENDING_LEASE
    ).update(email_status=Notification.Email.PENDING)
    sent = 0
    ids = list(
        Notification.objects.filter(email_status=Notification.Email.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    User = get_user_model()
    for pk in ids:
        claimed = Notification.objects.filter(pk=pk, email_status=Notification.Email.PENDING).update(
            email_status=Notification.Email.SENDING,
            email_attempts=F("email_attempts") + 1,
            email_claimed_at=timezone.now(),
        )
        if not claimed:
            continue  # another worker has it
        notification = Notification.objects.get(pk=pk)
        user = User.objects.select_related("member").get(pk=notification.recipient_id)
        address = email_address(user)
        if not address:
            Notification.objects.filter(pk=pk).update(email_status=Notification.Email.NONE)
            continue
        try:
            send_templated_email(
                "notification",
                [address],
                {
                    "notification": notification,
                    "url": _absolute(notification.url),
                    "key": notification.key,
                    "site_url": _absolute("/notifications/"),
                },
            )
        except (smtplib.SMTPException, OSError) as error:
            failed = notification.email_attempts >= MAX_EMAIL_ATTEMPTS
            Notification.objects.filter(pk=pk).update(
                email_status=Notification.Email.FAILED if failed else Notification.Email.PENDING,
                email_error=str(error)[:300],
            )
            log.warning("email for notification %s failed (attempt %s)", pk, notification.email_attempts)
            if isinstance(error, ADDRESS_ERRORS):
                continue  # this address is refused; the emails behind it still go out
            raise  # the server itself failed: the task retries the whole queue with backoff
        Notification.objects.filter(pk=pk).update(
            email_status=Notification.Email.SENT, email_sent_at=timezone.now(), email_error=""
        )
        sent += 1
    return sent
