"""The reminder run (Celery beat, hourly): who must be told what today. Safe to run any number of times.

Lead times are set per organisation (ReminderPolicy) and inherited down the tree; where nothing is set, the
defaults below apply (DOMAIN.md Part 1: no national lead time exists for the chi ủy session).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.months import month_start, quarter_end, quarter_number, quarter_start
from meetings import absences as absences_mod
from meetings.models import Attendance, DuesEntry, Meeting
from members import rules
from members.models import Member, Organization, Role, Supervision

from .models import ReminderPolicy
from .notify import Message, notify_many

UPCOMING = (Meeting.Status.PLANNED, Meeting.Status.PREPARED)


@dataclass(frozen=True)
class Policy:
    committee_session_days: tuple[int, ...] = (7, 3)
    escalation_days: int = 1
    member_days: int = 1
    minutes_days: int | None = None  # None: the rule set's report_days_after (2 days, HD 42)
    thematic_warning_days: int = 15
    probation_warning_days: int = 30


DEFAULT = Policy()


def policies_for(cells) -> dict[int, Policy]:
    """Each cell's effective policy: for every field, the nearest setting on the cell or above it."""
    rows = {p.organization.path: p for p in ReminderPolicy.objects.select_related("organization")}
    result = {}
    for cell in cells:
        values = {}
        for depth in range(cell.depth, 0, -1):
            row = rows.get(cell.path[: depth * cell.steplen])
            if row is None:
                continue
            if "committee_session_days" not in values and row.committee_session_days.strip():
                values["committee_session_days"] = tuple(
                    sorted(
                        {int(x) for x in row.committee_session_days.split(",") if x.strip().isdigit()},
                        reverse=True,
                    )
                )
            for name in ("escalation_days", "member_days", "minutes_days"):
                if name not in values and getattr(row, name) is not None:
                    values[name] = getattr(row, name)
        result[cell.pk] = Policy(**{**DEFAULT.__dict__, **values})
    return result


class Recipients:
    """User ids per cell: its committee, its members with a login, its superior officers (three queries)."""

    def __init__(self, cell_ids, today):
        self.committee, self.members, self.officers = defaultdict(set), defaultdict(set), defaultdict(set)
        roles = Role.objects.active_on(today).filter(
            organization_id__in=cell_ids, kind__in=Role.MANAGING_KINDS, member__user__isnull=False
        )
        for cell_id, user_id in roles.values_list("organization_id", "member__user_id"):
            self.committee[cell_id].add(user_id)
        members = Member.objects.current().filter(cell_id__in=cell_ids, user__isnull=False)
        for cell_id, user_id in members.values_list("cell_id", "user_id"):
            self.members[cell_id].add(user_id)
        officers = Supervision.objects.active_on(today).filter(
            cell_id__in=cell_ids, officer__user__isnull=False
        )
        for cell_id, user_id in officers.values_list("cell_id", "officer__user_id"):
            self.officers[cell_id].add(user_id)


