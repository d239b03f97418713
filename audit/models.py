from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecordCheck(models.Model):
    """One nightly run of the record's invariants (audit/invariants.py, as `manage.py check_records` runs
    them): how many problems each check found and the first of them. A record changed behind the app's back
    (a database edited by hand, a restore gone wrong) is reported within a day, not when someone thinks to
    run the command; /metrics shows the latest run's counts (chibo/metrics.py)."""

    ran_at = models.DateTimeField(_("run at"), default=timezone.now, db_index=True)
    seconds = models.FloatField(_("seconds taken"), default=0)
    counts = models.JSONField(_("problems by check"), default=dict)
    problems = models.JSONField(_("problems"), default=list)

    class Meta:
        verbose_name = _("record check")
        verbose_name_plural = _("record checks")
        ordering = ["-ran_at"]

    def __str__(self):
        return f"{timezone.localtime(self.ran_at):%d/%m/%Y %H:%M}: {self.total}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())
