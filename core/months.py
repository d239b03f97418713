"""Calendar months and quarters: a cell's work is planned, held and scored by the month (a period is the
month's first day) and some rules count by the quarter."""

import calendar
import datetime as dt


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s."""
    return month_end(day) + dt.timedelta(days=1)


def previous_month(day: dt.date) -> dt.date:
    """The first day of the month before `day`'s."""
    return month_start(month_start(day) - dt.timedelta(days=1))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), or that month's last day (29/02 + 12 months = 28/02)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def quarter_number(day: dt.date) -> int:
    """1 to 4."""
    return (day.month - 1) // 3 + 1


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * quarter_number(day) - 2, 1)


def quarter_end(day: dt.date) -> dt.date:
    """The last day of `day`'s quarter."""
    return month_end(dt.date(day.year, 3 * quarter_number(day), 1))
