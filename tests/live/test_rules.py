"""The party rules as tables (DOMAIN.md Part 1): who counts, who votes, when a vote passes, what dues are,
and which rule set a meeting is held under."""

import datetime as dt
from fractions import Fraction

import pytest

from meetings.dues import due_for
from meetings.models import DuesAdjustment, Meeting
from members import rules
from members.models import Member, StatusPeriod
from members.rules import Seat

from .conftest import at

NOV_2026 = dt.date(2026, 11, 5)
MEETING_RULES = rules.for_date(None, NOV_2026)
DUES_RULES = rules.dues_rules_for(dt.date(2026, 11, 1))


def cases(names, table):
    """Parametrizes a test by a table whose rows are (what the case shows, *its values)."""
    return pytest.mark.parametrize(names, [c[1:] for c in table], ids=[c[0] for c in table])


OFFICIAL = Seat(official=True, present=True)
OFFICIAL_AWAY = Seat(official=True, present=False)  # away on business, not exempt
PROBATIONARY = Seat(official=False, present=True)
PROBATIONARY_AWAY = Seat(official=False, present=False)
ELSEWHERE = Seat(official=True, present=False, elsewhere=True)
ELSEWHERE_AT_HOME = Seat(official=True, present=True, elsewhere=True)  # attends at their official cell
EXEMPT_AWAY = Seat(official=True, present=False, exempt=True)
EXEMPT_HERE = Seat(official=True, present=True, exempt=True)
SUSPENDED = Seat(official=True, present=False, suspended=True)
SUSPENDED_HERE = Seat(official=True, present=True, suspended=True)
TEMPORARY_HERE = Seat(official=True, present=True, temporary_here=True)


# --- Adjusted official membership: the base of a resolution ----------------------------------------------

ADJUSTED = [
    ("all official members present", [OFFICIAL] * 5, 5),
    ("absent on business still counted", [OFFICIAL] * 17 + [OFFICIAL_AWAY] * 3, 20),
    ("temporary activity elsewhere excluded", [OFFICIAL] * 4 + [ELSEWHERE], 4),
    ("temporary activity elsewhere but attending at home counted", [OFFICIAL] * 4 + [ELSEWHERE_AT_HOME], 5),
    ("exempt and absent excluded", [OFFICIAL] * 4 + [EXEMPT_AWAY], 4),
    ("exempt but present counted", [OFFICIAL] * 4 + [EXEMPT_HERE], 5),
    ("suspended excluded", [OFFICIAL] * 4 + [SUSPENDED], 4),
    ("suspended excluded even if in the room", [OFFICIAL] * 4 + [SUSPENDED_HERE], 4),
    ("probationary never counted", [OFFICIAL] * 4 + [PROBATIONARY, PROBATIONARY_AWAY], 4),
    ("here on temporary activity not counted", [OFFICIAL] * 4 + [TEMPORARY_HERE], 4),
    (
        "everything at once",
        [OFFICIAL] * 6
        + [OFFICIAL_AWAY, ELSEWHERE, EXEMPT_AWAY, EXEMPT_HERE, SUSPENDED, PROBATIONARY, TEMPORARY_HERE],
        8,
    ),
]


@cases(("seats", "expected"), ADJUSTED)
def test_adjusted_official_membership(seats, expected):
    assert rules.adjusted_official_membership(seats) == expected


# --- Who may vote -----------------------------------------------------------------------------------------

ELIGIBILITY = [
    ("official present", OFFICIAL, True),
    ("official absent", OFFICIAL_AWAY, False),
    ("probationary present", PROBATIONARY, False),
    ("here on temporary activity", TEMPORARY_HERE, False),
    ("exempt but present", EXEMPT_HERE, True),
    ("suspended in the room", SUSPENDED_HERE, False),
    ("temporary activity elsewhere, attending at home", ELSEWHERE_AT_HOME, True),
]


@cases(("seat", "expected"), ELIGIBILITY)
def test_may_vote(seat, expected):
    assert rules.may_vote(seat) is expected


def test_every_voter_is_in_the_base_so_votes_for_never_exceed_it():
    """Whatever the room, a resolution carried by every voter has no more "for" than its base."""
    kinds = [
        OFFICIAL,
        OFFICIAL_AWAY,
        PROBATIONARY,
        PROBATIONARY_AWAY,
        ELSEWHERE,
        ELSEWHERE_AT_HOME,
        EXEMPT_AWAY,
        EXEMPT_HERE,
        SUSPENDED,
        SUSPENDED_HERE,
        TEMPORARY_HERE,
    ]
    for seat in kinds:
        seats = [OFFICIAL, seat]
        assert rules.eligible_voters(seats) <= rules.adjusted_official_membership(seats), seat


