"""Meetings of a cell, from planning to published agenda (DESIGN.md section 3, steps 1–2)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, Organization

from . import rules


class MeetingQuerySet(models.QuerySet):
    def of_cell(self, cell):
        return self.filter(cell=cell)

    def upcoming(self):
        return self.filter(
            scheduled_at__gte=timezone.now() - dt.timedelta(hours=12),
            status__in=[Meeting.Status.PLANNED, Meeting.Status.PREPARED, Meeting.Status.IN_PROGRESS],
        ).order_by("scheduled_at")


class Meeting(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular meeting")
        THEMATIC = "thematic", _("Thematic meeting")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        PREPARED = "prepared", _("Prepared")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")
        ADOPTED = "adopted", _("Minutes adopted")
        CANCELLED = "cancelled", _("Cancelled")

    # The state machine, in one place: action -> (states it is allowed from, state it leads to).
    # None as the target keeps the state (e.g. moving the date).
    TRANSITIONS = {
        "edit_agenda": ((Status.PLANNED,), None),
        "move": ((Status.PLANNED, Status.PREPARED), None),
        "cancel": ((Status.PLANNED, Status.PREPARED), Status.CANCELLED),
        "publish": ((Status.PLANNED,), Status.PREPARED),
        "reopen": ((Status.PREPARED,), Status.PLANNED),
        "record_committee_session": ((Status.PLANNED, Status.PREPARED), None),
        "open": ((Status.PREPARED,), Status.IN_PROGRESS),
        "close": ((Status.IN_PROGRESS,), Status.CLOSED),
        "adopt_minutes": ((Status.CLOSED,), Status.ADOPTED),
    }
    REFUSALS = {
        "edit_agenda": _("The agenda can only be changed before it is published; reopen it first."),
        "move": _("Only a meeting that has not started can be moved."),
        "cancel": _("Only a meeting that has not started can be cancelled."),
        "publish": _("Only a planned meeting can be published."),
        "reopen": _("Only a published meeting that has not started can be reopened."),
        "record_committee_session": _("The committee session is recorded before the meeting starts."),
        "open": _("Only a published meeting can be opened."),
        "close": _("Only a meeting in progress can be closed."),
        "adopt_minutes": _("Minutes are adopted after the meeting is closed."),
    }

    cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("party cell")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REGULAR)
    period = models.DateField(_("month"), help_text=_("First day of the month the meeting belongs to."))
    topic = models.CharField(_("topic"), max_length=255, blank=True)
    scheduled_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    shares_session_with = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shared_thematic",
        verbose_name=_("held in the same session as"),
    )
    status = models.CharField(_("state"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-scheduled_at", "-pk"]
        constraints = [
            # One regular meeting per cell and month: the planning job can run any number of times.
            models.UniqueConstraint(
                fields=["cell", "period"], condition=Q(kind="regular"), name="one_regular_meeting_per_month"
            )
        ]
        indexes = [models.Index(fields=["cell", "scheduled_at"])]

    def __str__(self):
        return f"{self.title} — {self.cell}"

    def get_absolute_url(self):
        return reverse("meetings:meeting", args=[self.pk])

    @property
    def title(self) -> str:
        month = f"{self.period:%m/%Y}"
        if self.kind == self.Kind.THEMATIC:
            return _("Thematic meeting %(month)s: %(topic)s") % {"month": month, "topic": self.topic}
        return _("Regular meeting %(month)s") % {"month": month}

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.status != self.Status.PLANNED

    @property
    def shared_session(self) -> bool:
        """A regular and a thematic meeting held one after the other in one session."""
        if self.kind == self.Kind.THEMATIC:
            return self.shares_session_with_id is not None
        return any(True for _m in self.shared_thematic.all())

    @property
    def rules(self) -> rules.MeetingRules:
        return rules.for_date(self.cell, timezone.localtime(self.scheduled_at).date())

    @property
    def min_minutes(self) -> int:
        return self.rules.min_duration(shared_session=self.shared_session)

    def allows(self, action: str) -> bool:
        return self.status in self.TRANSITIONS[action][0]

    def check_allows(self, action: str) -> None:
        if not self.allows(action):
            raise ValidationError(self.REFUSALS[action])

    def apply(self, action: str, *, by, note: str = "", **changes) -> MeetingEvent:
        """Moves the meeting through the state machine and writes the journal entry."""
        self.check_allows(action)
        target = self.TRANSITIONS[action][1]
        fields = list(changes)
        for name, value in changes.items():
            setattr(self, name, value)
        if target is not None:
            self.status = target
            fields.append("status")
        if fields:
            self.save(update_fields=fields)
        return MeetingEvent.objects.create(meeting=self, action=action, by=by, note=note)

    def planned_minutes(self) -> int:
        return self.agenda_items.aggregate(total=Sum("planned_minutes"))["total"] or 0

    def published_days_ahead(self) -> int | None:
        if not self.published_at:
            return None
        return (
            timezone.localtime(self.scheduled_at).date() - timezone.localtime(self.published_at).date()
        ).days

    def published_in_time(self) -> bool | None:
        days = self.published_days_ahead()
        return None if days is None else days >= self.rules.publish_days_before


class MeetingEvent(models.Model):
    """The meeting's journal: published, reopened, moved, cancelled … with who, when and why."""

    class Action(models.TextChoices):
        PLAN = "plan", _("planned")
        MOVE = "move", _("moved")
        CANCEL = "cancel", _("cancelled")
        PUBLISH = "publish", _("agenda published")
        REOPEN = "reopen", _("agenda reopened")
        OPEN = "open", _("meeting opened")
        CLOSE = "close", _("meeting closed")
        ADOPT_MINUTES = "adopt_minutes", _("minutes adopted")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40, choices=Action.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.action} {self.at:%d/%m/%Y %H:%M}"


