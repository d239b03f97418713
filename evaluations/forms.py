"""The dashboard's filters, read from the query string through a form: a value that does not parse (a
hand-edited link, garbage) falls back to that filter's default, never to a 500."""

import datetime as dt

from django import forms
from django.utils import timezone

from core.months import month_start, previous_month

from .models import SORTS

LEVELS = ("tot", "kha", "tb", "kem", "none")  # "none": no level yet


def default_period() -> dt.date:
    """Before the 10th the committee still reviews last month; from the 10th, this month."""
    today = timezone.localdate()
    return previous_month(today) if today.day < 10 else month_start(today)


class DashboardFilter(forms.Form):
    period = forms.DateField(input_formats=["%Y-%m"], required=False)
    sub = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    level = forms.ChoiceField(choices=[(code, code) for code in LEVELS], required=False)
    sort = forms.ChoiceField(
        choices=[(key, key) for key in SORTS] + [(f"-{key}", key) for key in SORTS], required=False
    )

    DEFAULTS = {"sub": None, "level": "", "sort": "score"}

    def __init__(self, data):
        super().__init__({key: data.get(key, "") for key in ("period", "sub", "level", "sort")})

    def values(self) -> dict:
        """Each filter's value, or its default where the query string's value did not parse."""
        self.is_valid()
        found = {**self.DEFAULTS, "period": None, **{k: v for k, v in self.cleaned_data.items() if v}}
        found["period"] = found["period"] or default_period()
        return found
