"""Malformed input for the property tests: odd Unicode, control characters, huge strings, impossible dates.

Every example runs inside a savepoint that is rolled back (`isolated`), so one example's rows never change the
next one's; hypothesis runs a modest number of examples without a deadline, so CI stays fast and steady.
"""

import contextlib
import re
import unicodedata

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    database=None,  # nothing written into the working tree; a failure prints its example to replay
    # The world and the logged-in client are built once per test and shared by its examples on purpose:
    # each example runs in a savepoint rolled back at its end.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@contextlib.contextmanager
def isolated():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# Letters people type (Vietnamese with its tone marks, combining marks as macOS writes them), and worse.
ODD = st.sampled_from(
    [
        "",
        " ",
        "Nguyễn Văn A",
        "Nguye\u0303n",  # a tone mark as a separate character
        "\u202etxt.exe",  # right-to-left override
        "\u200b\u200d\ufeff",  # zero-width characters
        "🇻🇳👍🏽",
        "<script>alert(1)</script>",
        "'; DROP TABLE members_member; --",
        "\x00",
        "a\x00b",
        "\r\n\t",
        "%s %(name)s {0}",
        "Ǆ\u0345\U0010fffd",
    ]
)
TEXT = st.one_of(ODD, st.text(max_size=40), st.text(st.characters(codec="utf-8"), max_size=10))
# Long strings (up to 20,000 characters, past every field's limit) are built by repetition: generating them
# character by character is slow.
HUGE = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(200, 5_000))
ANY_TEXT = st.one_of(TEXT, HUGE)

BAD_DATES = st.sampled_from(
    [
        "31/02/2026",
        "29/02/2025",
        "30/02/2024",
        "00/01/2026",
        "32/01/2026",
        "01/13/2026",
        "2026-02-31",
        "0/0/0",
        "01/01/0001",
        "31/12/9999",
        "1/1/1",
        "99/99/99",
        "١٢/٠٣/٢٠٢٦",  # Arabic-Indic digits
        "１２/０３/２０２６",  # full-width digits
        "12/03/2026 ",
        "12 / 03 / 2026",
        "-1/-1/-1",
        "1e10",
    ]
)
DATES = st.one_of(
    BAD_DATES,
    st.dates().map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}"),
    st.dates().map(lambda d: d.isoformat()),
    TEXT,
)
NUMBERS = st.one_of(
    st.integers(-(10**40), 10**40).map(str),
    st.sampled_from(
        ["", "NaN", "nan", "Infinity", "-inf", "1e999999", "1,5", "1.5", "0x10", "٣", "１０", "+7", "- 1"]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    TEXT,
)
TIMES = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.sampled_from(["24:00", "23:60", "25:99", "-1:00", "12", "noon", "14h30"]),
    TEXT,
)

_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|'[^']*'")


def is_vietnamese(message: str, typed=()) -> bool:
    """A message is Vietnamese when, without what the user typed, it still has Vietnamese letters."""
    for value in sorted((str(v) for v in typed if v), key=len, reverse=True):
        message = message.replace(value, "")
    message = _QUOTED.sub("", message)
    return any(c in "đĐ" or unicodedata.normalize("NFD", c) != c for c in message)


def form_errors(response, name="form") -> list[str]:
    """Every error message of the page's form (the view's context), as the user reads them."""
    form = response.context[name]
    return [str(m) for errors in form.errors.values() for m in errors]
