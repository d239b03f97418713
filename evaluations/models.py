"""Scoring rubrics (data, versioned, citing their documents), meeting scores, and cell indicators."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import by_user
from meetings.models import Meeting, Vote
from members.models import Member, Organization

from .alerts import LABELS


class RubricQuerySet(models.QuerySet):
    def for_date(self, organization: Organization, day: dt.date, kind: str) -> Rubric | None:
        """The rubric in force on `day` for the organisation: its own or the nearest committee's above it,
        else the national default (no organisation)."""
        prefixes = [organization.path[: i * organization.steplen] for i in range(1, organization.depth + 1)]
        candidates = list(
            self.filter(kind=kind, effective_from__lte=day)
            .filter(Q(organization__isnull=True) | Q(organization__path__in=prefixes))
            .select_related("organization")
        )
        if not candidates:
            return None

        def closeness(rubric):
            depth = rubric.organization.depth if rubric.organization_id else 0
            return (depth, rubric.effective_from, rubric.pk)

        return max(candidates, key=closeness)


class Rubric(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting quality score")
        FOUR_GOOD = "four_good", _("“Four-good cell” monthly self-assessment")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rubrics",
        verbose_name=_("issued for"),
        help_text=_("Empty: the default for every organisation."),
    )
    effective_from = models.DateField(_("effective from"))
    source_number = models.CharField(_("document number"), max_length=100)
    source_date = models.DateField(_("document date"))
    source_issuer = models.CharField(_("issued by"), max_length=200)
    levels = models.JSONField(
        _("levels"),
        help_text=_('Highest first: [{"code": "tot", "min": 90, "label": "Tốt"}, …]'),
    )

    objects = RubricQuerySet.as_manager()

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["kind", "-effective_from"]

    def __str__(self):
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"

    @property
    def source(self) -> str:
        return f"{self.source_number} ({self.source_date:%d/%m/%Y}, {self.source_issuer})"

    def level_for(self, total: float, full_marks_ok: bool = True) -> dict:
        """The level a total reaches; the top level also needs full marks on its named criteria."""
        for i, level in enumerate(self.levels):
            if total >= level["min"] and (i > 0 or full_marks_ok):
                return level
        return self.levels[-1]


class CriterionGroup(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Criterion(models.Model):
    """A line of the score sheet. `fact` names what the record can answer (see evaluations/facts.py) and
    `scale` turns its value into points: [[minimum value, points], …], highest first."""

    group = models.ForeignKey(CriterionGroup, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(max_length=40)
    name = models.CharField(_("criterion"), max_length=300)
    max_points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    fact = models.CharField(_("fact from the record"), max_length=40, blank=True)
    scale = models.JSONField(default=list, blank=True)
    required_for_top = models.BooleanField(_("full marks needed for the top level"), default=False)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Evaluation(models.Model):
    """A score sheet for one meeting: the cell's own (adopted by vote) or the superior officer's."""

    class Kind(models.TextChoices):
        SELF = "self", _("Cell's self-assessment")
        SUPERIOR = "superior", _("Superior officer's score")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="evaluations")
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="evaluations")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SELF)
    total = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    # Empty until every criterion is scored: a sheet half filled in has no level.
    level = models.CharField(max_length=20, blank=True)
    level_label = models.CharField(_("level"), max_length=50, blank=True)
    # The starred criteria without full marks when the total reached the top level (why 93 is only "khá").
    short_of_top = models.JSONField(default=list, blank=True)
    adopted_vote = models.ForeignKey(Vote, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    adopted_at = models.DateTimeField(null=True, blank=True)
    # The points as they stood at the cell's last vote on the score ({criterion id: points or null}): the
    # sheet is adopted only while it still says that. Empty: no vote yet.
    voted_points = models.JSONField(null=True, blank=True)
    confirmed_by = by_user(blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_by = by_user()
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "rubric", "kind"], name="one_evaluation_per_meeting_rubric_kind"
            )
        ]

    def __str__(self):
        return f"{self.meeting} — {self.total}"

    @property
    def level_reason(self) -> str:
        return level_reason(self.rubric.levels, self.level, self.total, self.short_of_top)


def _points(value) -> str:
    return f"{value:g}".replace(".", ",") if isinstance(value, (int, float)) else str(value).replace(".", ",")


def level_reason(levels: list, code: str, total, short_of_top: list) -> str:
    """Why a total has its level: the band it falls in, or the starred criteria that kept it from the top."""
    codes = [level["code"] for level in levels]
    if code not in codes:
        return ""
    if short_of_top:
        return _("%(total)s points reach “%(top)s”, which also needs full marks on: %(names)s") % {
            "total": f"{total:.1f}".replace(".", ","),
            "top": levels[0]["label"],
            "names": "; ".join(short_of_top),
        }
    i = codes.index(code)
    low = levels[i]["min"]
    if i == 0:
        return _("%(min)s points or more") % {"min": _points(low)}
    high = levels[i - 1]["min"]
    if i == len(levels) - 1 and not low:
        return _("under %(max)s points") % {"max": _points(high)}
    return _("from %(min)s to under %(max)s points") % {"min": _points(low), "max": _points(high)}


class Score(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    # None: not scored yet (the record could not answer and nobody has judged it); never counted as zero.
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)
    fact = models.CharField(_("fact"), max_length=200, blank=True)
    prefilled = models.BooleanField(default=False)
    # Until the sheet is adopted it follows the record: the points the record gave last (points equal to them
    # were not changed by hand, so they follow a changed fact), and the fact as it read when the sheet was
    # first opened, kept while the record says something else.
    record_points = models.DecimalField(
        _("points from the record"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    fact_was = models.CharField(_("fact when the sheet was opened"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__group__position", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion}: {self.points}"


# The dashboard's sortable columns: ?sort=attendance (ascending) or ?sort=-attendance (descending).
SORTS = {
    "cell": "cell__name",
    "score": "score",
    "attendance": "attendance_rate",
    "speakers": "speakers",
    "comments": "comments",
    "duration": "duration",
    "party": "party_share",
}


def _sheet(column: str, output_field, confirmer: bool = False) -> RawSQL:
    """A column of the adopted self-assessment of a CellMonth row's meeting (see with_sheet)."""
    user = get_user_model()._meta.db_table
    joins = (
        f" LEFT JOIN {user} u ON u.id = e.confirmed_by_id LEFT JOIN {Member._meta.db_table} p ON p.user_id = u.id"
        if confirmer
        else ""
    )
    sql = (
        f"SELECT {column} FROM {Evaluation._meta.db_table} e JOIN {Rubric._meta.db_table} r ON r.id = e.rubric_id"
        f"{joins} WHERE e.meeting_id = {CellMonth._meta.db_table}.meeting_id AND e.kind = %s AND r.kind = %s"
        " AND e.adopted_at IS NOT NULL ORDER BY e.id LIMIT 1"
    )
    return RawSQL(
        f"({sql})", (Evaluation.Kind.SELF.value, Rubric.Kind.MEETING.value), output_field=output_field
    )


