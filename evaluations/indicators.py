"""The monthly indicators of every cell (one CellMonth row per cell and month), computed for many cells at
once with a fixed number of queries: the dashboard then reads one table."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from core.months import add_months, month_end, month_start, next_month, previous_month, quarter_start
from documents.models import MinutesVersion
from meetings import absences
from meetings import speakers as speaker_queue
from meetings.models import (
    AgendaItem,
    Attendance,
    Comment,
    CommitteeSession,
    DuesEntry,
    Guest,
    Meeting,
    SelfCriticismTurn,
    SpeakingTurn,
    Vote,
)
from members import rules
from members.models import Member, Organization

from . import alerts
from .models import CellMonth, Evaluation


def quarter_bounds(period: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last period (month) of the period's quarter."""
    start = quarter_start(period)
    return start, add_months(start, 2)


def _seats_by_meeting(meeting_ids):
    seats = defaultdict(list)
    rows = Attendance.objects.filter(meeting_id__in=meeting_ids).values_list(
        "meeting_id", "status", "official", "temporary_here", "elsewhere", "exempt", "suspended"
    )
    for meeting_id, status, official, temporary_here, elsewhere, exempt, suspended in rows:
        seats[meeting_id].append(
            (
                status,
                rules.Seat(
                    official=official,
                    present=status == Attendance.Status.PRESENT,
                    temporary_here=temporary_here,
                    elsewhere=elsewhere,
                    exempt=exempt,
                    suspended=suspended,
                ),
            )
        )
    return seats


