from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import RecordAdmin
from members.models import Organization

from . import signing
from .models import Minutes, SigningCertificate

MAX_PKCS12_BYTES = 64 * 1024


@admin.register(Minutes)
class MinutesAdmin(RecordAdmin):
    list_display = ["__str__", "updated_at"]
    list_select_related = ["meeting__cell"]


class SigningCertificateForm(forms.ModelForm):
    """A committee's PKCS#12 file and its passphrase: refused unless the file opens with it. The passphrase is
    kept only encrypted (documents/signing.py)."""

    upload = forms.FileField(
        label=_("PKCS#12 file (.p12, .pfx)"),
        help_text=_("The committee's signing certificate with its private key."),
    )
    passphrase = forms.CharField(
        label=_("Passphrase of the file"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        strip=False,
        help_text=_("Kept encrypted; never shown again."),
    )

    class Meta:
        model = SigningCertificate
        fields = ["organization"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.exclude(kind__in=Organization.CELL_KINDS)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload is None:
            return cleaned
        if not signing.available():
            raise forms.ValidationError(
                _(
                    "Digital signing is not set up on this server (SIGNING_KEY): the certificate cannot be kept."
                )
            )
        if upload.size > MAX_PKCS12_BYTES:
            self.add_error("upload", _("This file is too large for a certificate."))
            return cleaned
        data = upload.read()
        try:
            facts = signing.read_pkcs12(data, cleaned.get("passphrase") or "")
        except (ValueError, TypeError):
            self.add_error(
                "passphrase",
                _("The file does not open with this passphrase, or it is not a PKCS#12 file with a key."),
            )
            return cleaned
        if facts.valid_until < timezone.now():
            self.add_error("upload", _("This certificate has expired."))
        cleaned["pkcs12_data"] = data
        return cleaned

    def save(self, commit=True):
        return signing.store_certificate(
            organization=self.cleaned_data["organization"],
            data=self.cleaned_data["pkcs12_data"],
            passphrase=self.cleaned_data.get("passphrase") or "",
            by=getattr(self, "uploaded_by", None),
            instance=self.instance if self.instance.pk else None,
        )


@admin.register(SigningCertificate)
class SigningCertificateAdmin(admin.ModelAdmin):
    """Per committee: the certificate that signs its cells' adopted minutes and resolutions."""

    form = SigningCertificateForm
    list_display = ["organization", "subject_cn", "valid_from", "valid_until", "uploaded_at"]
    list_select_related = ["organization"]
    readonly_fields = ["subject_cn", "valid_from", "valid_until", "fingerprint", "uploaded_at", "uploaded_by"]

    def save_form(self, request, form, change):
        form.uploaded_by = request.user
        return form.save(commit=False)

    def save_model(self, request, obj, form, change):
        pass  # stored by the form (signing.store_certificate), the passphrase encrypted

    def save_related(self, request, form, formsets, change):
        pass  # no many-to-many fields
