from django import forms
from django.utils.translation import gettext_lazy as _

from .history import label_of


class HistoryFilter(forms.Form):
    """Filters of the history page; only ids and model names go into the address, never a person's name."""

    model = forms.ChoiceField(label=_("What"), required=False)
    user = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=1000)

    def __init__(self, *args, models, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("Everything"))] + sorted(
            ((label_of(m), str(m._meta.verbose_name_plural).capitalize()) for m in models), key=lambda c: c[1]
        )
        self.fields["user"].choices = [("", _("Everyone"))] + [
            (u.pk, getattr(u, "member", None) and u.member.full_name or u.get_username()) for u in users
        ]