class CellMonthQuerySet(models.QuerySet):
    def under(self, organization: Organization):
        """The rows of every cell below a committee (or of the cell itself)."""
        return self.filter(cell__path__startswith=organization.path)

    def of_month(self, period: dt.date):
        return self.filter(period=period)

    def at_level(self, level: str):
        """The rows of a level's code; "none": the rows without a level yet."""
        return self.filter(level="" if level == "none" else level)

    def sorted_by(self, sort: str):
        """Ordered by a SORTS key, "-" first for the highest first; the cell's name breaks ties."""
        field = SORTS[sort.lstrip("-")]
        # Cells without the value (no meeting, no score) go last either way, on PostgreSQL as on SQLite.
        order = F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
        return self.order_by(order, "cell__name", "pk")

    def with_alerts(self):
        return self.exclude(alerts="")

    def with_sheet(self, json_as_text: bool = False):
        """Each row with its adopted sheet's reason and confirmation (the cell's own meeting score, the first
        one adopted), read in the rows' own query: the dashboard's query count does not grow.

        Written as SQL: the ORM took longer to build these four subqueries for every page (about 2 ms) than
        PostgreSQL takes to run them for 100 rows. `json_as_text` leaves the two JSON columns as their text,
        for a caller that decodes them only when it needs them (dashboard.fragment)."""
        json = models.TextField() if json_as_text else models.JSONField()
        return self.annotate(
            confirmed_at=_sheet("e.confirmed_at", models.DateTimeField()),
            confirmer=_sheet("COALESCE(p.full_name, u.username)", models.CharField(), confirmer=True),
            short_of_top=_sheet("e.short_of_top", json),
            levels=_sheet("r.levels", json),
        )


