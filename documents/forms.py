"""The public verification page's two forms: a code typed from the paper, and a file to compare."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from . import verification


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Document verification code"),
        max_length=40,
        help_text=_("The code printed beside the QR code at the foot of the document, like K7QX-M4TR-9B."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = verification.normalise(self.cleaned_data["code"])
        if not verification.is_well_formed(code):
            raise ValidationError(
                _("A verification code has 10 letters and digits (no 0, O, 1, I or L), like K7QX-M4TR-9B.")
            )
        return code


class FileCheckForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("The file is compared byte for byte with the adopted document and is not kept."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_SIZE:
            raise ValidationError(
                _("This file is %(size)s; a file to check may be at most %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.MAX_UPLOAD_SIZE)}
            )
        return upload