def test_eligible_voters_are_the_official_members_present():
    seats = [OFFICIAL] * 7 + [OFFICIAL_AWAY, PROBATIONARY, TEMPORARY_HERE, EXEMPT_HERE, EXEMPT_AWAY]
    assert rules.eligible_voters(seats) == 8


# --- A resolution passes with more than half of the adjusted official membership -------------------------

RESOLUTION = [
    ("20 official, 10 for: only half", [OFFICIAL] * 20, 10, False),
    ("20 official, 11 for", [OFFICIAL] * 20, 11, True),
    # The quiz case (QĐ 294): 3 away on business and not exempt, so the base stays 20, not 17.
    ("3 away on business, 10 of 17 present for", [OFFICIAL] * 17 + [OFFICIAL_AWAY] * 3, 10, False),
    ("3 away on business, 11 of 17 present for", [OFFICIAL] * 17 + [OFFICIAL_AWAY] * 3, 11, True),
    ("majority of those present is not enough", [OFFICIAL] * 12 + [OFFICIAL_AWAY] * 8, 10, False),
    ("exempt and absent leave the base", [OFFICIAL] * 9 + [EXEMPT_AWAY] * 2, 5, True),
    ("odd base: 4 of 9 fails", [OFFICIAL] * 9, 4, False),
    ("odd base: 5 of 9 passes", [OFFICIAL] * 9, 5, True),
    ("nobody counted: nothing passes", [PROBATIONARY] * 3, 0, False),
]


@cases(("seats", "votes_for", "passes"), RESOLUTION)
def test_resolution_threshold(seats, votes_for, passes):
    adjusted = rules.adjusted_official_membership(seats)
    assert rules.resolution_passes(MEETING_RULES, votes_for=votes_for, adjusted=adjusted) is passes


def test_the_quiz_base_stays_20():
    assert rules.adjusted_official_membership([OFFICIAL] * 17 + [OFFICIAL_AWAY] * 3) == 20


# --- Recognition needs at least 2/3 of ALL the cell's official members ------------------------------------

RECOGNITION = [
    ("9 official, 6 for", [OFFICIAL] * 9, 6, True),
    ("9 official, 5 for", [OFFICIAL] * 9, 5, False),
    ("only 6 of 9 present, all 6 for", [OFFICIAL] * 6 + [OFFICIAL_AWAY] * 3, 6, True),
    ("only 5 of 9 present, all 5 for", [OFFICIAL] * 5 + [OFFICIAL_AWAY] * 4, 5, False),
    ("probationary members are not in the base", [OFFICIAL] * 3 + [PROBATIONARY] * 3, 2, True),
    ("3 official, 2 for", [OFFICIAL] * 3, 2, True),
    ("a cell with 2 official members cannot recognise", [OFFICIAL] * 2, 2, False),
]


@cases(("seats", "votes_for", "passes"), RECOGNITION)
def test_recognition_threshold(seats, votes_for, passes):
    official = rules.official_members(seats)
    assert rules.recognition_passes(MEETING_RULES, votes_for=votes_for, official=official) is passes


# --- Attendance rate --------------------------------------------------------------------------------------

ATTENDANCE = [
    ("17 of 20, 3 away on business", [OFFICIAL] * 17 + [OFFICIAL_AWAY] * 3, Fraction(85, 100)),
    ("exempt and away not expected", [OFFICIAL] * 9 + [EXEMPT_AWAY], Fraction(1)),
    ("exempt who comes counts as present", [OFFICIAL] * 9 + [EXEMPT_HERE], Fraction(1)),
    ("elsewhere and suspended not expected", [OFFICIAL] * 8 + [ELSEWHERE, SUSPENDED], Fraction(1)),
    ("a probationary member is expected too", [OFFICIAL] * 9 + [PROBATIONARY_AWAY], Fraction(9, 10)),
    (
        "a temporary guest member does not raise it",
        [OFFICIAL] * 3 + [OFFICIAL_AWAY, TEMPORARY_HERE],
        Fraction(3, 4),
    ),
    ("nobody expected", [EXEMPT_AWAY, ELSEWHERE], None),
    ("a member elsewhere who comes counts as present", [OFFICIAL] * 9 + [ELSEWHERE_AT_HOME], Fraction(1)),
    (
        "a suspended member in the room does not raise it",
        [OFFICIAL] * 3 + [OFFICIAL_AWAY, SUSPENDED_HERE],
        Fraction(3, 4),
    ),
]


