"""Every URL of the app, given garbage for each parameter it reads, answers without a 500.

The parameters are found, not listed: a first request records every key the view (and the middleware)
looks up in `request.GET` or `request.POST`; each of them is then sent again with garbage, empty, huge,
negative and zero values. A new URL joins the walk through the permission matrix (which fails without it).
"""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from ..test_permission_matrix import MATRIX, matrix_url

GARBAGE = ["", "abc", "0", "-1", "99999", "9" * 40, "1e309", "\x00", "2026-13-45", "ü" * 300]
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


def _status(send, url, key, value, data):
    try:
        return send(f"{url}?{urlencode({key: value})}", {**data, key: value}).status_code
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
        for key in sorted(recorded_keys - IGNORED):
            for value in GARBAGE:
                status = _status(send, url, key, value, data if send.__name__ == method else {})
                if status == 500 or isinstance(status, str):
                    failures.append(f"{send.__name__.upper()} {key}={value[:20]!r}: {status}"[:300])
    assert not failures, f"{url_name} as {persona}: " + "; ".join(failures[:6])
