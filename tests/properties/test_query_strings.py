"""Whatever a link carries in its query string, the answer is a page, a redirect or a 400, never a 500
(the walk over every URL in tests/security/test_garbage_parameters.py sends fixed garbage; this sends
hypothesis' odd Unicode, huge strings and out-of-range numbers to the pages that read a query string)."""

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from .strategies import ANY_TEXT, NUMBERS, PROPERTY, isolated

VALUE = st.one_of(NUMBERS, ANY_TEXT)

PAGES = {
    "meetings:cell_dues": (lambda w: [w.cell.pk], ["year"]),
    "meetings:rotation": (lambda w: [w.cell.pk], ["year"]),
    "evaluations:dashboard": (lambda w: [w.root.pk], ["period", "sub", "level", "sort", "page"]),
    "evaluations:dashboard_xlsx": (lambda w: [w.root.pk], ["period", "sub", "level", "sort"]),
    "archive:search": (lambda w: [], ["q", "page"]),
    "notifications:notifications": (lambda w: [], ["page"]),
}


@pytest.mark.parametrize("url_name", sorted(PAGES))
@PROPERTY
@given(values=st.lists(VALUE, min_size=5, max_size=5))
@example(values=["0", "-1", "99999", "\x00", "9" * 40])
def test_a_query_string_never_gives_a_500(url_name, world, login, values):
    args, keys = PAGES[url_name]
    client = login("admin")
    with isolated():
        response = client.get(reverse(url_name, args=args(world)), dict(zip(keys, values, strict=False)))
    assert response.status_code in (200, 302, 400, 404)
