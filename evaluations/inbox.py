"""What waits for a superior officer and a committee reviewer: the inbox, "Việc cần làm" (issue #18).

- a superior officer (the cells they supervise, and the cells directly under a committee where they hold a
  seat: secretary, deputy or committee member) confirms the scores those cells adopted, reads the minutes
  they adopted in the last MINUTES_DAYS days, and follows up the published or held meetings without a chi ủy
  session since the first of last month;
- a committee reviewer (any post in a committee above the cells) looks at the cells under it whose month has
  alerts (the dashboard's, `CellMonth.alerts`).

The view takes the Scope from `access.inbox_scope_of(user)`; this module only queries inside it. A member
without a scope has no inbox at all (no query, no link). `count` is the bar's badge in one query; `waiting`
is the page, built from the same querysets, so the two agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.months import previous_month
from documents.models import MinutesVersion
from meetings.models import CommitteeSession, Meeting
from members.models import Organization

from .models import CellMonth, Evaluation, MinutesRead, Rubric

MINUTES_DAYS = 30  # adopted minutes stay in the superior's list this long, unless read before
WITH_SESSION = (
    Meeting.Status.PREPARED,
    Meeting.Status.IN_PROGRESS,
    Meeting.Status.CLOSED,
    Meeting.Status.ADOPTED,
)


@dataclass(frozen=True)
class Scope:
    supervised_cell_ids: frozenset[int] = frozenset()
    board_paths: tuple[str, ...] = ()  # committees where the user holds a seat: their cells directly below
    review_paths: tuple[str, ...] = ()  # committees the user reviews: every cell below
    managed_cell_ids: frozenset[int] = frozenset()  # nobody is their own superior

    @property
    def confirms(self) -> bool:
        return bool(self.supervised_cell_ids or self.board_paths)

    @property
    def reviews(self) -> bool:
        return bool(self.review_paths)

    def __bool__(self) -> bool:
        return self.confirms or self.reviews

    def superior_of(self, prefix: str = "") -> Q:
        """The cells that look to the user as their superior (`prefix` leads from the queried model to the
        cell, e.g. "meeting__cell__")."""
        q = Q(**{f"{prefix}id__in": self.supervised_cell_ids})
        for path in self.board_paths:
            depth = len(path) // Organization.steplen
            q |= Q(**{f"{prefix}path__startswith": path, f"{prefix}depth": depth + 1})
        cells = Q(**{f"{prefix}kind__in": Organization.CELL_KINDS})
        return q & cells & ~Q(**{f"{prefix}id__in": self.managed_cell_ids})

    def reviewed(self, prefix: str = "") -> Q:
        q = Q(pk__in=[])
        for path in self.review_paths:
            q |= Q(**{f"{prefix}path__startswith": path})
        return q & Q(**{f"{prefix}kind__in": Organization.CELL_KINDS})


def scores_to_confirm(scope: Scope) -> QuerySet[Evaluation]:
    """The cells' adopted meeting scores nobody has confirmed, unless the user scored the meeting separately
    (a complete superior sheet)."""
    if not scope.confirms:
        return Evaluation.objects.none()
    scored_separately = Evaluation.objects.filter(
        meeting=OuterRef("meeting"), kind=Evaluation.Kind.SUPERIOR, rubric__kind=Rubric.Kind.MEETING
    ).exclude(level="")
    return (
        Evaluation.objects.filter(
            scope.superior_of("meeting__cell__"),
            kind=Evaluation.Kind.SELF,
            rubric__kind=Rubric.Kind.MEETING,
            adopted_at__isnull=False,
            confirmed_at__isnull=True,
        )
        .exclude(Exists(scored_separately))
        .select_related("meeting__cell")
        .order_by("adopted_at", "pk")
    )


def minutes_to_read(scope: Scope, user, now: dt.datetime) -> QuerySet[MinutesVersion]:
    """Minutes the cells adopted (or corrected) in the last MINUTES_DAYS days that the user has not opened
    from the inbox."""
    if not scope.confirms:
        return MinutesVersion.objects.none()
    read = MinutesRead.objects.filter(user=user, version=OuterRef("pk"))
    return (
        MinutesVersion.objects.filter(
            scope.superior_of("minutes__meeting__cell__"),
            created_at__gte=now - dt.timedelta(days=MINUTES_DAYS),
        )
        .exclude(Exists(read))
        .select_related("minutes__meeting__cell")
        .order_by("-created_at", "-pk")
    )


def missing_sessions(scope: Scope, now: dt.datetime) -> QuerySet[Meeting]:
    """Regular meetings published or held since the first of last month without their chi ủy session."""
    if not scope.confirms:
        return Meeting.objects.none()
    since = previous_month(timezone.localtime(now).date().replace(day=1))
    return (
        Meeting.objects.filter(
            scope.superior_of("cell__"),
            kind=Meeting.Kind.REGULAR,
            status__in=WITH_SESSION,
            period__gte=since,
        )
        .exclude(Exists(CommitteeSession.objects.filter(meeting=OuterRef("pk"))))
        .select_related("cell")
        .order_by("scheduled_at", "pk")
    )


def cells_with_alerts(scope: Scope, now: dt.datetime) -> QuerySet[CellMonth]:
    """This month's rows of the reviewed cells that have alerts (as the dashboard shows them)."""
    if not scope.reviews:
        return CellMonth.objects.none()
    period = timezone.localtime(now).date().replace(day=1)
    return (
        CellMonth.objects.of_month(period)
        .with_alerts()
        .filter(scope.reviewed("cell__"))
        .select_related("cell")
        .order_by("cell__name", "pk")
    )


class _Count(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) inbox_count)"
    output_field = IntegerField()


def _parts(scope: Scope, user, now: dt.datetime) -> dict[str, QuerySet]:
    return {
        "scores": scores_to_confirm(scope),
        "minutes": minutes_to_read(scope, user, now),
        "sessions": missing_sessions(scope, now),
        "alerts": cells_with_alerts(scope, now),
    }


def count(scope: Scope, user, now: dt.datetime | None = None) -> int:
    """How many things wait, in one query (the bar shows it on every page of an officer or a reviewer)."""
    if not scope:
        return 0
    now = now or timezone.now()
    counts = {
        name: _Count(queryset.order_by().values("pk"))
        for name, queryset in _parts(scope, user, now).items()
        if not queryset.query.is_empty()
    }
    if not counts:
        return 0
    row = Organization.objects.order_by().annotate(**counts).values_list(*counts)[:1]
    return sum(next(iter(row), ()))


@dataclass
class Waiting:
    scores: list = field(default_factory=list)
    minutes: list = field(default_factory=list)
    sessions: list = field(default_factory=list)
    alerts: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.scores) + len(self.minutes) + len(self.sessions) + len(self.alerts)


def waiting(scope: Scope, user, now: dt.datetime | None = None) -> Waiting:
    """Everything that waits, for the inbox page."""
    if not scope:
        return Waiting()
    now = now or timezone.now()
    return Waiting(**{name: list(queryset) for name, queryset in _parts(scope, user, now).items()})


def mark_read(user, version: MinutesVersion) -> None:
    """The user opened the minutes from the inbox: they leave the list (once, however often opened)."""
    MinutesRead.objects.get_or_create(user=user, version=version)