@transaction.atomic
def refresh(period: dt.date, cells=None) -> int:
    """Recomputes the period's rows for the given cells (all cells if None). Returns how many rows."""
    period = month_start(period)
    cells = list(cells if cells is not None else Organization.objects.cells())
    cell_ids = [c.pk for c in cells]
    meetings = {
        m.cell_id: m
        for m in Meeting.objects.filter(cell_id__in=cell_ids, period=period, kind=Meeting.Kind.REGULAR)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("cell")
        .prefetch_related("shared_thematic")  # its minimum duration (120 minutes with a thematic meeting)
    }
    held = {
        cid: m for cid, m in meetings.items() if m.status in (Meeting.Status.CLOSED, Meeting.Status.ADOPTED)
    }
    ids = [m.pk for m in held.values()]
    seats = _seats_by_meeting(ids)
    talk = {
        r["meeting_id"]: r
        for r in Comment.objects.filter(meeting_id__in=ids)
        .values("meeting_id")
        .annotate(n=Count("pk"), speakers=Count("speaker", distinct=True))
    }
    talk |= _talk_with_turns(ids)
    sessions = set(CommitteeSession.objects.filter(meeting_id__in=ids).values_list("meeting_id", flat=True))
    minutes_by_category = defaultdict(dict)
    for r in (
        AgendaItem.objects.filter(meeting_id__in=ids)
        .values("meeting_id", "category")
        .annotate(m=Sum("planned_minutes"))
    ):
        minutes_by_category[r["meeting_id"]][r["category"]] = r["m"] or 0
    start, end = quarter_bounds(period)
    thematic = dict(
        Meeting.objects.filter(
            cell_id__in=cell_ids, kind=Meeting.Kind.THEMATIC, period__gte=start, period__lte=period
        )
        .filter(status__in=(Meeting.Status.CLOSED, Meeting.Status.ADOPTED))  # held, not just planned
        .values_list("cell_id")
        .annotate(n=Count("pk"))
    )
    turns = dict(
        SelfCriticismTurn.objects.filter(
            cell_id__in=cell_ids, done=True, period__year=period.year, period__lte=period
        )
        .values_list("cell_id")
        .annotate(n=Count("member", distinct=True))
    )
    sizes = dict(
        Member.objects.current().filter(cell_id__in=cell_ids).values_list("cell_id").annotate(n=Count("pk"))
    )
    dues = {
        r["cell_id"]: r
        for r in DuesEntry.objects.filter(cell_id__in=cell_ids, period=period)
        .values("cell_id")
        .annotate(due=Sum("due"), paid=Sum("paid"))
    }
    adopted = set(
        MinutesVersion.objects.filter(minutes__meeting_id__in=ids).values_list(
            "minutes__meeting_id", flat=True
        )
    )
    adopted |= set(
        Vote.objects.filter(meeting_id__in=ids, kind=Vote.Kind.MINUTES, passed=True).values_list(
            "meeting_id", flat=True
        )
    )
    scores = {
        e.meeting_id: e
        # Only a score the cell has adopted by vote counts; a sheet still being filled in does not.
        for e in Evaluation.objects.filter(
            meeting_id__in=ids, kind=Evaluation.Kind.SELF, rubric__kind="meeting", adopted_at__isnull=False
        )
    }
    superiors = set(
        Guest.objects.filter(meeting_id__in=ids, is_superior_officer=True).values_list(
            "meeting_id", flat=True
        )
    )
    at_risk = _members_at_risk(cell_ids, period)
    month_after = next_month(period)
    streaks = Counter(
        cell_id
        for cell_id, _name, _run in absences.over_limit(
            absences.longest_excused_runs(
                cell_ids=cell_ids,
                year=period.year,
                until=timezone.make_aware(dt.datetime.combine(month_after, dt.time())),
            ),
            rules.for_date(None, period).excused_streak_limit,
        ).values()
    )
    overdue = _overdue_recognitions(cell_ids, period)
    now = timezone.now()
    today = timezone.localdate()
    rows = []
    for cell in cells:
        meeting = held.get(cell.pk) or meetings.get(cell.pk)
        row = CellMonth(
            cell=cell,
            period=period,
            meeting=meeting,
            refreshed_at=now,
            thematic_in_quarter=thematic.get(cell.pk, 0) >= rules.for_date(cell, period).thematic_per_quarter,
            members_at_risk=at_risk.get(cell.pk, 0),
            overdue_recognitions=overdue.get(cell.pk, 0),
            excused_streaks=streaks.get(cell.pk, 0),
        )
        size = sizes.get(cell.pk, 0)
        row.self_criticism_coverage = turns.get(cell.pk, 0) / size if size else None
        d = dues.get(cell.pk)
        row.dues_due, row.dues_paid = (d["due"] or 0, d["paid"] or 0) if d else (0, 0)
        m = held.get(cell.pk)
        if m is not None:
            _fill_meeting(
                row, m, cell, seats.get(m.pk, []), talk.get(m.pk), minutes_by_category.get(m.pk, {})
            )
            row.committee_session = m.pk in sessions
            row.minutes_adopted = m.pk in adopted
            row.superior_present = m.pk in superiors
            evaluation = scores.get(m.pk)
            if evaluation is not None:
                row.score, row.level = evaluation.total, evaluation.level
        row.alerts = " ".join(alerts.alerts_for(row, today))
        rows.append(row)
    CellMonth.objects.filter(cell_id__in=cell_ids, period=period).delete()
    CellMonth.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _fill_meeting(row, meeting, cell, seats, talk, minutes):
    row.held = True
    local = timezone.localtime(meeting.started_at or meeting.scheduled_at)
    row.on_fixed_day = cell.meeting_day is None or local.day == cell.meeting_day
    ahead = meeting.published_days_ahead()
    row.published_ahead = ahead is not None and ahead >= 1
    rate = rules.attendance_rate([s for _status, s in seats])
    row.attendance_rate = float(rate) if rate is not None else None
    row.present = sum(1 for _status, s in seats if s.present and s.counted)
    row.unexcused = sum(
        1 for status, s in seats if status == Attendance.Status.UNEXCUSED and not (s.elsewhere or s.suspended)
    )
    row.comments = talk["n"] if talk else 0
    row.speakers = talk["speakers"] if talk else 0
    total = sum(minutes.values())
    row.party_share = minutes.get("party", 0) / total if total else None
    if meeting.started_at and meeting.ended_at:
        row.duration = int((meeting.ended_at - meeting.started_at).total_seconds() // 60)
    row.min_duration = meeting.min_minutes


def _members_at_risk(cell_ids, period):
    """Members absent without reason, or with dues unpaid, in 3 months of the year (Điều lệ Điều 8): months,
    not meetings, so a regular and a thematic meeting missed in one month are one month."""
    year_start = period.replace(month=1)
    months = rules.for_date(None, period).strike_off_months
    absent = (
        Attendance.objects.filter(
            meeting__cell_id__in=cell_ids,
            status=Attendance.Status.UNEXCUSED,
            meeting__period__gte=year_start,
            meeting__period__lte=period,
        )
        .values("member_id", "meeting__cell_id")
        .annotate(n=Count("meeting__period", distinct=True))
        .filter(n__gte=months)
    )
    unpaid = (
        DuesEntry.objects.filter(
            cell_id__in=cell_ids, period__gte=year_start, period__lt=period, due__gt=0, paid__lt=F("due")
        )
        .values("member_id", "cell_id")
        .annotate(n=Count("period", distinct=True))
        .filter(n__gte=months)
    )
    members = defaultdict(set)
    for r in absent:
        members[r["meeting__cell_id"]].add(r["member_id"])
    for r in unpaid:
        members[r["cell_id"]].add(r["member_id"])
    return {cell_id: len(ids) for cell_id, ids in members.items()}


def _overdue_recognitions(cell_ids, period):
    """Probationary members without a recognition vote whose deadline (the rule set's working days after the
    end of the probation) passed before the end of the month."""
    last_day = month_end(period)
    counts = Counter()
    for member in Member.objects.current().filter(
        cell_id__in=cell_ids,
        status=Member.Status.PROBATIONARY,
        recognition_proposed_on__isnull=True,
        admission_date__lte=last_day,
    ):
        ends = member.probation_ends_on
        if ends is None or ends >= last_day:
            continue
        working_days = rules.for_date(None, ends).recognition_deadline_working_days
        if rules.add_working_days(ends, working_days) < last_day:
            counts[member.cell_id] += 1
    return dict(counts)


def refresh_meeting(meeting_id: int) -> int:
    meeting = Meeting.objects.select_related("cell").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    return refresh(meeting.period, [meeting.cell])


def rebuild_recent(months: int = 3, today: dt.date | None = None) -> int:
    """Nightly: the last few months of every cell (older months no longer change; the current month's alerts
    depend on the day, so they are at most a day old)."""
    today = today or timezone.localdate()
    period = month_start(today)
    total = 0
    for _i in range(months):
        total += refresh(period)
        period = previous_month(period)
    return total


def level_counts(rows) -> Counter:
    return Counter(r.level or "none" for r in rows)


def _talk_with_turns(meeting_ids: list[int]) -> dict[int, dict]:
    """The meetings among these whose speaker queue called someone: their members who spoke and their
    opinions counted as the minutes count them (a turn with no comment of that member on that item is one
    more; meetings/speakers.py `counts`). Most meetings have no called turn and keep the plain count."""
    turns = defaultdict(list)
    for meeting_id, member_id, item_id in SpeakingTurn.objects.filter(
        meeting_id__in=meeting_ids, called_at__isnull=False
    ).values_list("meeting_id", "member_id", "agenda_item_id"):
        turns[meeting_id].append((member_id, item_id))
    if not turns:
        return {}
    comments = defaultdict(list)
    for meeting_id, *row in Comment.objects.filter(meeting_id__in=list(turns)).values_list(
        "meeting_id", "speaker_id", "speaker_name", "agenda_item_id"
    ):
        comments[meeting_id].append(tuple(row))
    talk = {}
    for meeting_id, called in turns.items():
        said = [row for row in comments[meeting_id] if row[0] is not None]  # members, as the plain count
        speakers, n = speaker_queue.counts(said, called)
        talk[meeting_id] = {
            "meeting_id": meeting_id,
            "n": n + len(comments[meeting_id]) - len(said),
            "speakers": speakers,
        }
    return talk
