from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channels


class ChannelsForm(forms.ModelForm):
    """Email and push, each on or off; the app's own list is always on (shown, not a choice)."""

    class Meta:
        model = Channels
        fields = ["email", "push"]
        help_texts = {
            "push": _("On each phone or computer where you turned them on below."),
        }

    def __init__(self, *args, push_available: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not push_available:
            self.fields["push"].disabled = True
            self.fields["push"].help_text = _("Push notifications are not set up on this server.")
