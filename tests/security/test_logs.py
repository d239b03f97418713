"""The app's log holds no calendar token, and a refused request is one line without a traceback."""

import io
import logging
import sys

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.log import configure_logging

from chibo.logs import PrivateFilter

from ..test_permission_matrix import _feed


@pytest.fixture
def app_log():
    """What the app's configured console handler (settings.LOGGING) writes during the test."""
    # As Django configures it at start-up (another test, such as gunicorn's logger, may have changed it).
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, PrivateFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_wrong_calendar_token_is_not_written_to_the_app_log(client, db, app_log):
    token = "Zq8-secret-token-of-someone-else"
    assert client.get(reverse("notifications:calendar_feed", args=[token])).status_code == 404
    log = app_log.getvalue()
    assert "Not Found: /calendar/….ics" in log
    assert token not in log


def test_a_revoked_feed_token_is_not_written_either(world, client, app_log):
    feed = _feed(world)
    feed.user.is_active = False
    feed.user.save()
    client.get(reverse("notifications:calendar_feed", args=[feed.token]))
    assert feed.token not in app_log.getvalue()


def test_a_refused_request_is_one_line_without_a_traceback(world, login, app_log):
    response = login("member").get(reverse("members:export", args=[world.cell.pk]))
    assert response.status_code == 403
    lines = app_log.getvalue().splitlines()
    assert lines == [f"Forbidden (Permission denied): {reverse('members:export', args=[world.cell.pk])}"]


def test_a_server_error_keeps_its_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", None, None)
    record.status_code = 500
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    PrivateFilter().filter(record)
    assert record.exc_info is not None
