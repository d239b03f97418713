"""The yearly self-criticism rotation (tự phê bình và phê bình xoay vòng): a per-cell plan, since no
national rule fixes one (DOMAIN.md §6)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from members.models import Member, Membership, StatusPeriod

from . import live
from .models import Meeting, SelfCriticismTurn


@transaction.atomic
def plan_year(*, cell, year: int) -> int:
    """Spreads the cell's active members over the twelve months so everyone has a turn; months already
    done are kept. Returns how many turns were planned."""
    SelfCriticismTurn.objects.filter(cell=cell, period__year=year, done=False).delete()
    done = set(
        SelfCriticismTurn.objects.filter(cell=cell, period__year=year).values_list("member_id", flat=True)
    )
    today = timezone.localdate()
    away = StatusPeriod.objects.active_on(today).filter(
        kind__in=[
            StatusPeriod.Kind.EXEMPT,
            StatusPeriod.Kind.TEMPORARY_ELSEWHERE,
            StatusPeriod.Kind.SUSPENDED,
        ]
    )
    first_month = today.month if today.year == year else 1
    months = [dt.date(year, m, 1) for m in range(first_month, 13)]
    # Who is in the cell on each month's meeting day, from the membership history: a member transferring out
    # (or in) later this year has their turn while they still (already) belong to the cell.
    day = cell.meeting_day or 1
    memberships = Membership.objects.filter(cell=cell, started_on__lte=dt.date(year, 12, day)).exclude(
        ended_on__lt=dt.date(year, first_month, day)
    )
    windows: dict[int, list[dt.date]] = {}
    for ms in memberships:
        for month in months:
            if ms.started_on <= month.replace(day=day) and (
                ms.ended_on is None or ms.ended_on >= month.replace(day=day)
            ):
                windows.setdefault(ms.member_id, []).append(month)
    members = list(
        Member.objects.current()
        .filter(pk__in=windows)
        .exclude(pk__in=away.values("member"))
        .exclude(pk__in=done)
        .order_by("full_name")
    )
    turns = []
    for i, m in enumerate(members):
        window = windows[m.pk]
        month = months[i % len(months)]
        turns.append(
            SelfCriticismTurn(
                cell=cell, member=m, period=month if month in window else window[i % len(window)]
            )
        )
    SelfCriticismTurn.objects.bulk_create(turns, ignore_conflicts=True)
    _record_created(cell=cell, year=year)
    return len(turns)


def _record_created(*, cell, year: int) -> None:
    """Audit history for the turns just planned: bulk_create(ignore_conflicts=True) returns no ids, so the
    year's turns without history yet get their "created" record (as dues.ensure_ledger does)."""
    turns = list(SelfCriticismTurn.objects.filter(cell=cell, period__year=year))
    recorded = set(
        SelfCriticismTurn.history.filter(id__in=[t.pk for t in turns]).values_list("id", flat=True)
    )
    SelfCriticismTurn.history.bulk_history_create([t for t in turns if t.pk not in recorded])


@transaction.atomic
def record(*, meeting: Meeting, member: Member, summary: str) -> SelfCriticismTurn:
    """Records who gave their self-criticism at this meeting; the planned turn is marked done."""
    live.check_record_open(meeting)
    turn, _created = SelfCriticismTurn.objects.update_or_create(
        member=member,
        period=meeting.period,
        defaults={"cell": meeting.cell, "meeting": meeting, "summary": summary.strip(), "done": True},
    )
    # A member who speaks before (or after) their planned month has had their turn: drop the planned one.
    SelfCriticismTurn.objects.filter(
        member=member, cell=meeting.cell, period__year=meeting.period.year, done=False
    ).exclude(pk=turn.pk).delete()
    return turn


def coverage(*, cell, year: int) -> tuple[int, int]:
    """(members who had their turn this year, active members)."""
    done = (
        SelfCriticismTurn.objects.filter(cell=cell, period__year=year, done=True)
        .values("member")
        .distinct()
        .count()
    )
    return done, Member.objects.current().filter(cell=cell).count()
