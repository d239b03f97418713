"""The party rules a meeting is held under, as versioned rule sets that cite their documents.

Code asks `rules.for_date(organization, day)` and never writes a threshold inline (STYLE.md S14). A past
meeting keeps the rule set that was in force on its day, so a new document never rewrites history.
Sources and confidence: shared/DOMAIN.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache

import holidays


@dataclass(frozen=True)
class Document:
    number: str
    date: dt.date
    issuer: str

    def __str__(self):
        return f"{self.number} ({self.date:%d/%m/%Y}, {self.issuer})"


@dataclass(frozen=True)
class Threshold:
    """A share as a document words it: "trên 85%" / "hơn một nửa" is strict (above it), "từ 90% trở lên" /
    "ít nhất 2/3" is inclusive (at it or above). The comparison is rule data, like the share itself."""

    share: Fraction
    strict: bool
    wording: str  # the document's words, for whoever checks the rule against its source

    def met(self, value) -> bool:
        if value is None:
            return False
        if isinstance(value, float):  # a stored rate: 17/20 is 0.85 as a float, a hair under 85/100
            value = Fraction(value).limit_denominator(100_000)
        return value > self.share if self.strict else value >= self.share


def above(share: Fraction, wording: str) -> Threshold:
    return Threshold(share, strict=True, wording=wording)


def at_least(share: Fraction, wording: str) -> Threshold:
    return Threshold(share, strict=False, wording=wording)


@dataclass(frozen=True)
class MeetingRules:
    """Duration, preparation and vote rules for chi bộ meetings."""

    name: str
    effective: dt.date
    sources: tuple[Document, ...]
    min_minutes: int  # a regular or thematic meeting on its own
    min_minutes_shared: int  # regular and thematic in one session
    publish_days_before: int  # documents to members at least this many days ahead
    report_days_after: int  # resolution / minutes reported upward within (HD 42 apps; the minutes chase)
    attendance_good: Threshold  # attendance rate of a quality meeting (of the adjusted membership)
    resolution_share: Threshold  # share of the adjusted official membership in favour
    recognition_share: Threshold  # share of all official members in favour
    min_official_members: int  # a cell below this cannot hold a recognition vote
    probation_months: int  # from the admission ceremony (Điều lệ Điều 5)
    # The cell considers recognition within this many working days after the probation (QĐ 294 Điều 4
    # điểm 4.2); working days skip weekends and public holidays (add_working_days).
    recognition_deadline_working_days: int
    thematic_per_quarter: int  # at least (Nghệ An QĐ 08-QĐ/TU; HD 42 MeetingGuide: "ít nhất 1 lần/quý")
    self_criticism_minutes: tuple[int, int]  # per meeting (local HD 42 sheets: 15–30 minutes)
    # Absent without reason, or dues unpaid, in this many months of a calendar year: the cell considers
    # striking the member off (Điều lệ Điều 8 khoản 1; QĐ 01-QĐ/TW 2026 for dues). Months, not meetings.
    strike_off_months: int
    # A member absent with reason more than this many meetings in a row in a year is flagged
    # (HD 12-HD/BTCTW 2018, criterion 1: "không có đảng viên vắng có lý do quá 3 lần liên tiếp trong năm").
    excused_streak_limit: int

    def min_duration(self, *, shared_session: bool) -> int:
        return self.min_minutes_shared if shared_session else self.min_minutes


CHARTER = Document("Điều lệ Đảng", dt.date(2011, 1, 19), "Đại hội XI")
QD_294 = Document("294-QĐ/TW", dt.date(2025, 5, 26), "Ban Chấp hành Trung ương")
HD_12_2018 = Document("12-HD/BTCTW", dt.date(2018, 7, 6), "Ban Tổ chức Trung ương")
HD_42 = Document("42-HD/BTCTW", dt.date(2025, 10, 28), "Ban Tổ chức Trung ương")
# The base of a vote and who may vote (DOMAIN.md §2, §7): QĐ 24 point 9.3.2, carried into QĐ 294; temporary
# activity: QĐ 232-QĐ/TW (2025) 6.3.2, whose exact date DOMAIN.md does not give (so no Document here).

HD_12_RULES = MeetingRules(
    name="HD 12-HD/BTCTW (2018)",
    effective=dt.date(2018, 7, 6),
    sources=(CHARTER, HD_12_2018),
    min_minutes=90,
    min_minutes_shared=90,
    publish_days_before=1,
    report_days_after=2,
    attendance_good=above(Fraction(85, 100), "tỷ lệ đảng viên dự sinh hoạt trên 85%"),
    resolution_share=above(Fraction(1, 2), "hơn một nửa (Điều lệ Điều 9 khoản 5)"),
    recognition_share=at_least(Fraction(2, 3), "ít nhất hai phần ba (Điều lệ Điều 4, 5)"),
    min_official_members=3,
    probation_months=12,
    recognition_deadline_working_days=30,
    thematic_per_quarter=1,
    self_criticism_minutes=(15, 30),
    strike_off_months=3,
    excused_streak_limit=3,
)
# HD 42 keeps every rule of HD 12 but these: a shared session lasts longer, and the attendance of a quality
# meeting is counted from 90% inclusive.
HD_42_RULES = replace(
    HD_12_RULES,
    name="HD 42-HD/BTCTW (2025)",
    effective=HD_42.date,
    sources=(CHARTER, QD_294, HD_42),
    min_minutes_shared=120,
    attendance_good=at_least(Fraction(90, 100), "từ 90% trở lên (phiếu chấm điểm theo HD 42)"),
)
MEETING_RULES = (HD_12_RULES, HD_42_RULES)


def for_date(organization, day: dt.date) -> MeetingRules:
    """The rule set in force on `day`. `organization` is where local variants will hook in."""
    in_force = [r for r in MEETING_RULES if r.effective <= day]
    return max(in_force, key=lambda r: r.effective) if in_force else MEETING_RULES[0]


# --- Working days ------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    """Vietnam's public holidays of a year, Tết and the other lunar days included, with the days off the
    government moves (the `holidays` library keeps them; Bộ luật Lao động 2019 Điều 112)."""
    return frozenset(holidays.country_holidays("VN", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day`: Monday to Friday, less Vietnam's public holidays."""
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