@cases(("seats", "rate"), ATTENDANCE)
def test_attendance_rate(seats, rate):
    assert rules.attendance_rate(seats) == rate


# --- Dues (QĐ 01-QĐ/TW, 03/02/2026) -----------------------------------------------------------------------

DUES = [
    # id, category, basis, party years, reduction, exempt, expected whole đồng
    ("salary 1%", "salary", 10_000_000, 10, 0, False, 100_000),
    ("salary rounded half up", "salary", 12_345_650, 10, 0, False, 123_457),
    ("salary just under half rounds down", "salary", 12_345_640, 10, 0, False, 123_456),
    ("pension 0.5%", "pension", 6_000_000, 40, 0, False, 30_000),
    ("pension rounded half up", "pension", 4_567_900, 40, 0, False, 22_840),
    ("student: 5,000 đ whatever the basis", "student", 0, 1, 0, False, 5_000),
    ("allowance abroad 1%", "allowance_abroad", 25_000_000, 5, 0, False, 250_000),
    ("fixed amount set by the cell", "fixed", 20_000, 5, 0, False, 20_000),
    ("49 party years still pays", "pension", 6_000_000, 49, 0, False, 30_000),
    ("50 party years exempt", "pension", 6_000_000, 50, 0, False, 0),
    ("reduction 30%", "salary", 10_000_000, 10, 30, False, 70_000),
    ("reduction 50%", "salary", 10_000_000, 10, 50, False, 50_000),
    ("reduction 70%", "salary", 10_000_000, 10, 70, False, 30_000),
    ("reduction rounded once, at the end", "salary", 3_333_350, 10, 30, False, 23_333),
    ("exemption", "salary", 10_000_000, 10, 0, True, 0),
]


@cases(("category", "basis", "years", "reduction", "exempt", "expected"), DUES)
def test_dues_amount(category, basis, years, reduction, exempt, expected):
    amount = rules.dues_amount(
        DUES_RULES, category=category, basis=basis, party_years=years, reduction=reduction, exempt=exempt
    )
    assert amount == expected
    assert isinstance(amount, int)


WHOLE_DONG = [
    ("one half up", Fraction(1, 2), 1),
    ("three halves up", Fraction(3, 2), 2),
    ("five halves up, not to even", Fraction(5, 2), 3),
    ("just under a half down", Fraction(49, 100), 0),
    ("a whole stays", Fraction(22_840), 22_840),
]


@cases(("amount", "expected"), WHOLE_DONG)
def test_whole_dong_rounds_half_up(amount, expected):
    assert rules.whole_dong(amount) == expected


NOVEMBER = dt.date(2026, 11, 1)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def _member(**kw):
    """An unsaved member: due_for reads only its fields and the lists it is given."""
    fields = {
        "full_name": "Nguyễn Văn A",
        "admission_date": dt.date(2010, 5, 19),
        "dues_category": Member.DuesCategory.SALARY,
        "dues_basis": 10_000_000,
    }
    return Member(**(fields | kw))


DUE_FOR = [
    # id, adjustments (reduction, starts, ends), status periods (kind, starts, ends), expected
    ("no adjustment", [], [], 100_000),
    ("reduction 30% this year", [(30, *YEAR)], [], 70_000),
    ("reduction 50% this year", [(50, *YEAR)], [], 50_000),
    ("reduction 70% this year", [(70, *YEAR)], [], 30_000),
    ("exemption (100)", [(100, *YEAR)], [], 0),
    ("a reduction that ended last month", [(50, dt.date(2026, 1, 1), dt.date(2026, 10, 31))], [], 100_000),
    (
        "suspended because of temporary detention pays nothing",
        [],
        [("detained", dt.date(2026, 10, 1), None)],
        0,
    ),
    ("suspended for another reason still pays", [], [("suspended", dt.date(2026, 10, 1), None)], 100_000),
    (
        "detention over before the month",
        [],
        [("detained", dt.date(2026, 1, 1), dt.date(2026, 10, 31))],
        100_000,
    ),
    ("exempt from activity still pays", [], [("exempt", dt.date(2026, 1, 1), None)], 100_000),
]


@cases(("adjustments", "periods", "expected"), DUE_FOR)
def test_due_for_a_member(adjustments, periods, expected):
    member = _member()
    due = due_for(
        member,
        NOVEMBER,
        adjustments=[DuesAdjustment(reduction=r, starts_on=s, ends_on=e) for r, s, e in adjustments],
        periods=[
            StatusPeriod(
                kind="suspended" if k == "detained" else k, detained=k == "detained", starts_on=s, ends_on=e
            )
            for k, s, e in periods
        ],
    )
    assert due == expected


