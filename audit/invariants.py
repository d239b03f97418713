"""What the official record must always satisfy, checked over a whole database (`manage.py check_records`).

One function per invariant. Each takes a `Scope` (a cell and its subtree, meetings on or after a day) and
yields a `Problem` per broken record: which check, which object, and a readable line naming it and what is
wrong. The functions find the offending rows with a few aggregate queries each, never one per meeting, so
the check runs over seed_scale's 58,000 meetings; only the rows reported are loaded whole.

The module lives in `audit` because it reads every layer below it (the record, the minutes book, the score
sheets); the command and the tests use it, and an admin page can.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import minutes
from documents.models import DocumentNumber, MinutesBook, MinutesVersion, Prepared
from evaluations.models import Criterion, Evaluation
from meetings.models import Attendance, Meeting, Vote
from members.models import Organization

HELD = (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED, Meeting.Status.ADOPTED)
PLACE_DATE = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")


@dataclass(frozen=True)
class Problem:
    check: str  # the invariant's code, e.g. "adopted_incomplete"
    model: str  # what `pk` points to: "meeting", "evaluation", "minutes_book", "organization"
    pk: int
    text: str

    @classmethod
    def of_meeting(cls, check: str, meeting_id: int, text: str) -> Problem:
        return cls(check, "meeting", meeting_id, text)


@dataclass(frozen=True)
class Scope:
    """Which part of the record to check: a cell or committee and everything below it; meetings whose
    date is on or after `since`."""

    organization: Organization | None = None
    since: dt.date | None = None

    def meetings(self):
        meetings = Meeting.objects.all()
        if self.organization is not None:
            meetings = meetings.filter(cell__path__startswith=self.organization.path)
        if self.since is not None:
            start = timezone.make_aware(dt.datetime.combine(self.since, dt.time.min))
            meetings = meetings.filter(scheduled_at__gte=start)
        return meetings

    def organizations(self):
        if self.organization is None:
            return Organization.objects.all()
        return Organization.objects.under(self.organization)


def _name(meeting: Meeting) -> str:
    return f"{meeting.title} — {meeting.cell.name} (#{meeting.pk})"


def _listed(meetings):
    """Meetings in the order the report lists them (by cell, then date), with the cell that _name shows."""
    return meetings.select_related("cell").order_by("cell__path", "scheduled_at", "pk")


def _held_day(meeting_started_at, scheduled_at) -> dt.date:
    """The day the meeting was held, as the record knows it: it opened then."""
    return timezone.localtime(meeting_started_at or scheduled_at).date()


# --- The meeting ------------------------------------------------------------------------------------------


def _roll_call() -> Q:
    """Whether a meeting has its roll call: its own attendance rows, or its session's (a thematic meeting
    held in the same session as the regular one). Two EXISTS, not one with an OR, so both use the index."""
    return Q(Exists(Attendance.objects.filter(meeting=OuterRef("pk")))) | Q(
        Exists(Attendance.objects.filter(meeting=OuterRef("shares_session_with")))
    )


AWAY = (Attendance.Status.EXCUSED, Attendance.Status.UNEXCUSED)


def adopted_incomplete(scope: Scope) -> Iterator[Problem]:
    """An adopted meeting has its roll call (every member marked), its chair and its meeting secretary, both
    present, and the cell's passed vote adopting its minutes."""
    incomplete = (
        scope.meetings()
        .filter(status=Meeting.Status.ADOPTED)
        .annotate(
            has_roll=ExpressionWrapper(_roll_call(), output_field=BooleanField()),
            has_unmarked=Exists(
                Attendance.objects.filter(meeting=OuterRef("pk"), status=Attendance.Status.PENDING)
            ),
            # The minutes name them as chairing and writing: the roll call cannot say they were away.
            chair_away=Exists(
                Attendance.objects.filter(meeting=OuterRef("pk"), member=OuterRef("chair"), status__in=AWAY)
            ),
            clerk_away=Exists(
                Attendance.objects.filter(meeting=OuterRef("pk"), member=OuterRef("clerk"), status__in=AWAY)
            ),
            # The cell's vote that adopted them: a later correction's vote may fail, this one passed.
            voted=Exists(Vote.objects.filter(meeting=OuterRef("pk"), kind=Vote.Kind.MINUTES, passed=True)),
        )
        .filter(
            Q(chair__isnull=True)
            | Q(clerk__isnull=True)
            | Q(has_roll=False)
            | Q(has_unmarked=True)
            | Q(chair_away=True)
            | Q(clerk_away=True)
            | Q(voted=False)
        )
    )
    meetings = list(_listed(incomplete))
    unmarked = dict(
        Attendance.objects.filter(
            meeting__in=[m.pk for m in meetings if m.has_unmarked], status=Attendance.Status.PENDING
        )
        .values("meeting")
        .annotate(n=Count("pk"))
        .values_list("meeting", "n")
    )
    for meeting in meetings:
        missing = []
        if not meeting.has_roll:
            missing.append(_("no roll call"))
        elif meeting.pk in unmarked:
            missing.append(_("%(n)d members never marked on the roll call") % {"n": unmarked[meeting.pk]})
        if meeting.chair_id is None:
            missing.append(_("no chair"))
        if meeting.clerk_id is None:
            missing.append(_("no meeting secretary"))
        if meeting.chair_away:
            missing.append(_("the chair is marked absent on the roll call"))
        if meeting.clerk_away:
            missing.append(_("the meeting secretary is marked absent on the roll call"))
        if not meeting.voted:
            missing.append(_("no passed vote adopting them"))
        yield Problem.of_meeting(
            "adopted_incomplete",
            meeting.pk,
            _("%(meeting)s: minutes adopted, but %(missing)s")
            % {"meeting": _name(meeting), "missing": ", ".join(missing)},
        )