class CommitteeSession(models.Model):
    """The chi ủy's pre-meeting session (họp chi ủy) that agrees the content of the meeting."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="committee_session")
    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(Member, related_name="+", verbose_name=_("attended"), blank=True)
    content = models.TextField(_("agreed content"))
    focus = models.TextField(_("focus of discussion"), blank=True)
    draft_resolution = models.TextField(_("draft resolution"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("committee session")
        verbose_name_plural = _("committee sessions")

    def __str__(self):
        return f"{self.meeting} ({self.held_on:%d/%m/%Y})"

    def clean(self):
        if self.held_on and self.meeting_id:
            meeting_day = timezone.localtime(self.meeting.scheduled_at).date()
            if self.held_on > meeting_day:
                raise ValidationError({"held_on": _("The committee session is held before the meeting.")})

    @property
    def days_before(self) -> int:
        return (timezone.localtime(self.meeting.scheduled_at).date() - self.held_on).days


class Category(models.TextChoices):
    PARTY = "party", _("Party building")
    PROFESSIONAL = "professional", _("Professional work")


class AgendaItemBase(models.Model):
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    section = models.CharField(_("section"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=255)
    planned_minutes = models.PositiveSmallIntegerField(_("planned minutes"), default=10)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.PARTY
    )
    text = models.TextField(_("content"), blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class AgendaItem(AgendaItemBase):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    presenter = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenter"),
    )
    guidance = models.ForeignKey(
        "Guidance", on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )

    class Meta(AgendaItemBase.Meta):
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")


class AgendaTemplateItem(AgendaItemBase):
    """A cell's own list of sections, used for every new regular meeting."""

    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="agenda_template")

    class Meta(AgendaItemBase.Meta):
        verbose_name = _("agenda template item")
        verbose_name_plural = _("agenda template items")


class Guidance(models.Model):
    """The month's guidance (định hướng sinh hoạt) a superior committee sends to every cell below it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="guidances")
    period = models.DateField(_("month"))
    title = models.CharField(_("title"), max_length=255)
    text = models.TextField(_("content"))
    planned_minutes = models.PositiveSmallIntegerField(_("planned minutes"), default=15)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("monthly guidance")
        verbose_name_plural = _("monthly guidance")
        ordering = ["-period", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:guidance", args=[self.pk])


def _document_path(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Document(models.Model):
    """An attached file. It is never served directly: downloads go through an access-checked view."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    guidance = models.ForeignKey(
        Guidance, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(upload_to=_document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False) | Q(guidance__isnull=False), name="document_has_owner"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:document", args=[self.pk])