def run(*, now: dt.datetime | None = None) -> int:
    """Creates every notification due at `now`; returns how many were new."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    cells = list(Organization.objects.cells())
    policies = policies_for(cells)
    cell_ids = [c.pk for c in cells]
    people = Recipients(cell_ids, today)
    messages = [
        *_meeting_messages(today, policies, people),
        *_member_alerts(today, cell_ids, people),
        *_thematic_alerts(today, cells, policies, people),
    ]
    with transaction.atomic():
        return notify_many(messages)


def _meeting_messages(today, policies, people):
    longest = max(
        (max((*p.committee_session_days, p.member_days, p.escalation_days)) for p in policies.values()),
        default=7,
    )
    horizon = today + dt.timedelta(days=longest)
    upcoming = Meeting.objects.filter(
        status__in=UPCOMING, scheduled_at__date__gte=today, scheduled_at__date__lte=horizon
    ).select_related("cell", "committee_session")
    for meeting in upcoming:
        policy = policies.get(meeting.cell_id, DEFAULT)
        days = (timezone.localtime(meeting.scheduled_at).date() - today).days
        context = {"meeting": meeting, "days": days}
        url = reverse("meetings:meeting", args=[meeting.pk])
        subject = f"meeting:{meeting.pk}"
        due = []  # (kind, the lead time it answers, who is told)
        if meeting.kind == Meeting.Kind.REGULAR and not hasattr(meeting, "committee_session"):
            leads = [d for d in policy.committee_session_days if days <= d]
            if leads:
                due.append(("committee_session", min(leads), people.committee[meeting.cell_id]))
            if days <= policy.escalation_days:
                due.append(("escalation", policy.escalation_days, people.officers[meeting.cell_id]))
        if days <= policy.member_days:
            due.append(("meeting_reminder", policy.member_days, people.members[meeting.cell_id]))
        for kind, lead, recipients in due:
            yield Message(kind, subject, f"D-{lead}", recipients, context, url, meeting.pk)
    waiting = Meeting.objects.filter(
        status__in=[Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED], scheduled_at__date__lt=today
    ).select_related("cell", "clerk", "chair")
    for meeting in waiting:
        policy = policies.get(meeting.cell_id, DEFAULT)
        days = (today - timezone.localtime(meeting.scheduled_at).date()).days
        after = policy.minutes_days if policy.minutes_days is not None else meeting.rules.report_days_after
        if days >= after:
            users = {m.user_id for m in (meeting.clerk, meeting.chair) if m is not None and m.user_id}
            yield Message(
                "minutes_chase",
                f"meeting:{meeting.pk}",
                f"D+{after}",
                users or people.committee[meeting.cell_id],
                {"meeting": meeting, "days": days},
                reverse("documents:minutes", args=[meeting.pk]),
                meeting.pk,
            )


def _member_alerts(today, cell_ids, people):
    soon = today + dt.timedelta(days=DEFAULT.probation_warning_days)
    for member in (
        Member.objects.current()
        .filter(
            cell_id__in=cell_ids,
            status=Member.Status.PROBATIONARY,
            recognition_proposed_on__isnull=True,
            admission_date__isnull=False,
        )
        .select_related("cell")
    ):
        ends = member.probation_ends_on
        if ends and ends <= soon:
            working_days = rules.for_date(member.cell, ends).recognition_deadline_working_days
            deadline = rules.add_working_days(ends, working_days)
            yield Message(
                "probation_end",
                f"member:{member.pk}",
                ends.isoformat(),
                people.committee[member.cell_id],
                {"member": member, "ends": ends, "deadline": deadline, "working_days": working_days},
                reverse("members:member", args=[member.pk]),
            )
    year = today.year

    def over(kind, member_id, cell_id, name, n, *, url_name="members:member", **more):
        """A member whose count of this year reached the Charter's limit: the cell's committee, once a year."""
        return Message(
            kind,
            f"member:{member_id}",
            str(year),
            people.committee[cell_id],
            {"name": name, "n": n, "year": year, **more},
            reverse(url_name, args=[member_id]),
        )

    months = rules.for_date(None, today).strike_off_months  # the Charter's, the same in every cell
    # Months with an absence without reason, not meetings: two in one month are one month (Điều lệ Đ.8).
    absences = (
        Attendance.objects.filter(
            status=Attendance.Status.UNEXCUSED, meeting__period__year=year, meeting__cell_id__in=cell_ids
        )
        .values("member_id", "member__cell_id", "member__full_name")
        .annotate(n=Count("meeting__period", distinct=True))
        .filter(n__gte=months)
    )
    for row in absences:
        yield over("absences", row["member_id"], row["member__cell_id"], row["member__full_name"], row["n"])
    limit = rules.for_date(None, today).excused_streak_limit
    for member_id, (cell_id, name, run) in absences_mod.over_limit(
        absences_mod.longest_excused_runs(cell_ids=cell_ids, year=year), limit
    ).items():
        yield over("excused_streak", member_id, cell_id, name, run, limit=limit)
    # Months not yet over do not count as unpaid.
    unpaid = (
        DuesEntry.objects.filter(
            period__year=year,
            period__lt=month_start(today),
            cell_id__in=cell_ids,
            due__gt=0,
            paid__lt=F("due"),
        )
        .values("member_id", "cell_id", "member__full_name")
        .annotate(n=Count("period", distinct=True))
        .filter(n__gte=months)
    )
    for row in unpaid:
        yield over(
            "unpaid_dues",
            row["member_id"],
            row["cell_id"],
            row["member__full_name"],
            row["n"],
            url_name="meetings:member_dues",
        )


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date, str]:
    return quarter_start(day), quarter_end(day), f"{day.year}Q{quarter_number(day)}"


def quarter_name(day: dt.date) -> str:
    """As people write it: "quý IV năm 2026" (the key keeps the short "2026Q4")."""
    roman = ("I", "II", "III", "IV")[quarter_number(day) - 1]
    with translation.override("vi"):  # notifications are written in Vietnamese, like the emails
        return _("quarter %(roman)s of %(year)s") % {"roman": roman, "year": day.year}


def _thematic_alerts(today, cells, policies, people):
    start, end, label = quarter_of(today)
    if (end - today).days > DEFAULT.thematic_warning_days:
        return
    held = dict(
        Meeting.objects.filter(kind=Meeting.Kind.THEMATIC, period__gte=start, period__lte=end)
        .exclude(status=Meeting.Status.CANCELLED)
        .values_list("cell_id")
        .annotate(n=Count("pk"))
    )
    for cell in cells:
        required = rules.for_date(cell, today).thematic_per_quarter
        if held.get(cell.pk, 0) < required:
            yield Message(
                "thematic_missing",
                f"cell:{cell.pk}",
                label,
                people.committee[cell.pk],
                {"cell": cell, "quarter": quarter_name(today), "end": end, "required": required},
                reverse("meetings:thematic_create", args=[cell.pk]),
            )


def published(meeting: Meeting) -> int:
    """Members and the superior officer are told the agenda and documents are published."""
    people = Recipients([meeting.cell_id], timezone.localdate())
    users = people.members[meeting.cell_id] | people.officers[meeting.cell_id]
    return notify_many(
        [
            Message(
                "published",
                f"meeting:{meeting.pk}",
                meeting.published_at.isoformat(),
                sorted(users),
                {"meeting": meeting},
                reverse("meetings:meeting", args=[meeting.pk]),
                meeting.pk,
            )
        ]
    )