def held_without_attendance(scope: Scope) -> Iterator[Problem]:
    """A meeting that was opened draws its roll call: it has attendance rows (its own, or its shared
    session's). Adopted meetings are reported by `adopted_incomplete`."""
    meetings = _listed(
        scope.meetings()
        .filter(status__in=(Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED))
        .exclude(_roll_call())
    )
    for meeting in meetings:
        yield Problem.of_meeting(
            "held_without_attendance",
            meeting.pk,
            _("%(meeting)s: state “%(state)s”, but no attendance was recorded")
            % {"meeting": _name(meeting), "state": meeting.get_status_display()},
        )


# --- The minutes ------------------------------------------------------------------------------------------


def cells_without_term(scope: Scope) -> Iterator[Problem]:
    """Every cell has its committee term: its minutes are numbered in it and cannot be adopted without it."""
    cells = scope.organizations().cells().filter(term__regex=r"^\s*$").order_by("path")
    for cell in cells:
        yield Problem(
            "cells_without_term",
            "organization",
            cell.pk,
            _("%(cell)s (#%(pk)d): no committee term recorded; its minutes cannot be numbered or adopted")
            % {"cell": cell.name, "pk": cell.pk},
        )


def _latest_versions(scope: Scope):
    """The latest adopted text of each minutes in scope, with what the checks read from it (JSON keys
    read by the database: the rest of the content is not loaded)."""
    later = MinutesVersion.objects.filter(minutes=OuterRef("minutes"), version__gt=OuterRef("version"))
    return (
        MinutesVersion.objects.filter(minutes__meeting__in=scope.meetings())
        .filter(~Exists(later))
        .order_by("minutes__meeting__cell__path", "minutes__meeting__scheduled_at", "minutes__meeting_id")
        .values_list(
            "minutes__meeting_id",
            "version",
            "content__date",
            "content__place_date",
            "content__number",
            "minutes__meeting__started_at",
            "minutes__meeting__scheduled_at",
            "minutes__meeting__cell_id",
        )
    )


