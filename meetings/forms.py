import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.forms import DateInput
from members.models import Member, Supervision

from . import documents
from .models import AgendaItem, CommitteeSession, Guidance, Meeting


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class WhenFormMixin:
    """A date and a time field (phone pickers) combined into `scheduled_at`, in Vietnam's time zone."""

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("date"), cleaned.get("time")
        if day and time:
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
    class Meta:
        model = CommitteeSession
        fields = ["held_on", "attendees", "content", "focus", "draft_resolution"]
        widgets = {
            "held_on": DateInput(),
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
        self.content_type = documents.check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("file") and not cleaned.get("title"):
            cleaned["title"] = cleaned["file"].name.rsplit(".", 1)[0][:255]
        return cleaned


class GuidanceForm(forms.ModelForm):
    month = forms.DateField(
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