# --- Who counts, who votes, and when a vote passes ----------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """A member's standing at one meeting, as the roll call records it (see Attendance)."""

    official: bool
    present: bool
    temporary_here: bool = False  # on temporary activity in this cell: speaks, does not vote, not counted
    elsewhere: bool = False  # on temporary activity in another cell
    exempt: bool = False  # exempt from activity (miễn sinh hoạt)
    suspended: bool = False

    @property
    def counted(self) -> bool:
        """In the cell's membership at all (members here only temporarily belong to another cell)."""
        return not self.temporary_here


def official_members(seats) -> int:
    """All official members of the cell: the base of the 2/3 rule for admission and recognition."""
    return sum(1 for s in seats if s.counted and s.official)


def in_base(seat: Seat) -> bool:
    """Expected in the room, so counted in the denominators: the cell's own members less the suspended and
    those who are away because they are exempt or on temporary activity elsewhere (QĐ 24 / QĐ 294 point
    9.3.2). A member on temporary activity elsewhere keeps full rights in this, their official cell (QĐ 232
    6.3.2): when they attend, they vote, and so they count, as the exempt do when they come and vote. Every
    voter is in the base, so "for" never exceeds it."""
    if not seat.counted or seat.suspended:
        return False
    return seat.present or not (seat.elsewhere or seat.exempt)


def adjusted_official_membership(seats) -> int:
    """The official members summoned, less those elsewhere or exempt who stay away and the suspended
    (QĐ 24 / QĐ 294 point 9.3.2): the base of the more-than-half rule for resolutions."""
    return sum(1 for s in seats if s.official and in_base(s))


def may_vote(seat: Seat) -> bool:
    """Official members present, including those on temporary activity elsewhere who attend at home (QĐ 232
    6.3.2); probationary and temporary members here speak but do not vote (Điều lệ Đ.3)."""
    return seat.present and seat.official and seat.counted and not seat.suspended


def eligible_voters(seats) -> int:
    return sum(1 for s in seats if may_vote(s))


def attendance_base(seats) -> int:
    """Members expected in the room: the cell's members less those elsewhere, suspended, or exempt and away."""
    return sum(1 for s in seats if in_base(s))


