import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.functional import cached_property, lazy
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from core import rows
from members.forms import DateInput, PickedDates, SensibleDateField
from members.models import Member, Supervision

from . import dues, uploads
from .models import (
    AgendaItem,
    Ballot,
    Comment,
    CommitteeSession,
    DuesAdjustment,
    DuesEntry,
    Guest,
    Guidance,
    Meeting,
    Task,
    Vote,
)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class WhenFormMixin:
    """A date and a time field (phone pickers) combined into `scheduled_at`, in Vietnam's time zone."""

    # A typo such as 01/01/0001 would otherwise reach the database (and overflow on the way to UTC).
    EARLIEST, LATEST = dt.date(1930, 1, 1), dt.date(2100, 12, 31)

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("date"), cleaned.get("time")
        if day and not self.EARLIEST <= day <= self.LATEST:
            self.add_error(
                "date",
                _("Choose a date between %(start)s and %(end)s.")
                % {"start": f"{self.EARLIEST:%d/%m/%Y}", "end": f"{self.LATEST:%d/%m/%Y}"},
            )
        elif day and time:
            cleaned["scheduled_at"] = timezone.make_aware(dt.datetime.combine(day, time))
        return cleaned


class ThematicMeetingForm(WhenFormMixin, forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=255)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput(), initial=dt.time(14, 0))
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    shares_session_with = forms.ModelChoiceField(
        label=_("Same session as the regular meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Held right after the regular meeting; the session then lasts at least 120 minutes."),
    )

    def __init__(self, *args, cell, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].initial = cell.meeting_place
        self.fields["shares_session_with"].queryset = Meeting.objects.filter(
            cell=cell, kind=Meeting.Kind.REGULAR, status__in=[Meeting.Status.PLANNED, Meeting.Status.PREPARED]
        ).order_by("scheduled_at")
        self.fields["shares_session_with"].label_from_instance = lambda m: m.title


class MoveMeetingForm(WhenFormMixin, forms.Form):
    date = forms.DateField(label=_("New date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput())
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        when = timezone.localtime(meeting.scheduled_at)
        self.fields["date"].initial = when.date()
        self.fields["time"].initial = when.time()
        self.fields["place"].initial = meeting.place


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))


