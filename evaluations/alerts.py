"""The failures a committee looks for, named per cell and month (DESIGN.md section 4)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.months import next_month
from members import rules

FEW_SPEAKERS = 0.3  # under a third of those present spoke: the lowest band of the HD 42-era sheets
PARTY_SHARE_MIN = 0.5  # more agenda time on professional work than on party building

LABELS = {
    "no_meeting": _("no meeting this month"),
    "no_session": _("no committee session"),
    "low_attendance": _("attendance under the threshold"),
    "few_speakers": _("few speakers"),
    "professional": _("professional work crowding out party building"),
    "no_thematic": _("no thematic meeting this quarter"),
    "at_risk": _("members absent without reason or unpaid in 3 months of the year"),
    "overdue_recognition": _("overdue recognition vote"),
    "short_meeting": _("meeting shorter than the minimum duration"),
    "excused_streak": _("a member absent with reason more than 3 meetings in a row"),
}


def alerts_for(row, today: dt.date | None = None) -> list[str]:
    today = today or timezone.localdate()
    month_over = next_month(row.period) <= today
    found = []
    if not row.held:
        if month_over or (row.meeting is None and row.period <= today):
            found.append("no_meeting")
    else:
        meeting_rules = rules.for_date(row.cell, row.period)
        if not row.committee_session:
            found.append("no_session")
        if row.attendance_rate is not None and not meeting_rules.attendance_good.met(row.attendance_rate):
            found.append("low_attendance")
        if row.present and row.speakers / row.present < FEW_SPEAKERS:
            found.append("few_speakers")
        if row.party_share is not None and row.party_share < PARTY_SHARE_MIN:
            found.append("professional")
        if row.duration is not None and row.min_duration and row.duration < row.min_duration:
            found.append("short_meeting")
    if row.period.month % 3 == 0 and not row.thematic_in_quarter and (month_over or today.day >= 15):
        found.append("no_thematic")
    if row.members_at_risk:
        found.append("at_risk")
    if row.overdue_recognitions:
        found.append("overdue_recognition")
    if row.excused_streaks:
        found.append("excused_streak")
    return found