def attendance_rate(seats) -> Fraction | None:
    base = attendance_base(seats)
    # Only members in the base count as present: a suspended member in the room is not attendance.
    present = sum(1 for s in seats if s.present and in_base(s))
    return Fraction(present, base) if base else None


def resolution_passes(rules: MeetingRules, *, votes_for: int, adjusted: int) -> bool:
    """More than half of the adjusted official membership in favour (Điều lệ Điều 9 khoản 5)."""
    return adjusted > 0 and rules.resolution_share.met(Fraction(votes_for, adjusted))


def recognition_passes(rules: MeetingRules, *, votes_for: int, official: int) -> bool:
    """At least two thirds of all the cell's official members, not of those present (Điều lệ Đ.4, Đ.5)."""
    return official >= rules.min_official_members and rules.recognition_share.met(
        Fraction(votes_for, official)
    )


# --- Party dues ----------------------------------------------------------------------------------------

QD_342 = Document("342-QĐ/TW", dt.date(2010, 12, 28), "Bộ Chính trị")
QD_01_2026 = Document("01-QĐ/TW", dt.date(2026, 2, 3), "Bộ Chính trị")


@dataclass(frozen=True)
class DuesRules:
    name: str
    effective: dt.date
    source: Document
    rates: dict  # dues category -> Fraction of the basis
    fixed: dict  # dues category -> whole đồng per month (None: the cell sets the amount as the basis)
    exempt_party_years: int | None  # members with at least this party age pay nothing
    reductions: tuple[int, ...]  # allowed reductions in percent, for at most max_reduction_months
    max_reduction_months: int
    retained_share_default: Fraction  # share of collected dues the cell keeps unless its committee sets one
    # Suspended because of temporary detention: no dues collected. Any other suspension still pays.
    detained_pay_nothing: bool


DUES_RULES = (
    DuesRules(
        name="QĐ 342-QĐ/TW (2010)",
        effective=dt.date(2011, 1, 1),
        source=QD_342,
        rates={
            "salary": Fraction(1, 100),
            "pension": Fraction(5, 1000),
            "allowance_abroad": Fraction(1, 100),
        },
        fixed={"student": None, "fixed": None},
        exempt_party_years=None,
        reductions=(),
        max_reduction_months=0,
        retained_share_default=Fraction(30, 100),
        # Not found for QĐ 342 (DOMAIN.md §5.2): kept as under QĐ 01; other suspensions pay (Điều lệ, quiz).
        detained_pay_nothing=True,
    ),
    DuesRules(
        name="QĐ 01-QĐ/TW (2026)",
        effective=QD_01_2026.date,
        source=QD_01_2026,
        rates={
            "salary": Fraction(1, 100),
            "pension": Fraction(5, 1000),
            "allowance_abroad": Fraction(1, 100),
        },
        fixed={"student": 5000, "fixed": None},
        exempt_party_years=50,
        reductions=(30, 50, 70),
        max_reduction_months=12,
        retained_share_default=Fraction(30, 100),
        # QĐ 01-QĐ/TW (03/02/2026), via the question bank (DOMAIN.md §5.1, §7): only temporary detention.
        detained_pay_nothing=True,
    ),
)


def dues_rules_for(day: dt.date) -> DuesRules:
    in_force = [r for r in DUES_RULES if r.effective <= day]
    return max(in_force, key=lambda r: r.effective) if in_force else DUES_RULES[0]


def whole_dong(amount: Fraction) -> int:
    """Rounded half up to a whole đồng."""
    return int(amount + Fraction(1, 2)) if amount >= 0 else -int(-amount + Fraction(1, 2))


def dues_amount(
    rules: DuesRules,
    *,
    category: str,
    basis: int,
    party_years: int | None,
    reduction: int = 0,
    exempt: bool = False,
) -> int:
    """A member's monthly dues in whole đồng under `rules`."""
    if exempt:
        return 0
    if (
        rules.exempt_party_years is not None
        and party_years is not None
        and party_years >= rules.exempt_party_years
    ):
        return 0
    if category in rules.rates:
        amount = rules.rates[category] * basis
    else:
        fixed = rules.fixed.get(category)
        amount = Fraction(fixed if fixed is not None else basis)
    if reduction:
        amount = amount * (100 - reduction) / 100
    return whole_dong(amount)
