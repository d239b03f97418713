import datetime as dt

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Member, Organization, StatusPeriod


class DateInput(forms.DateInput):
    """A phone-friendly date picker; the server also accepts dd/mm/yyyy typed by hand."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SensibleDateField(forms.DateField):
    """A date between 1930 (the Party's founding; the range meeting dates have) and 2100: a typo such as
    01/01/0001 or 31/12/9999 is refused with a message instead of being stored (or overflowing later)."""

    earliest, latest = dt.date(1930, 1, 1), dt.date(2100, 12, 31)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", "") == "date":  # the phone's date picker stays in range too
            attrs |= {"min": f"{self.earliest:%Y-%m-%d}", "max": f"{self.latest:%Y-%m-%d}"}
        return attrs

    def validate(self, value):
        super().validate(value)
        if value and not self.earliest <= value <= self.latest:
            raise forms.ValidationError(
                _("Choose a date between %(start)s and %(end)s.")
                % {"start": f"{self.earliest:%d/%m/%Y}", "end": f"{self.latest:%d/%m/%Y}"},
                code="out_of_range",
            )


class BirthDateField(SensibleDateField):
    earliest = dt.date(1900, 1, 1)  # members born before the Party was founded are still on the roll


def _picked_date(field, **kwargs):
    """A model form's date (not date and time): picked on the phone, in a sensible range, unless its Meta
    names another widget or field class."""
    if type(field) is models.DateField:
        kwargs = {"form_class": SensibleDateField, "widget": DateInput, **kwargs}
    return field.formfield(**kwargs)


class PickedDates:
    """A model form's Meta base (`class Meta(PickedDates)`): every date field gets the date picker
    (DateInput) and SensibleDateField."""

    formfield_callback = staticmethod(_picked_date)


class MemberForm(forms.ModelForm):
    class Meta(PickedDates):
        model = Member
        fields = [
            "full_name",
            "gender",
            "birth_date",
            "card_number",
            "status",
            "admission_decision_date",
            "admission_date",
            "official_date",
            "position",
            "email",
            "phone",
            "dues_category",
            "dues_basis",
        ]
        field_classes = {"birth_date": BirthDateField}
        error_messages = {
            "card_number": {"unique": _("Another member already has this party card number.")},
            "full_name": {"required": _("Please enter the member's full name.")},
        }

    def clean_card_number(self):
        return (self.cleaned_data.get("card_number") or "").strip() or None

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())


class TransferForm(forms.Form):
    to_cell = forms.ModelChoiceField(label=_("New cell"), queryset=Organization.objects.none())
    on = SensibleDateField(label=_("Transfer date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        root = Organization.objects.get_root(member.cell)
        self.fields["to_cell"].queryset = (
            Organization.objects.under(root).cells().exclude(pk=member.cell_id).order_by("name")
        )
        self.fields["on"].initial = timezone.localdate()


class StatusPeriodForm(forms.ModelForm):
    class Meta(PickedDates):
        model = StatusPeriod
        fields = ["kind", "starts_on", "ends_on", "reason", "detained"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}


class RecognitionForm(forms.Form):
    official_date = SensibleDateField(
        label=_("Official membership date"),
        widget=DateInput(),
        help_text=_("The date in the superior committee's decision."),
    )

    def __init__(self, *args, member: Member, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def clean_official_date(self):
        day = self.cleaned_data["official_date"]
        if self.member.admission_date and day < self.member.admission_date:
            raise forms.ValidationError(_("The official date cannot be before the admission date."))
        return day


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Member list (XLSX or CSV)"),
        help_text=_(
            "Columns: Họ và tên, Giới tính, Ngày sinh, Số thẻ đảng, Ngày vào Đảng (the admission decision), "
            "Ngày lễ kết nạp (the ceremony; if missing, the decision's date), Ngày chính thức, "
            "Chi bộ, Email, Điện thoại. Dates as dd/mm/yyyy."
        ),
    )


class ActivateForm(forms.Form):
    """A member turns the one-time code from their committee into their own login."""

    code = forms.CharField(label=_("Invitation code"), max_length=20)
    username = forms.RegexField(
        label=_("Login name"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Use only letters without accents, digits and . @ + - _")},
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This login name is taken; please choose another."))
        return username

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            user = get_user_model()(username=cleaned.get("username", ""))
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class CellSettingsForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "code", "term", "place", "meeting_day", "meeting_time", "meeting_place"]
        widgets = {"meeting_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, or one of the backup codes."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("The 6 digits shown in your authenticator app, or one of your backup codes."),
        error_messages={"required": _("Please enter the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "none", "size": 10}
        ),
    )

    def __init__(self, *args, app_only: bool = False, autofocus: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not autofocus:  # below other content (the backup codes): a phone must not jump past it
            del self.fields["code"].widget.attrs["autofocus"]
        if app_only:  # confirming the app: digits only, and a phone shows its number pad
            self.fields["code"].help_text = _("The 6 digits shown in your authenticator app.")
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
