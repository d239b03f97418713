"""scripts/load.py in a tiny configuration: phones comment through gunicorn while a worker is killed, and every
comment a phone was told was recorded is in the database exactly once; over the push path (#19) too, with the
run's own Redis restarted, and every comment reaches every other phone of its meeting.

Runs the real script (gunicorn, sync workers, the test database on PostgreSQL): 2 cells of 3 members for 20 s,
a comment every 5 s per phone, 4 logins through the form, one worker killed with SIGKILL while a comment is in
flight when one can be caught. The data must be committed for gunicorn to see it, hence a transactional test;
the script seeds the (empty) test database itself and stops gunicorn before the test's teardown flushes it.
"""

import json
import os
import shutil
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from meetings.models import Comment

from ..conftest import require_service
from ..redis_server import REDIS_SERVER

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _server_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"


def _run_load(tmp_path, *options: str) -> dict:
    """Runs scripts/load.py with these options on the test database; its JSON report."""
    report_file = tmp_path / "report.json"
    command = [
        sys.executable,
        str(settings.BASE_DIR / "scripts" / "load.py"),
        *options,
        "--workers=2",
        "--resend=1000",
        "--db",
        connection.settings_dict["NAME"],
        "--db-ready",
        "--var-dir",
        str(tmp_path),
        "--json",
        str(report_file),
    ]
    env = {**os.environ, "DATABASE_URL": _server_url()}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(report_file.read_text())


def _stored_exactly_once(report: dict) -> dict:
    """One row per client id the phones were answered with, the same ids, each sent again and answered with
    the stored comment; the answered ids."""
    answered = report["answered"]
    assert answered
    stored = {str(c.client_id): c.pk for c in Comment.objects.all()}
    assert stored == answered
    assert not Comment.objects.values("client_id").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert report["facts"]["sent_again_with_same_id"] == len(answered)
    assert report["facts"]["sent_again_wrong"] == 0
    return answered


def test_every_answered_comment_is_stored_once_though_a_worker_dies(tmp_path):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    report = _run_load(
        tmp_path,
        "--cells=2",
        "--members=3",
        "--duration=20",
        "--comment-every=5",
        "--logins=4",
        "--login-window=5",
        "--kill-at=6",
    )

    # The worker was killed under load and gunicorn forked another one.
    assert report["kill"]["pid"] and report["kill"]["replaced_by"]
    # What the phones were answered is exactly what the database holds, each sent again with its client id.
    _stored_exactly_once(report)
    # The phones' other work went through: polls, the live page and the logins through the form.
    for action in ("page", "poll", "login"):
        assert report["actions"][action]["p50"] is not None, action


def test_over_the_push_path_every_comment_reaches_every_other_phone_once_through_a_kill_and_a_redis_restart(
    tmp_path,
):
    """2 cells × 3 members on gunicorn's uvicorn workers (chibo.asgi), the live stream on a Redis of the run's
    own: a worker killed at 5 s, Redis stopped at 9 s for 1.5 s; the phones fall back to polling and come
    back to the stream by themselves."""
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    require_service(bool(shutil.which(REDIS_SERVER)), "redis-server")
    report = _run_load(
        tmp_path,
        "--push",
        "--cells=2",
        "--members=3",
        "--duration=16",
        "--arrive-window=2",
        "--comment-every=4",
        "--logins=3",
        "--login-window=4",
        "--kill-at=5",
        "--redis-restart-at=9",
        "--redis-down=1.5",
    )

    # Both faults happened: a worker died and was replaced, Redis went away and came back.
    assert report["kill"]["pid"] and report["kill"]["replaced_by"]
    assert report["restart"]["up_at"] > report["restart"]["at"]
    # Exactly once: one row per answered client id, the ids the phones were answered with.
    _stored_exactly_once(report)
    # Every comment reached every other phone of its meeting (on its page, its stream or a poll), none of
    # another meeting.
    phones = report["phones"]
    assert all(phone["page_open"] for phone in phones.values())
    for comment in Comment.objects.select_related("speaker__user"):
        for username, phone in phones.items():
            if phone["meeting"] == comment.meeting_id and username != comment.speaker.user.username:
                assert comment.pk in phone["seen"], (comment.pk, username)
            elif phone["meeting"] != comment.meeting_id:
                assert comment.pk not in phone["seen"]
    assert report["deliveries"]["missed"] == 0
    # Most arrived on the stream; the fallback polls were used (the restart ended every stream).
    assert report["deliveries"]["by"]["stream"] > 0
    assert report["streams"].get("ended", 0) + report["streams"].get("cut", 0) > 0
    assert report["notes"].get("poll 200 (new comments)", 0) + report["notes"].get(
        "poll 204 (nothing new)", 0
    )
