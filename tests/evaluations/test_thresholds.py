"""A threshold worded "trên X%" is strict and "từ X% trở lên" inclusive: the comparison is part of each era's
rule data (members/rules.Threshold), not one operator for every era."""

import datetime as dt
from fractions import Fraction

from evaluations import indicators
from evaluations.facts import points_for
from evaluations.models import CellMonth
from members import rules

from .conftest import NOVEMBER, hold, roll

JUNE_2025 = dt.date(2025, 6, 1)  # under HD 12-HD/BTCTW (2018): "trên 85%"


def alerts_of(cell, period) -> list[str]:
    indicators.refresh(period, [cell])
    return CellMonth.objects.get(cell=cell, period=period).alerts.split()


def test_exactly_85_percent_is_low_attendance_under_hd_12_which_asks_for_more_than_85(band_cell, clock):
    cell, members = band_cell
    roll(hold(cell, JUNE_2025), present=members[:17], excused=members[17:])  # 17 of 20: 85%

    assert "low_attendance" in alerts_of(cell, JUNE_2025)


def test_exactly_90_percent_is_enough_under_hd_42_which_asks_for_90_or_more(band_cell, clock):
    cell, members = band_cell
    roll(hold(cell, NOVEMBER), present=members[:18], excused=members[18:])  # 18 of 20: 90%

    assert "low_attendance" not in alerts_of(cell, NOVEMBER)


def test_each_era_words_its_own_comparison():
    hd12 = rules.for_date(None, dt.date(2025, 6, 5))
    hd42 = rules.for_date(None, dt.date(2026, 11, 5))
    assert hd12.attendance_good.strict and not hd42.attendance_good.strict
    assert not hd12.attendance_good.met(Fraction(85, 100)) and hd12.attendance_good.met(Fraction(86, 100))
    assert hd42.attendance_good.met(Fraction(90, 100)) and not hd42.attendance_good.met(Fraction(89, 100))
    # "hơn một nửa": half is not enough; "ít nhất hai phần ba": two thirds is.
    assert not rules.resolution_passes(hd42, votes_for=5, adjusted=10)
    assert rules.recognition_passes(hd42, votes_for=6, official=9)


def test_a_rubric_step_worded_more_than_half_is_strict_and_a_plain_step_inclusive():
    participation = [[0.5, 10, "above"], [0.4, 8], [0.3, 6], [0, 4]]  # "> 50% số có mặt: tối đa"

    assert points_for(participation, 0.5) == 8  # exactly half: not more than half
    assert points_for(participation, 0.5005) == 10  # 1,001 of 2,000
    assert points_for(participation, 0.4) == 8  # "40–50%": 40% is in
    assert points_for([[0.9, 4], [0, 1]], 0.9) == 4  # "≥ 90%"