def test_probationary_member_pays_like_an_official_one():
    probationary = _member(status=Member.Status.PROBATIONARY, admission_date=dt.date(2026, 3, 1))
    assert due_for(probationary, NOVEMBER, adjustments=[], periods=[]) == 100_000


def test_fifty_years_of_party_age_counted_on_the_month():
    veteran = _member(
        admission_decision_date=dt.date(1976, 11, 1), dues_category="pension", dues_basis=6_000_000
    )
    assert due_for(veteran, dt.date(2026, 10, 1), adjustments=[], periods=[]) == 30_000
    assert due_for(veteran, NOVEMBER, adjustments=[], periods=[]) == 0


def test_party_age_counts_from_the_admission_decision_not_the_ceremony():
    """Decided on 20/10/1976, admitted at a ceremony on 15/11/1976: fifty years of party age in October 2026
    already, so no dues for November 2026 (QĐ 01), although the ceremony was less than fifty years ago."""
    veteran = _member(
        admission_decision_date=dt.date(1976, 10, 20),
        admission_date=dt.date(1976, 11, 15),
        dues_category="pension",
        dues_basis=6_000_000,
    )
    assert veteran.party_years(NOVEMBER) == 50
    assert due_for(veteran, NOVEMBER, adjustments=[], periods=[]) == 0


def test_probation_ends_twelve_months_after_the_ceremony_not_the_decision():
    member = _member(
        status=Member.Status.PROBATIONARY,
        admission_decision_date=dt.date(2025, 10, 20),
        admission_date=dt.date(2025, 11, 15),
        official_date=None,
    )
    assert member.probation_ends_on == dt.date(2026, 11, 15)


# --- The rule set in force on the day ---------------------------------------------------------------------

MEETING_RULE_SETS = [
    ("mid-2025 meeting: HD 12 (2018)", dt.date(2025, 6, 5), "HD 12-HD/BTCTW (2018)", Fraction(85, 100), 90),
    ("the day before HD 42", dt.date(2025, 10, 27), "HD 12-HD/BTCTW (2018)", Fraction(85, 100), 90),
    ("the day HD 42 is issued", dt.date(2025, 10, 28), "HD 42-HD/BTCTW (2025)", Fraction(90, 100), 120),
    ("November 2026", NOV_2026, "HD 42-HD/BTCTW (2025)", Fraction(90, 100), 120),
]


@cases(("day", "name", "attendance_good", "shared_minutes"), MEETING_RULE_SETS)
def test_meeting_rules_for_date(day, name, attendance_good, shared_minutes):
    chosen = rules.for_date(None, day)
    assert chosen.name == name
    assert chosen.attendance_good.share == attendance_good
    assert chosen.min_duration(shared_session=True) == shared_minutes
    assert chosen.min_duration(shared_session=False) == 90
    assert chosen.resolution_share.share == Fraction(1, 2)
    assert chosen.recognition_share.share == Fraction(2, 3)


DUES_RULE_SETS = [
    # id, month, rule set, a student's dues (the cell sets 3,000 đ), 50 party years pays?
    ("November 2025: QĐ 342", dt.date(2025, 11, 1), "QĐ 342-QĐ/TW (2010)", 3_000, 30_000),
    ("March 2026: QĐ 01", dt.date(2026, 3, 1), "QĐ 01-QĐ/TW (2026)", 5_000, 0),
    ("November 2026: QĐ 01", dt.date(2026, 11, 1), "QĐ 01-QĐ/TW (2026)", 5_000, 0),
]


@cases(("month", "name", "student", "veteran"), DUES_RULE_SETS)
def test_dues_rules_for_month(month, name, student, veteran):
    chosen = rules.dues_rules_for(month)
    assert chosen.name == name
    assert rules.dues_amount(chosen, category="student", basis=3_000, party_years=2) == student
    assert rules.dues_amount(chosen, category="pension", basis=6_000_000, party_years=55) == veteran
    assert chosen.retained_share_default == Fraction(30, 100)


@pytest.mark.parametrize(
    ("scheduled", "name"),
    [(at(2025, 6, 5, 14, 0), "HD 12-HD/BTCTW (2018)"), (at(2026, 11, 5, 14, 0), "HD 42-HD/BTCTW (2025)")],
    ids=["2025 meeting keeps HD 12", "November 2026 meeting uses HD 42"],
)
def test_a_meeting_keeps_the_rules_of_its_own_day(world, scheduled, name):
    meeting = Meeting.objects.create(
        cell=world.cell, period=scheduled.date().replace(day=1), scheduled_at=scheduled
    )
    assert meeting.rules.name == name
