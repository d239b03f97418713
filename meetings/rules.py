"""The party rules a meeting is held under, as versioned rule sets that cite their documents.

Code asks `rules.for_date(organization, day)` and never writes a threshold inline (STYLE.md S14). A past
meeting keeps the rule set that was in force on its day, so a new document never rewrites history.
Sources and confidence: shared/DOMAIN.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Document:
    number: str
    date: dt.date
    issuer: str

    def __str__(self):
        return f"{self.number} ({self.date:%d/%m/%Y}, {self.issuer})"


@dataclass(frozen=True)
class MeetingRules:
    """Duration, preparation and vote rules for chi bộ meetings."""

    name: str
    effective: dt.date
    sources: tuple[Document, ...]
    min_minutes: int  # a regular or thematic meeting on its own
    min_minutes_shared: int  # regular and thematic in one session
    publish_days_before: int  # documents to members at least this many days ahead
    report_days_after: int  # resolution / minutes reported upward within
    attendance_good: Fraction  # attendance rate for full marks (of the adjusted membership)
    resolution_share: Fraction  # more than this share of the adjusted official membership
    recognition_share: Fraction  # at least this share of all official members
    min_official_members: int  # a cell below this cannot hold a recognition vote
    probation_months: int
    recognition_deadline_working_days: int
    thematic_per_quarter: int
    self_criticism_minutes: tuple[int, int]

    def min_duration(self, *, shared_session: bool) -> int:
        return self.min_minutes_shared if shared_session else self.min_minutes


CHARTER = Document("Điều lệ Đảng", dt.date(2011, 1, 19), "Đại hội XI")
QD_294 = Document("294-QĐ/TW", dt.date(2025, 5, 26), "Ban Chấp hành Trung ương")
HD_12_2018 = Document("12-HD/BTCTW", dt.date(2018, 7, 6), "Ban Tổ chức Trung ương")
HD_42 = Document("42-HD/BTCTW", dt.date(2025, 10, 28), "Ban Tổ chức Trung ương")

MEETING_RULES = (
    MeetingRules(
        name="HD 12-HD/BTCTW (2018)",
        effective=dt.date(2018, 7, 6),
        sources=(CHARTER, HD_12_2018),
        min_minutes=90,
        min_minutes_shared=90,
        publish_days_before=1,
        report_days_after=2,
        attendance_good=Fraction(85, 100),
        resolution_share=Fraction(1, 2),
        recognition_share=Fraction(2, 3),
        min_official_members=3,
        probation_months=12,
        recognition_deadline_working_days=30,
        thematic_per_quarter=1,
        self_criticism_minutes=(15, 30),
    ),
    MeetingRules(
        name="HD 42-HD/BTCTW (2025)",
        effective=HD_42.date,
        sources=(CHARTER, QD_294, HD_42),
        min_minutes=90,
        min_minutes_shared=120,
        publish_days_before=1,
        report_days_after=2,
        attendance_good=Fraction(90, 100),
        resolution_share=Fraction(1, 2),
        recognition_share=Fraction(2, 3),
        min_official_members=3,
        probation_months=12,
        recognition_deadline_working_days=30,
        thematic_per_quarter=1,
        self_criticism_minutes=(15, 30),
    ),
)


def for_date(organization, day: dt.date) -> MeetingRules:
    """The rule set in force on `day`. `organization` is where local variants will hook in."""
    in_force = [r for r in MEETING_RULES if r.effective <= day]
    return max(in_force, key=lambda r: r.effective) if in_force else MEETING_RULES[0]