def _meetings_by_pk(pks) -> dict[int, Meeting]:
    return {m.pk: m for m in Meeting.objects.filter(pk__in=pks).select_related("cell")}


def minutes_dates(scope: Scope) -> Iterator[Problem]:
    """The adopted minutes print the day the meeting was held, in the date line and in the heading's
    "…, ngày 05 tháng 11 năm 2026"."""
    wrong = []
    for meeting_id, version, date, place_date, _number, started_at, scheduled_at, _cell in _latest_versions(
        scope
    ):
        held = _held_day(started_at, scheduled_at)
        printed = []
        if date != f"{held:%d/%m/%Y}":
            printed.append(str(date or "—"))
        if place_date and f"ngày {held:%d} tháng {held:%m} năm {held:%Y}" not in place_date:
            match = PLACE_DATE.search(str(place_date))
            printed.append(match[0] if match else str(place_date))
        if printed:
            wrong.append((meeting_id, version, held, printed))
    meetings = _meetings_by_pk([w[0] for w in wrong])
    for meeting_id, version, held, printed in wrong:
        yield Problem.of_meeting(
            "minutes_dates",
            meeting_id,
            _(
                "%(meeting)s: the minutes (version %(version)d) print %(printed)s; the meeting was held on %(held)s"
            )
            % {
                "meeting": _name(meetings[meeting_id]),
                "version": version,
                "printed": " / ".join(printed),
                "held": held.strftime("%d/%m/%Y"),
            },
        )


def minutes_numbers(scope: Scope) -> Iterator[Problem]:
    """Adopted minutes carry the number issued to them; a number is used once in a cell's committee term;
    numbers are issued per term, never per calendar year (DOMAIN.md §4.2)."""
    kind = DocumentNumber.Kind.MINUTES
    issued = {
        meeting_id: (number, term)
        for meeting_id, number, term in DocumentNumber.objects.filter(
            kind=kind, meeting__in=scope.meetings()
        ).values_list("meeting_id", "number", "term")
    }
    unnumbered = list(
        scope.meetings()
        .filter(status=Meeting.Status.ADOPTED)
        .exclude(document_numbers__kind=kind)
        .values_list("pk", flat=True)
    )
    mismatched, by_term = [], defaultdict(list)
    for meeting_id, _version, _date, _place, printed, _started, _scheduled, cell in _latest_versions(scope):
        number, term = issued.get(meeting_id, (None, None))
        printed_number = _leading_number(printed)
        if number is not None and printed_number != number:
            mismatched.append((meeting_id, printed, number))
        if printed_number is not None:
            by_term[(cell, term, printed_number)].append(meeting_id)
    twice = {key: ids for key, ids in by_term.items() if len(ids) > 1}
    meetings = _meetings_by_pk(
        unnumbered + [m for m, _p, _n in mismatched] + [m for ids in twice.values() for m in ids]
    )
    for meeting_id in unnumbered:
        yield Problem.of_meeting(
            "minutes_numbers",
            meeting_id,
            _("%(meeting)s: minutes adopted without a number") % {"meeting": _name(meetings[meeting_id])},
        )
    for meeting_id, printed, number in mismatched:
        yield Problem.of_meeting(
            "minutes_numbers",
            meeting_id,
            _("%(meeting)s: the minutes print number %(printed)s, but %(number)02d was issued")
            % {"meeting": _name(meetings[meeting_id]), "printed": printed or "—", "number": number},
        )
    for (_cell, term, number), ids in twice.items():
        for meeting_id in ids:
            others = ", ".join(f"#{m}" for m in ids if m != meeting_id)
            yield Problem.of_meeting(
                "minutes_numbers",
                meeting_id,
                _("%(meeting)s: minutes number %(number)02d is used twice in term %(term)s (also %(others)s)")
                % {
                    "meeting": _name(meetings[meeting_id]),
                    "number": number,
                    "term": term or "—",
                    "others": others,
                },
            )
    yearly = (
        DocumentNumber.objects.filter(kind=kind, meeting__in=scope.meetings(), term__regex=r"^[0-9]{4}$")
        .values("organization", "organization__name", "term")
        .annotate(n=Count("pk"))
        .order_by("organization__path", "term")
    )
    for row in yearly:
        yield Problem(
            "minutes_numbers",
            "organization",
            row["organization"],
            _(
                "%(cell)s (#%(pk)d): %(n)d minutes numbered for the calendar year %(year)s instead of a committee "
                "term (the numbering restarted at 01 in January)"
            )
            % {
                "cell": row["organization__name"],
                "pk": row["organization"],
                "n": row["n"],
                "year": row["term"],
            },
        )


