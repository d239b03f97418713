"""Meeting workflows that touch several models: planning, publishing, guidance from above."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.months import month_start, next_month
from members.models import Organization

from . import agenda, signals
from .models import AgendaItem, Guidance, Meeting

log = logging.getLogger(__name__)
DEFAULT_TIME = dt.time(14, 0)


def regular_datetime(cell: Organization, period: dt.date) -> dt.datetime:
    day = period.replace(day=cell.meeting_day or 1)
    return timezone.make_aware(dt.datetime.combine(day, cell.meeting_time or DEFAULT_TIME))


def plan_regular_meeting(*, cell: Organization, period: dt.date, by=None) -> tuple[Meeting, bool]:
    """The cell's regular meeting of the month, created with its draft agenda if it is not there yet.

    Safe to run twice or from two workers at once: the database holds one regular meeting per cell and
    month, and the loser of a race finds the winner's meeting.
    """
    period = month_start(period)
    existing = Meeting.objects.filter(cell=cell, period=period, kind=Meeting.Kind.REGULAR).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                cell=cell,
                kind=Meeting.Kind.REGULAR,
                period=period,
                created_by=by,
                scheduled_at=regular_datetime(cell, period),
                place=cell.meeting_place,
            )
            agenda.fill_agenda(meeting)
            meeting.events.create(action="plan", by=by)
    except IntegrityError:
        return Meeting.objects.get(cell=cell, period=period, kind=Meeting.Kind.REGULAR), False
    return meeting, True


def plan_next_month(*, today: dt.date | None = None) -> int:
    """Creates next month's regular meeting for every cell with a fixed day. Returns how many were new."""
    period = next_month(today or timezone.localdate())
    planned = set(
        Meeting.objects.filter(period=period, kind=Meeting.Kind.REGULAR).values_list("cell_id", flat=True)
    )
    created = 0
    for cell in Organization.objects.cells().filter(meeting_day__isnull=False).exclude(pk__in=planned):
        created += plan_regular_meeting(cell=cell, period=period)[1]
    log.info("planned %d regular meetings for %s", created, period)
    return created


@transaction.atomic
def create_thematic_meeting(
    *, cell, topic: str, scheduled_at, place: str, shares_session_with, by
) -> Meeting:
    meeting = Meeting.objects.create(
        cell=cell,
        kind=Meeting.Kind.THEMATIC,
        topic=topic,
        scheduled_at=scheduled_at,
        place=place,
        period=month_start(timezone.localtime(scheduled_at).date()),
        shares_session_with=shares_session_with,
        created_by=by,
    )
    agenda.fill_agenda(meeting)
    meeting.events.create(action="plan", by=by)
    return meeting


@transaction.atomic
def move_meeting(*, meeting: Meeting, scheduled_at, place: str, reason: str, by) -> Meeting:
    old = timezone.localtime(meeting.scheduled_at)
    note = _("From %(old)s: %(reason)s") % {"old": old.strftime("%H:%M %d/%m/%Y"), "reason": reason}
    meeting.apply("move", by=by, note=note[:500], scheduled_at=scheduled_at, place=place)
    for thematic in meeting.shared_thematic.filter(
        status__in=[Meeting.Status.PLANNED, Meeting.Status.PREPARED]
    ):
        # Keeps its place in the session: it still starts as long after the regular meeting as before.
        after = thematic.scheduled_at - old
        thematic.apply("move", by=by, note=note[:500], scheduled_at=scheduled_at + after, place=place)
    return meeting


@transaction.atomic
def publish_meeting(*, meeting: Meeting, by) -> Meeting:
    meeting.apply("publish", by=by, published_at=timezone.now())
    signals.published.send(sender=Meeting, meeting=meeting)  # members are told (notifications/)
    return meeting


@transaction.atomic
def publish_guidance(*, guidance: Guidance, by) -> int:
    """Publishes once, and puts the guidance in the draft agenda of every planned meeting below."""
    if guidance.published_at:
        return 0
    guidance.published_at = timezone.now()
    guidance.save(update_fields=["published_at"])
    meetings = Meeting.objects.filter(
        cell__in=Organization.objects.under(guidance.organization).cells(),
        period=guidance.period,
        kind=Meeting.Kind.REGULAR,
        status=Meeting.Status.PLANNED,
    ).select_related("cell")
    return sum(1 for m in meetings if agenda.add_guidance_item(m, guidance))


def guidance_uptake(guidance: Guidance) -> list[dict]:
    """For every cell below: has its regular meeting of the month taken the guidance into a published agenda?"""
    cells = list(Organization.objects.under(guidance.organization).cells())
    meetings = {
        m.cell_id: m
        for m in Meeting.objects.filter(cell__in=cells, period=guidance.period, kind=Meeting.Kind.REGULAR)
    }
    taken = set(
        AgendaItem.objects.filter(guidance=guidance, meeting__published_at__isnull=False)
        .exclude(meeting__status__in=[Meeting.Status.PLANNED, Meeting.Status.CANCELLED])
        .values_list("meeting__cell_id", flat=True)
    )
    return [{"cell": c, "meeting": meetings.get(c.pk), "taken": c.pk in taken} for c in cells]
