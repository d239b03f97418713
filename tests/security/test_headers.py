"""Private pages and files stay out of shared caches; the browser features we do not use are off; the
production server does not say what it is."""

import http.client
import os
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.urls import reverse

from ..test_permission_matrix import _adopted, _feed, _ready_archive, _ready_pdf


def _private(response):
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    return {"private", "no-store"} <= directives


def test_an_authenticated_page_is_private_and_not_stored(world, login):
    response = login("member").get(reverse("meetings:cell", args=[world.cell.pk]))
    assert response.status_code == 200
    assert _private(response)
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("members:export", args=[w.cell.pk]),
        lambda w: reverse("documents:pdf", args=[_ready_pdf(w).pk, "minutes"]),
        lambda w: reverse("documents:docx", args=[_adopted(w).pk, "minutes"]),
        lambda w: reverse("archive:archive_download", args=[_ready_archive(w).pk, 2026]),
        lambda w: reverse("evaluations:dashboard_xlsx", args=[w.branch_a.pk]),
    ],
    ids=["member-xlsx", "minutes-pdf", "minutes-docx", "archive-zip", "dashboard-xlsx"],
)
def test_every_download_is_private_and_not_stored(url, world, login):
    response = login("admin").get(url(world))
    assert response.status_code == 200
    assert _private(response)


def test_the_calendar_feed_is_private_and_not_stored(world, client):
    response = client.get(reverse("notifications:calendar_feed", args=[_feed(world).token]))
    assert response.status_code == 200
    assert _private(response)


def test_the_minutes_page_of_an_adopted_meeting_is_private(world, login):
    response = login("secretary").get(reverse("meetings:meeting", args=[_adopted(world).pk]))
    assert _private(response)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_production_gunicorn_does_not_announce_itself(tmp_path):
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "false",
        "SECRET_KEY": "test-only-not-secret",
        "SECURE_SSL_REDIRECT": "false",
        "VAR_DIR": str(tmp_path),
        "ENV_FILE": "/nonexistent",
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:chibo.gunicorn_conf",
            "-b",
            f"127.0.0.1:{port}",
            "chibo.wsgi",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        assert response.status == 200
        assert "gunicorn" not in (response.getheader("Server") or "").lower()
    finally:
        server.terminate()
        server.wait(timeout=10)