class CommitteeSessionForm(forms.ModelForm):
    class Meta(PickedDates):
        model = CommitteeSession
        fields = ["held_on", "attendees", "content", "focus", "draft_resolution"]
        widgets = {
            "attendees": forms.CheckboxSelectMultiple,
            "content": forms.Textarea(attrs={"rows": 4}),
            "focus": forms.Textarea(attrs={"rows": 3}),
            "draft_resolution": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {"content": {"required": _("Write what the committee agreed.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = Member.objects.current().filter(cell=self.instance.meeting.cell)
        if not self.instance.pk:
            self.fields["held_on"].initial = timezone.localdate()


def presenter_choices(cell):
    """The cell's members and the superior officers assigned to it."""
    officers = Supervision.objects.active_on(timezone.localdate()).filter(cell=cell).values("officer")
    return Member.objects.current().filter(cell=cell) | Member.objects.filter(pk__in=officers)


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "presenter", "planned_minutes", "category", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": _("Give the item a title.")}}

    def __init__(self, *args, cell, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = presenter_choices(cell).order_by("full_name")
        self.fields["planned_minutes"].widget.attrs.update(min=1, max=240, inputmode="numeric")

    def clean_planned_minutes(self):
        minutes = self.cleaned_data["planned_minutes"]
        if not 1 <= minutes <= 240:
            raise forms.ValidationError(_("Plan between 1 and 240 minutes."))
        return minutes


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    file = forms.FileField(label=_("File"), help_text=_("PDF, DOCX, XLSX, ODT or an image."))
    agenda_item = forms.ModelChoiceField(
        label=_("For agenda item"), queryset=AgendaItem.objects.none(), required=False
    )

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is None:
            del self.fields["agenda_item"]
        else:
            self.fields["agenda_item"].queryset = meeting.agenda_items.all()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = uploads.check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("file") and not cleaned.get("title"):
            cleaned["title"] = cleaned["file"].name.rsplit(".", 1)[0][:255]
        return cleaned


class GuidanceForm(forms.ModelForm):
    month = SensibleDateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%m/%Y", "%d/%m/%Y"],
    )

    class Meta:
        model = Guidance
        fields = ["title", "text", "planned_minutes"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def save(self, commit=True):
        self.instance.period = self.cleaned_data["month"].replace(day=1)
        return super().save(commit)


# --- The live meeting ----------------------------------------------------------------------------------


class OpenMeetingForm(forms.Form):
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=Member.objects.none())
    clerk = forms.ModelChoiceField(
        label=_("Meeting secretary"),
        queryset=Member.objects.none(),
        required=False,
        help_text=_("Keeps the minutes; can be named later."),
    )

    moved = forms.BooleanField(label=_("Yes, the meeting was moved to today"), required=False)
    moved_reason = forms.CharField(label=_("Why it was moved"), max_length=300, required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        members = Member.objects.current().filter(cell=meeting.cell).order_by("full_name")
        self.fields["chair"].queryset = members
        self.fields["clerk"].queryset = members
        if meeting.kind == Meeting.Kind.THEMATIC and meeting.shares_session_with_id:
            # The session's chair and meeting secretary (live.open_meeting): nothing to choose.
            del self.fields["chair"], self.fields["clerk"]
        self.planned = timezone.localtime(meeting.scheduled_at)
        if self.planned.date() == timezone.localdate():
            del self.fields["moved"], self.fields["moved_reason"]
        else:
            self.fields["moved"].help_text = _(
                "It was planned for %(planned)s. The record keeps both dates; the minutes state today's."
            ) % {"planned": f"{self.planned:%H:%M %d/%m/%Y}"}

    def clean(self):
        cleaned = super().clean()
        if "moved" in self.fields and not cleaned.get("moved"):
            self.add_error(
                "moved",
                _("This meeting was planned for %(planned)s. Confirm that it is held today instead.")
                % {"planned": f"{self.planned:%d/%m/%Y}"},
            )
        return cleaned


class ClerkForm(forms.Form):
    clerk = forms.ModelChoiceField(label=_("Meeting secretary"), queryset=Member.objects.none())

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clerk"].queryset = Member.objects.filter(attendances__meeting=meeting).order_by(
            "full_name"
        )


class _ListedChoices(forms.models.ModelChoiceIterator):
    """The choices of a `ListedChoiceField`, from its list: no query per rendering."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.objects:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.objects) + (self.field.empty_label is not None)


class ListedChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over objects already loaded (`objects`): choosing one is a look-up in the list,
    not a query. For a short list every request of a busy page needs (the agenda of a live meeting)."""

    iterator = _ListedChoices

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.objects = []
        self.known = None

    @property
    def objects(self) -> list:
        """The objects, loaded the first time they are needed when given as a function: a valid form whose
        choice is `known` never reads them (a phone's comment on the item under discussion)."""
        if callable(self._objects):
            self._objects = list(self._objects())
        return self._objects

    @objects.setter
    def objects(self, value) -> None:
        self._objects = value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.known is not None and str(self.known.pk) == str(value):
            return self.known
        chosen = next((obj for obj in self.objects if str(obj.pk) == str(value)), None)
        if chosen is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return chosen


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("The comment is empty.")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Comment.Kind.choices, initial=Comment.Kind.OPINION)
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    agenda_item = ListedChoiceField(
        label=_("On the item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose an item of this meeting's agenda.")},
    )
    speaker = forms.ModelChoiceField(
        label=_("Speaker"),
        queryset=Member.objects.none(),
        required=False,
        help_text=_("For a member without a phone; leave empty for yourself."),
    )
    speaker_name = forms.CharField(label=_("or a guest's name"), max_length=150, required=False)

    def __init__(self, *args, meeting: Meeting, for_others: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # The item under discussion by default; any item of the agenda by choice (numbered as the agenda).
        items = self.fields["agenda_item"]
        items.queryset = meeting.agenda_items.order_by("position", "pk")
        # One query, when the list is drawn or an item chosen: the choices and the choice come from it.
        items.objects = items.queryset.all
        now = meeting.current_item_id
        items.label_from_instance = lambda item: self.agenda_labels.get(item.pk, item.title)
        # A phone's list shows the start of a long title only: the whole title of the item chosen is written
        # under it (static/js/live.js keeps it in step with the choice). Escaped: help text is not.
        # A form posted is drawn again only when it has errors (`full_clean`); a phone posts the item under
        # discussion, which is known without the list.
        if not self.is_bound:
            items.help_text = self._chosen_title(now)
        elif now is not None and _as_int(self.data.get(self.add_prefix("agenda_item"))) == now:
            cached = Meeting.current_item.is_cached(meeting)
            items.known = meeting.current_item if cached else rows.load_related(meeting, "current_item")
        items.initial = now
        if now is not None:
            items.empty_label = None
        if for_others:
            self.fields["speaker"].queryset = Member.objects.filter(attendances__meeting=meeting).order_by(
                "full_name"
            )
        else:
            del self.fields["speaker"]
            del self.fields["speaker_name"]

    def full_clean(self):
        super().full_clean()
        if (
            self._errors and "agenda_item" in self.fields
        ):  # drawn again, with the whole title of the item chosen
            self.fields["agenda_item"].help_text = self._chosen_title(
                self.data.get(self.add_prefix("agenda_item"))
            )
            self._bound_fields_cache.pop("agenda_item", None)

    def _chosen_title(self, chosen) -> str:
        chosen = _as_int(chosen)
        return lazy(lambda: escape(self.agenda_labels.get(chosen, "")), str)() if chosen else ""

    @cached_property
    def agenda_labels(self) -> dict[int, str]:
        """Each item's title numbered as on the agenda."""
        objects = self.fields["agenda_item"].objects
        return {item.pk: f"{n}. {item.title}" for n, item in enumerate(objects, start=1)}


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class GuestForm(forms.ModelForm):
    class Meta:
        model = Guest
        fields = ["name", "position", "is_superior_officer"]


class VoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Vote on"), choices=Vote.Kind.choices)
    question = forms.CharField(label=_("Question"), max_length=300)
    subject = forms.ModelChoiceField(
        label=_("Probationary member (recognition only)"), queryset=Member.objects.none(), required=False
    )
    method = forms.ChoiceField(
        label=_("Entry"), choices=Vote.Method.choices, initial=Vote.Method.TOTALS, widget=forms.RadioSelect
    )
    votes_for = forms.IntegerField(label=_("For"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, required=False)
    abstentions = forms.IntegerField(label=_("Abstain"), min_value=0, required=False)

    def __init__(self, *args, meeting: Meeting, voters, **kwargs):
        super().__init__(*args, **kwargs)
        self.voters = voters
        self.fields["subject"].queryset = Member.objects.current().filter(
            cell=meeting.cell, status=Member.Status.PROBATIONARY
        )
        for attendance in voters:
            self.fields[f"ballot_{attendance.member_id}"] = forms.ChoiceField(
                label=attendance.member.full_name,
                choices=[("", "—"), *Ballot.Choice.choices],
                required=False,
                widget=forms.RadioSelect,
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Vote.Kind.RECOGNITION and not cleaned.get("subject"):
            self.add_error("subject", _("Choose the probationary member the vote is about."))
        if cleaned.get("method") == Vote.Method.PHONES:
            pass  # the members answer on their phones (live.open_phone_vote)
        elif cleaned.get("method") == Vote.Method.TOTALS:
            totals = [cleaned.get(f) or 0 for f in ("votes_for", "votes_against", "abstentions")]
            if not any(totals):
                self.add_error("votes_for", _("Enter the number of votes."))
            cleaned["totals"] = tuple(totals)
        else:
            all_for = "all_for" in self.data
            cleaned["ballots"] = {
                a.member_id: ("for" if all_for else cleaned.get(f"ballot_{a.member_id}") or "")
                for a in self.voters
            }
            if not any(cleaned["ballots"].values()):
                self.add_error(None, _("Mark how each member voted, or use “All for”."))
        return cleaned

    def ballot_fields(self):
        return [self[f"ballot_{a.member_id}"] for a in self.voters]


class TaskForm(forms.ModelForm):
    class Meta(PickedDates):
        model = Task
        fields = ["title", "assignee", "due_on"]
        error_messages = {"title": {"required": _("Write the task.")}}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            Member.objects.current().filter(cell=meeting.cell).order_by("full_name")
        )


class SelfCriticismForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    summary = forms.CharField(label=_("Summary"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(attendances__meeting=meeting).order_by(
            "full_name"
        )


class DuesAdjustmentForm(forms.ModelForm):
    class Meta(PickedDates):
        model = DuesAdjustment
        fields = ["reduction", "starts_on", "ends_on", "reason"]

    def clean(self):
        cleaned = super().clean()
        if all(cleaned.get(f) is not None for f in ("reduction", "starts_on", "ends_on")):
            dues.check_adjustment(
                DuesAdjustment(**{f: cleaned[f] for f in ("reduction", "starts_on", "ends_on")})
            )
        return cleaned


# --- Parameters read from a link or a small button form (never a 500 for what a URL can carry) -----------


class YearForm(forms.Form):
    """`?year=` of the dues ledger and the rotation plan; empty means this year."""

    year = forms.IntegerField(
        min_value=1930,
        max_value=2100,
        required=False,
        error_messages=dict.fromkeys(
            ["invalid", "min_value", "max_value"], _("The year must be a number between 1930 and 2100.")
        ),
    )

    def year_or_this(self) -> int:
        return self.cleaned_data.get("year") or timezone.localdate().year


class DuesPaymentForm(forms.Form):
    """One button of the dues page: an entry of the meeting's month, paid in cash or online, or undone."""

    entry = forms.ModelChoiceField(
        queryset=None, error_messages={"invalid_choice": _("This dues entry is not in this month's ledger.")}
    )
    method = forms.ChoiceField(
        choices=[*DuesEntry.Method.choices, ("undo", "undo")],
        error_messages={"invalid_choice": _("Choose how the dues were paid.")},
    )
    # How the page showed the row (a method; empty: not paid). Absent (an older page): not compared.
    shown = forms.CharField(required=False, max_length=10)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = DuesEntry.objects.filter(cell=meeting.cell, period=meeting.period)

    def clean_shown(self):
        return self.cleaned_data["shown"] if "shown" in self.data else None


class CurrentItemForm(forms.Form):
    item = forms.ModelChoiceField(
        queryset=None, error_messages={"invalid_choice": _("Choose an item of this meeting's agenda.")}
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.agenda_items.all()


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Task.Status.choices)
    # Where the button was (a meeting page lists the tasks carried over); only a path on this site.
    next = forms.CharField(required=False, max_length=2000)

    def clean_next(self):
        path = self.cleaned_data["next"]
        return (
            path if url_has_allowed_host_and_scheme(path, allowed_hosts=None) and path.startswith("/") else ""
        )


class AnswerForm(forms.Form):
    """The chair's answer to a question (Django's CharField refuses a NUL, which PostgreSQL cannot store)."""

    answer = forms.CharField(max_length=20000, required=False)
