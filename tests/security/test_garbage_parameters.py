"""Every URL of the app, given garbage for each parameter it reads, answers without a 500.

The parameters are found, not listed: a first request records every key the view (and the middleware)
looks up in `request.GET` or `request.POST`; each of them is then sent again with garbage, empty, huge,
negative and zero values. A new URL joins the walk through the permission matrix (which fails without it).
"""

import re
from collections import defaultdict
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from ..test_permission_matrix import MATRIX, matrix_url

GARBAGE = ["", "abc", "0", "-1", "99999", "9" * 40, "1e309", "NaN", "\x00", "2026-13-45", "ü" * 300]
# The persona who may reach the most: the superuser; a secretary runs the meetings of the cell.
PERSONAS = ["admin", "secretary"]


@pytest.fixture
def recorded_keys(monkeypatch):
    """The keys looked up in any QueryDict while a request is served."""
    keys: set[str] = set()
    for name in ("__getitem__", "get", "getlist", "__contains__"):
        original = getattr(MultiValueDict, name)

        def spy(self, key, *args, _original=original, **kwargs):
            if isinstance(self, QueryDict) and isinstance(key, str):
                keys.add(key)
            return _original(self, key, *args, **kwargs)

        monkeypatch.setattr(QueryDict, name, spy, raising=False)
    return keys


IGNORED = {"csrfmiddlewaretoken"}  # checked by Django before any view: a 403, never a 500


# A key that ends in a number: one of a family (points_<criterion id>, note_<criterion id>, …).
NUMBERED = re.compile(r"^(\D+?)(\d+)$")


def probes(keys) -> list[tuple[str, ...]]:
    """The keys sent garbage together: each key alone, but of a family of three or more keys that differ
    only by their number (one loop of the view reads them all) the first and the last alone and the whole
    family at once. A sheet of thirty criteria is walked in three probes a value, not thirty."""
    families = defaultdict(list)
    for key in keys:
        numbered = NUMBERED.match(key)
        families[numbered[1] if numbered else key].append(key)
    found = []
    for members in families.values():
        if len(members) < 3:
            found += [(key,) for key in members]
            continue
        members.sort(key=lambda key: int(NUMBERED.match(key)[2]))
        found += [(members[0],), (members[-1],), tuple(members)]
    return sorted(found)


def _status(send, url, keys, value, data):
    garbage = dict.fromkeys(keys, value)
    try:
        return send(f"{url}?{urlencode(garbage)}", {**data, **garbage}).status_code
    except Exception as error:  # noqa: BLE001 - the failure we are looking for
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("url_name", sorted(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_garbage_in_any_parameter_is_never_a_500(url_name, persona, world, login, recorded_keys):
    """Both methods: a page that shows on GET may also read a form posted to it."""
    method, args, _expected, data = MATRIX[url_name]
    client = login(persona)
    client.raise_request_exception = True
    url = matrix_url(url_name, args(world))
    data = (data(world) if callable(data) else data) or {}
    failures = []
    for send in (client.get, client.post):
        recorded_keys.clear()
        send(url, data if send.__name__ == method else {})
        for keys in probes(recorded_keys - IGNORED):
            for value in GARBAGE:
                status = _status(send, url, keys, value, data if send.__name__ == method else {})
                if status == 500 or isinstance(status, str):
                    failures.append(
                        f"{send.__name__.upper()} {'+'.join(keys)}={value[:20]!r}: {status}"[:300]
                    )
    assert not failures, f"{url_name} as {persona}: " + "; ".join(failures[:6])


def test_a_family_of_numbered_keys_is_probed_at_its_ends_and_all_at_once():
    keys = {
        "q",
        "page",
        "points_3",
        "points_12",
        "points_7",
        "note_3",
        "note_12",
        "note_7",
        "item_1",
        "item_2",
    }

    assert probes(keys) == [
        ("item_1",),
        ("item_2",),
        ("note_12",),
        ("note_3",),
        ("note_3", "note_7", "note_12"),
        ("page",),
        ("points_12",),
        ("points_3",),
        ("points_3", "points_7", "points_12"),
        ("q",),
    ]