def _leading_number(printed) -> int | None:
    match = re.match(r"\s*(\d+)", str(printed or ""))
    return int(match[1]) if match else None


def missing_from_book(scope: Scope) -> Iterator[Problem]:
    """Every adopted minutes is in its year's minutes book: the book is made from the adopted texts, so an
    adopted meeting without one is left out; a book made after a minutes was adopted contains it."""
    meetings = _listed(
        scope.meetings()
        .filter(status=Meeting.Status.ADOPTED)
        .filter(~Exists(MinutesVersion.objects.filter(minutes__meeting=OuterRef("pk"))))
    )
    for meeting in meetings:
        yield Problem.of_meeting(
            "missing_from_book",
            meeting.pk,
            _("%(meeting)s: adopted, but no adopted text is stored; the %(year)d minutes book leaves it out")
            % {"meeting": _name(meeting), "year": meeting.period.year},
        )
    adopted_before = (
        Meeting.objects.filter(
            cell=OuterRef("cell"),
            period__year=OuterRef("year"),
            minutes__versions__version=1,
            minutes__versions__created_at__lte=OuterRef("rendered_at"),
        )
        .values("cell")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    books = (
        MinutesBook.objects.filter(status=Prepared.Status.READY, cell__in=scope.organizations())
        .annotate(adopted=Coalesce(Subquery(adopted_before, output_field=IntegerField()), 0))
        .filter(adopted__gt=F("entries"))
        .select_related("cell")
        .order_by("cell__path", "year")
    )
    if scope.since is not None:
        books = books.filter(year__gte=scope.since.year)
    for book in books:
        yield Problem(
            "missing_from_book",
            "minutes_book",
            book.pk,
            _(
                "%(cell)s: the %(year)d minutes book holds %(entries)d minutes; %(adopted)d were adopted when it was made"
            )
            % {"cell": book.cell.name, "year": book.year, "entries": book.entries, "adopted": book.adopted},
        )


# --- Score sheets -----------------------------------------------------------------------------------------


def sheets_unscored(scope: Scope) -> Iterator[Problem]:
    """A score sheet the cell adopted or the superior officer confirmed has a score for every criterion
    of its rubric."""
    criteria = dict(
        Criterion.objects.values("group__rubric").annotate(n=Count("pk")).values_list("group__rubric", "n")
    )
    counted = (
        Evaluation.objects.filter(meeting__in=scope.meetings())
        .filter(Q(adopted_at__isnull=False) | Q(confirmed_at__isnull=False))
        # One score per criterion (a unique constraint); a score without points is not scored yet.
        .annotate(scored=Count("scores", filter=Q(scores__points__isnull=False)))
        .values_list("pk", "rubric_id", "scored")
    )
    short = {
        pk: (criteria.get(rubric, 0), scored)
        for pk, rubric, scored in counted
        if scored < criteria.get(rubric, 0)
    }
    sheets = (
        Evaluation.objects.filter(pk__in=short)
        .select_related("meeting__cell")
        .order_by("meeting__cell__path", "meeting__scheduled_at", "pk")
    )
    for sheet in sheets:
        total, scored = short[sheet.pk]
        yield Problem(
            "sheets_unscored",
            "evaluation",
            sheet.pk,
            _("%(meeting)s: score sheet “%(kind)s” %(state)s with %(n)d of %(total)d criteria unscored")
            % {
                "meeting": _name(sheet.meeting),
                "kind": sheet.get_kind_display(),
                "state": _("confirmed by the superior") if sheet.confirmed_at else _("adopted by the cell"),
                "n": total - scored,
                "total": total,
            },
        )


def sheets_without_vote(scope: Scope) -> Iterator[Problem]:
    """The cell adopts its self-assessment by its vote on the score, and the vote passed: the sheet names
    that vote."""
    sheets = (
        Evaluation.objects.filter(
            meeting__in=scope.meetings(), kind=Evaluation.Kind.SELF, adopted_at__isnull=False
        )
        .filter(Q(adopted_vote__isnull=True) | Q(adopted_vote__passed=False))
        .select_related("meeting__cell")
        .order_by("meeting__cell__path", "meeting__scheduled_at", "pk")
    )
    for sheet in sheets:
        yield Problem(
            "sheets_without_vote",
            "evaluation",
            sheet.pk,
            _("%(meeting)s: score sheet adopted by the cell without a passed vote on the score")
            % {"meeting": _name(sheet.meeting)},
        )


def minutes_not_as_voted(scope: Scope) -> Iterator[Problem]:
    """Adopted minutes say what the cell voted on: the text read out and the record as it stood at that vote
    (`documents.minutes.not_as_voted`). Only minutes whose vote was kept are read (one query, streamed)."""
    first = (
        MinutesVersion.objects.filter(
            version=1, minutes__meeting__in=scope.meetings(), minutes__voted_record__isnull=False
        )
        .select_related("minutes__meeting__cell")
        .order_by("minutes__meeting__cell__path", "minutes__meeting__scheduled_at", "minutes__meeting_id")
    )
    for version in first.iterator(chunk_size=200):
        differs = minutes.not_as_voted(version.minutes, version.content)
        if differs:
            yield Problem.of_meeting(
                "minutes_not_as_voted",
                version.minutes.meeting_id,
                _("%(meeting)s: the adopted minutes differ from what the cell voted on: %(parts)s")
                % {"meeting": _name(version.minutes.meeting), "parts": ", ".join(differs)},
            )


# Titles for the command's groups, in the order it prints them.
CHECKS: list[tuple[str, object, Callable[[Scope], Iterator[Problem]]]] = [
    (
        "adopted_incomplete",
        gettext_lazy("Adopted meetings without a roll call, chair, meeting secretary or passed vote"),
        adopted_incomplete,
    ),
    (
        "held_without_attendance",
        gettext_lazy("Meetings held without attendance rows"),
        held_without_attendance,
    ),
    ("minutes_dates", gettext_lazy("Minutes whose dates differ from the day held"), minutes_dates),
    ("cells_without_term", gettext_lazy("Cells without a committee term"), cells_without_term),
    ("minutes_numbers", gettext_lazy("Minutes numbers"), minutes_numbers),
    ("missing_from_book", gettext_lazy("Adopted minutes missing from their year's book"), missing_from_book),
    (
        "minutes_not_as_voted",
        gettext_lazy("Adopted minutes that differ from what the cell voted on"),
        minutes_not_as_voted,
    ),
    (
        "sheets_unscored",
        gettext_lazy("Adopted or confirmed score sheets with unscored criteria"),
        sheets_unscored,
    ),
    (
        "sheets_without_vote",
        gettext_lazy("Score sheets adopted without the cell's passed vote"),
        sheets_without_vote,
    ),
]


def check(scope: Scope | None = None) -> dict[str, list[Problem]]:
    """Every invariant over the scope: {check code: [problems]} (empty lists included)."""
    scope = scope or Scope()
    return {code: list(function(scope)) for code, _title, function in CHECKS}
