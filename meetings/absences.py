"""Absences with reason in a row: a member absent with reason more than the rule set's limit of regular
meetings in a row in a calendar year is flagged (HD 12-HD/BTCTW 2018, criterion 1; DOMAIN.md §2, §3.1).

Only held regular meetings count (a thematic meeting held in the same session is not a second absence);
a meeting the member was not expected at (temporary activity elsewhere, suspended, exempt and away) neither
adds to the run nor ends it; being present or absent without reason ends it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from .models import Attendance, Meeting


def longest_excused_runs(
    *, cell_ids, year: int, until: dt.datetime | None = None, meeting: Meeting | None = None
) -> dict[int, tuple]:
    """member id -> (cell id, name, longest run) for every member with an absence with reason in a row,
    over the year's held regular meetings of those cells up to `until`; `meeting` (one being scored while
    still open) counts as held, and the run stops at it."""
    held = Q(meeting__status__in=(Meeting.Status.CLOSED, Meeting.Status.ADOPTED))
    if meeting is not None:
        held |= Q(meeting_id=meeting.pk)
        until = meeting.scheduled_at
    rows = Attendance.objects.filter(
        held,
        meeting__cell_id__in=cell_ids,
        meeting__kind=Meeting.Kind.REGULAR,
        meeting__period__year=year,
    )
    if until is not None:
        rows = rows.filter(meeting__scheduled_at__lte=until)
    rows = rows.order_by("member_id", "meeting__scheduled_at", "meeting_id").values_list(
        "member_id", "meeting__cell_id", "member__full_name", "status", "elsewhere", "suspended", "exempt"
    )
    runs: dict[int, tuple] = {}
    current: dict[int, int] = {}
    for member_id, cell_id, name, status, elsewhere, suspended, exempt in rows:
        if elsewhere or suspended or status == Attendance.Status.PENDING:
            continue
        if exempt and status != Attendance.Status.PRESENT:  # exempt from activity: away by right
            continue
        if status == Attendance.Status.EXCUSED:
            current[member_id] = current.get(member_id, 0) + 1
            if current[member_id] > runs.get(member_id, (None, None, 0))[2]:
                runs[member_id] = (cell_id, name, current[member_id])
        else:
            current[member_id] = 0
    return runs


def over_limit(runs: dict[int, tuple], limit: int) -> dict[int, tuple]:
    """The members whose run is more than `limit` ("quá 3 lần": four or more)."""
    return {member_id: run for member_id, run in runs.items() if run[2] > limit}
