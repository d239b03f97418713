"""Meetings of a cell, from planning to published agenda (DESIGN.md section 3, steps 1–2)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import by_user
from members import rules
from members.models import Member, Organization

from . import signals
from .uploads import ALLOWED


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
    chair = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("chair")
    )
    clerk = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("meeting secretary"),
        help_text=_("The member who keeps the minutes (thư ký)."),
    )
    current_item = models.ForeignKey(
        "AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = by_user(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

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
    def held_at(self) -> dt.datetime:
        """When the meeting really began: the opening, or the plan while it has not been opened."""
        return self.started_at or self.scheduled_at

    @property
    def held_on_another_day(self) -> bool:
        """Opened on another day than planned: the record keeps both dates, the minutes state the real one."""
        return bool(self.started_at) and (
            timezone.localtime(self.started_at).date() != timezone.localtime(self.scheduled_at).date()
        )

    @property
    def is_overdue(self) -> bool:
        """Its planned day has passed and it was neither opened nor cancelled: to be held now, or moved."""
        return (
            self.status in (self.Status.PLANNED, self.Status.PREPARED)
            and timezone.localtime(self.scheduled_at).date() < timezone.localdate()
        )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.status != self.Status.PLANNED

    @property
    def shared_session(self) -> bool:
        """A regular and a thematic meeting held one after the other in one session."""
        if self.kind == self.Kind.THEMATIC:
            return self.shares_session_with_id is not None
        return any(m.status != self.Status.CANCELLED for m in self.shared_thematic.all())

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
        if target is not None:
            signals.status_changed.send(
                sender=Meeting, meeting_id=self.pk
            )  # evaluations/ recomputes the month
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
    by = by_user()
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
    recorded_by = by_user()
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

    history = HistoricalRecords()

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
    created_by = by_user()
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
    # Stored under the extension of the type found in the content (documents.check_upload), never the
    # client's: "poly.html" that is really a PDF is stored as .pdf.
    extension = ALLOWED.get(instance.content_type, "bin")
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
    uploaded_by = by_user()
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


# --- The live record ----------------------------------------------------------------------------------


class Attendance(models.Model):
    """One member at one meeting. The roll call snapshots the member's standing that day, so the quorum
    and the minutes can be computed again later from these rows alone."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not marked yet")
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Absent with reason")
        UNEXCUSED = "unexcused", _("Absent without reason")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=20, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    official = models.BooleanField(default=True)
    temporary_here = models.BooleanField(default=False)
    elsewhere = models.BooleanField(default=False)
    exempt = models.BooleanField(default=False)
    suspended = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    self_checked_in = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["member__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")
        ]

    def __str__(self):
        return f"{self.member} — {self.get_status_display()}"

    @property
    def present(self) -> bool:
        return self.status == self.Status.PRESENT

    @property
    def seat(self) -> rules.Seat:
        """The roll call's row as the rules read it: each of Seat's fields is a field (or property) here."""
        return rules.Seat(**{f.name: getattr(self, f.name) for f in dataclasses.fields(rules.Seat)})

    @property
    def may_vote(self) -> bool:
        return rules.may_vote(self.seat)

    @property
    def expected(self) -> bool:
        """Whether the member is expected in the room (not elsewhere, not suspended)."""
        return not (self.elsewhere or self.suspended)


