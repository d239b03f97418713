"""Reminders, notifications (in the app and by email) and the private calendar address. The tables keep
the names they had in meetings/ (moved in migration 0001, no row copied)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from members.models import Organization


class ReminderPolicy(models.Model):
    """Lead times an organisation sets for its reminders; cells inherit the nearest setting above them.
    Empty fields inherit too. Defaults (D-7 and D-3, escalate D-1, members D-1, minutes D+2) live in
    notifications/reminders.py."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="reminder_policy"
    )
    committee_session_days = models.CharField(
        _("remind the committee to hold its session (days before)"),
        max_length=30,
        blank=True,
        help_text=_("Comma-separated, e.g. 7,3"),
    )
    escalation_days = models.PositiveSmallIntegerField(
        _("tell the superior officer if still missing (days before)"), null=True, blank=True
    )
    member_days = models.PositiveSmallIntegerField(_("remind members (days before)"), null=True, blank=True)
    minutes_days = models.PositiveSmallIntegerField(
        _("chase minutes not adopted (days after)"), null=True, blank=True
    )

    class Meta:
        db_table = "meetings_reminderpolicy"
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self):
        return str(self.organization)


class Notification(models.Model):
    """One message to one user. `key` (kind, subject, recipient, occasion) is unique: a reminder run that
    is repeated, or run by two workers at once, creates nothing twice."""

    class Email(models.TextChoices):
        PENDING = "pending", _("to be sent")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        NONE = "none", _("no email address")
        OFF = "off", _("turned off")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=Email.choices, default=Email.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "meetings_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["email_status"]),
        ]

    def __str__(self):
        return self.title


class CalendarFeed(models.Model):
    """A user's private iCalendar address; revoking gives a new token and kills the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "meetings_calendarfeed"

    def __str__(self):
        return f"{self.user} calendar"


class Channels(models.Model):
    """Where a user's notifications go besides the app's own list, which is always kept: the list is the
    record that a notification exists (its row is the exactly-once key, emails and pushes are sent from it),
    and the one place a member can look back at what was sent. No row: both channels on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_channels"
    )
    email = models.BooleanField(_("by email"), default=True)
    push = models.BooleanField(_("on my devices (push notifications)"), default=True)

    class Meta:
        verbose_name = _("notification channels")
        verbose_name_plural = _("notification channels")

    def __str__(self):
        return f"{self.user} channels"


class PushSubscription(models.Model):
    """One browser on one device that turned push notifications on (Web Push, RFC 8030/8291). The endpoint
    is the push service's address for that browser; whoever turns push on last on a browser owns it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.CharField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=120)
    auth = models.CharField(max_length=60)
    label = models.CharField(_("device"), max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.user} · {self.label}"


class PushDelivery(models.Model):
    """One notification to one device: made with the notification (unique per pair), claimed with a
    conditional UPDATE before it is sent, so two workers never send it both."""

    class Status(models.TextChoices):
        PENDING = "pending", _("to be sent")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="push_deliveries")
    subscription = models.ForeignKey(PushSubscription, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "subscription"], name="one_push_per_device")
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.notification_id} → {self.subscription_id}"