class CellMonth(models.Model):
    """The indicators of one cell for one month, refreshed when a meeting changes state and nightly."""

    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="months")
    period = models.DateField()
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    held = models.BooleanField(default=False)
    on_fixed_day = models.BooleanField(default=False)
    committee_session = models.BooleanField(default=False)
    published_ahead = models.BooleanField(default=False)
    attendance_rate = models.FloatField(null=True)
    present = models.PositiveSmallIntegerField(default=0)
    speakers = models.PositiveSmallIntegerField(default=0)
    comments = models.PositiveSmallIntegerField(default=0)
    party_share = models.FloatField(null=True)
    duration = models.PositiveSmallIntegerField(null=True)
    thematic_in_quarter = models.BooleanField(default=False)
    self_criticism_coverage = models.FloatField(null=True)
    dues_due = models.PositiveIntegerField(default=0)
    dues_paid = models.PositiveIntegerField(default=0)
    minutes_adopted = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    level = models.CharField(max_length=20, blank=True)
    superior_present = models.BooleanField(default=False)
    unexcused = models.PositiveSmallIntegerField(default=0)
    members_at_risk = models.PositiveSmallIntegerField(default=0)
    overdue_recognitions = models.PositiveSmallIntegerField(default=0)
    # Members absent with reason more than the rule set's limit of meetings in a row this year (HD 12).
    excused_streaks = models.PositiveSmallIntegerField(default=0)
    min_duration = models.PositiveSmallIntegerField(null=True)  # the meeting's rule minimum, in minutes
    # The failures a committee looks for (codes of evaluations.alerts.LABELS, space-separated), as of
    # refreshed_at: the dashboard reads them instead of judging 1,000 rows per request.
    alerts = models.CharField(max_length=200, blank=True, default="")
    refreshed_at = models.DateTimeField(default=timezone.now)

    objects = CellMonthQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cell", "period"], name="one_row_per_cell_month")]
        indexes = [models.Index(fields=["period", "cell"])]

    def __str__(self):
        return f"{self.cell} {self.period:%m/%Y}"

    LEVEL_NAMES = {"tot": "Tốt", "kha": "Khá", "tb": "Trung bình", "kem": "Kém"}

    @property
    def level_name(self) -> str:
        """The level as documents write it (the rubric levels' labels are Vietnamese data)."""
        return self.LEVEL_NAMES.get(self.level, self.level)

    @property
    def alert_labels(self) -> list:
        return [LABELS[code] for code in self.alerts.split() if code in LABELS]

    @property
    def speaker_share(self) -> float | None:
        return self.speakers / self.present if self.present else None


class MinutesRead(models.Model):
    """A superior officer has opened a cell's adopted minutes from their inbox (evaluations/inbox.py): the
    version leaves their list of minutes to read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey("documents.MinutesVersion", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="one_read_per_user_version")]

    def __str__(self):
        return f"{self.user} {self.version}"