class Guest(models.Model):
    """A guest at the meeting, first of all the superior officer (cấp ủy viên cấp trên)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=200, blank=True)
    is_superior_officer = models.BooleanField(_("superior officer"), default=False)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")

    def __str__(self):
        return self.name


class Comment(models.Model):
    """What a member said on an agenda item. `client_id` is made by the phone, so a retry after a lost
    connection is stored once."""

    class Kind(models.TextChoices):
        OPINION = "opinion", _("Opinion")
        PROPOSAL = "proposal", _("Proposal")
        QUESTION = "question", _("Question to the chair")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="comments")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    speaker = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("speaker"),
    )
    speaker_name = models.CharField(_("speaker (guest)"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OPINION)
    text = models.TextField(_("comment"))
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    created_at = models.DateTimeField(default=timezone.now)
    entered_by = by_user()
    answer = models.TextField(_("chair's answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["meeting", "id"]),
            # Every phone's poll counts the answered questions (`live.poll_state`): only those are read.
            models.Index(
                fields=["meeting"], condition=models.Q(answered_at__isnull=False), name="comment_answered"
            ),
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def who(self) -> str:
        return self.speaker.full_name if self.speaker_id else self.speaker_name


class Vote(models.Model):
    class Kind(models.TextChoices):
        RESOLUTION = "resolution", _("Resolution or conclusion")
        MINUTES = "minutes", _("Adoption of the minutes")
        RECOGNITION = "recognition", _("Recognition as official member")
        SCORE = "score", _("Quality score of the meeting")
        OTHER = "other", _("Other question")

    class Method(models.TextChoices):
        NAMED = "named", _("Named show of hands")
        TOTALS = "totals", _("Totals")
        PHONES = "phones", _("On members' phones")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("vote on"), max_length=20, choices=Kind.choices)
    question = models.CharField(_("question"), max_length=300)
    subject = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recognition_votes",
        verbose_name=_("member concerned"),
    )
    method = models.CharField(_("entry"), max_length=10, choices=Method.choices, default=Method.TOTALS)
    votes_for = models.PositiveSmallIntegerField(_("for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstain"), default=0)
    eligible = models.PositiveSmallIntegerField(default=0)
    base = models.PositiveSmallIntegerField(default=0, help_text="The denominator the rule uses.")
    passed = models.BooleanField(default=False)
    rule = models.CharField(max_length=200, blank=True)
    recorded_by = by_user()
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return self.question

    @property
    def share(self) -> float:
        return 100 * self.votes_for / self.base if self.base else 0.0


class Ballot(models.Model):
    class Choice(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstain")

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["vote", "member"], name="one_ballot_per_member")]

    def __str__(self):
        return f"{self.member}: {self.choice}"


class PhoneVote(models.Model):
    """A vote the meeting's secretary opened on the members' phones. Each member with a vote taps a choice
    (`PhoneBallot`); when she closes it, the ballots are counted by `live.record_vote`, exactly as a named
    show of hands entered by hand, and `result` is that vote. Until then nothing is in the record."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="phone_votes")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("vote on"), max_length=20, choices=Vote.Kind.choices)
    question = models.CharField(_("question"), max_length=300)
    subject = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member concerned"),
    )
    opened_by = by_user()
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    result = models.OneToOneField(
        Vote, on_delete=models.SET_NULL, null=True, blank=True, related_name="phone_vote"
    )
    # Goes up with every ballot and at the close: the live poll compares it to know the tally moved.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("vote on phones")
        verbose_name_plural = _("votes on phones")
        ordering = ["opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(closed_at__isnull=True),
                name="one_open_phone_vote_per_meeting",
            )
        ]

    def __str__(self):
        return self.question

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class PhoneBallot(models.Model):
    """One member's choice in a vote on phones; a second tap changes it until the vote is closed."""

    vote = models.ForeignKey(PhoneVote, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=Ballot.Choice.choices)
    cast_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ballot on a phone")
        verbose_name_plural = _("ballots on phones")
        constraints = [models.UniqueConstraint(fields=["vote", "member"], name="one_phone_ballot_per_member")]

    def __str__(self):
        return f"{self.member}: {self.choice}"


class SpeakingTurn(models.Model):
    """A member's request to speak on an agenda item ("Xin phát biểu") and, once the chair calls them, their
    turn: asked (`requested_at`), withdrawn before being called, or called and later ended. One open request
    per member and item; one member speaks at a time (meetings/speakers.py)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speaking_turns")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="speaking_turns"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="speaking_turns", verbose_name=_("speaker")
    )
    requested_at = models.DateTimeField(_("asked to speak at"), default=timezone.now)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("speaking turn")
        verbose_name_plural = _("speaking turns")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "agenda_item", "member"],
                condition=Q(withdrawn_at__isnull=True, ended_at__isnull=True),
                name="one_open_turn_per_member_and_item",
            ),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(called_at__isnull=False, ended_at__isnull=True),
                name="one_speaker_at_a_time",
            ),
        ]

    def __str__(self):
        return f"{self.member}: {self.agenda_item}"


class Task(models.Model):
    """A task from the chair's conclusion: someone, something, a date. It comes back next month."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    assignee = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("assignee")
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class SelfCriticismTurn(models.Model):
    """The cell's yearly rotation: who gives their self-criticism in which month, and what was said.
    Visible only to the cell's committee and the superior committee."""

    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="self_criticism_turns")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="self_criticism_turns")
    period = models.DateField(_("month"))
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="self_criticisms"
    )
    summary = models.TextField(_("summary"), blank=True)
    done = models.BooleanField(_("done"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("self-criticism turn")
        verbose_name_plural = _("self-criticism turns")
        ordering = ["period", "member__full_name"]
        constraints = [models.UniqueConstraint(fields=["member", "period"], name="one_turn_per_member_month")]

    def __str__(self):
        return f"{self.member} {self.period:%m/%Y}"


class DuesAdjustment(models.Model):
    """An exemption or a reduction of a member's dues for a period (QĐ 01-QĐ/TW Điều 5)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_adjustments")
    reduction = models.PositiveSmallIntegerField(_("reduction (%)"), help_text=_("100 for an exemption."))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dues exemption or reduction")
        verbose_name_plural = _("dues exemptions and reductions")

    def __str__(self):
        return f"{self.member} −{self.reduction}%"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class DuesEntry(models.Model):
    """The ledger: per member per month, what was due and what was paid, and how."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash at the meeting")
        ONLINE = "online", _("Online (national portal)")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="dues")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="dues")
    period = models.DateField(_("month"))
    due = models.PositiveIntegerField(_("due (đồng)"))
    paid = models.PositiveIntegerField(_("paid (đồng)"), default=0)
    method = models.CharField(_("paid by"), max_length=10, choices=Method.choices, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="dues"
    )
    recorded_by = by_user()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dues entry")
        verbose_name_plural = _("dues entries")
        ordering = ["period", "member__full_name"]
        constraints = [models.UniqueConstraint(fields=["member", "period"], name="one_dues_entry_per_month")]

    def __str__(self):
        return f"{self.member} {self.period:%m/%Y}"

    @property
    def settled(self) -> bool:
        return self.paid >= self.due


def _pdf_path(instance, filename):
    """Named by migration 0003, which created GeneratedPdf here; the model now lives in documents/."""
    return f"pdf/{instance.meeting_id}/{filename}"
