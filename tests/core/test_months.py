"""core/months.py at the edges of the year, of the quarters and of short months."""

import datetime as dt

import pytest

from core.months import (
    add_months,
    month_end,
    month_start,
    next_month,
    previous_month,
    quarter_end,
    quarter_number,
    quarter_start,
)

D = dt.date


def test_month_start_and_end():
    assert month_start(D(2026, 11, 20)) == D(2026, 11, 1)
    assert month_end(D(2026, 11, 20)) == D(2026, 11, 30)
    assert month_end(D(2026, 12, 1)) == D(2026, 12, 31)
    assert month_end(D(2027, 2, 10)) == D(2027, 2, 28)
    assert month_end(D(2028, 2, 10)) == D(2028, 2, 29)


@pytest.mark.parametrize(
    ("day", "after", "before"),
    [
        (D(2026, 12, 31), D(2027, 1, 1), D(2026, 11, 1)),  # December → January of the next year
        (D(2027, 1, 1), D(2027, 2, 1), D(2026, 12, 1)),  # January → December of the year before
        (D(2026, 1, 31), D(2026, 2, 1), D(2025, 12, 1)),
        (D(2028, 2, 29), D(2028, 3, 1), D(2028, 1, 1)),
        (D(2026, 3, 31), D(2026, 4, 1), D(2026, 2, 1)),
    ],
)
def test_next_and_previous_month(day, after, before):
    assert next_month(day) == after
    assert previous_month(day) == before


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 11, 5), 1, D(2026, 12, 5)),
        (D(2026, 12, 5), 1, D(2027, 1, 5)),  # December → January
        (D(2027, 1, 5), -1, D(2026, 12, 5)),  # and back
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # no 31st in February: its last day
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2026, 6, 1), 12, D(2027, 6, 1)),  # a probation of twelve months
        (D(2026, 6, 15), -18, D(2024, 12, 15)),
        (D(2026, 6, 15), 0, D(2026, 6, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "number", "start", "end"),
    [
        (D(2026, 1, 1), 1, D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 3, 31), 1, D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), 2, D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 9, 30), 3, D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 10, 1), 4, D(2026, 10, 1), D(2026, 12, 31)),
        (D(2026, 12, 31), 4, D(2026, 10, 1), D(2026, 12, 31)),  # the last quarter ends with the year
    ],
)
def test_quarters(day, number, start, end):
    assert quarter_number(day) == number
    assert quarter_start(day) == start
    assert quarter_end(day) == end
