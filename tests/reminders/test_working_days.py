"""Working-day deadlines skip Vietnam's public holidays, Tết included (members/rules.add_working_days; the
`holidays` library knows the lunar calendar, so no year's table is written by hand)."""

import datetime as dt

import pytest

from members import rules
from notifications.models import Notification

from .conftest import run_at, vi


def test_the_recognition_deadline_skips_tet(world):
    world.target.admission_date = dt.date(2025, 1, 20)  # probation ends Tuesday 20/01/2026
    world.target.save(update_fields=["admission_date"])

    run_at(2026, 1, 5, 8, 5)

    body = Notification.objects.get(kind="probation_end").body
    # 30 working days after 20/01/2026, less Tết (Monday 16 to Friday 20/02/2026): Tuesday 10/03/2026,
    # not 03/03/2026 as Monday-to-Friday counting says.
    assert "10/03/2026" in body
    assert "03/03/2026" not in body
    assert vi("Recognition vote due for comrade %(name)s", name=world.target.full_name) == (
        Notification.objects.get(kind="probation_end").title
    )


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Tết Ất Tỵ: 27/01 to 01/02/2025 off; the first working day after Friday 24/01 is Monday 03/02.
        (dt.date(2025, 1, 24), 1, dt.date(2025, 2, 3)),
        # Tết Bính Ngọ: 16 to 20/02/2026.
        (dt.date(2026, 2, 13), 1, dt.date(2026, 2, 23)),
        # Tết Đinh Mùi: 04 to 10/02/2027.
        (dt.date(2027, 2, 3), 1, dt.date(2027, 2, 11)),
        # Hùng Kings' day 2026 falls on a Sunday and is observed on Monday 27/04; 30/04 and 01/05 follow.
        (dt.date(2026, 4, 24), 3, dt.date(2026, 5, 4)),
        # National Day 2026: 31/08 (moved day off), 01 and 02/09.
        (dt.date(2026, 8, 28), 1, dt.date(2026, 9, 3)),
    ],
    ids=["tet-2025", "tet-2026", "tet-2027", "hung-kings-and-30-4-2026", "national-day-2026"],
)
def test_working_days_skip_vietnams_public_holidays(start, n, expected):
    assert rules.add_working_days(start, n) == expected


def test_a_transfer_within_60_working_days_loses_tet_and_the_weekends():
    # A move decided on Monday 05/01/2026: 60 working days, less the five days of Tết, end on 06/04/2026
    # (Monday-to-Friday counting would say 30/03/2026).
    assert rules.add_working_days(dt.date(2026, 1, 5), 60) == dt.date(2026, 4, 6)
