"""scripts/load.py in a tiny configuration: phones comment through gunicorn while a worker is killed, and every
comment a phone was told was recorded is in the database exactly once.

Runs the real script (gunicorn, sync workers, the test database on PostgreSQL): 2 cells of 3 members for 20 s,
a comment every 5 s per phone, 4 logins through the form, one worker killed with SIGKILL while a comment is in
flight when one can be caught. The data must be committed for gunicorn to see it, hence a transactional test;
the script seeds the (empty) test database itself and stops gunicorn before the test's teardown flushes it.
"""

import json
import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from meetings.models import Comment

from ..conftest import require_service

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _server_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"


def test_every_answered_comment_is_stored_once_though_a_worker_dies(tmp_path):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    report_file = tmp_path / "report.json"
    command = [
        sys.executable,
        str(settings.BASE_DIR / "scripts" / "load.py"),
        "--cells=2",
        "--members=3",
        "--duration=20",
        "--comment-every=5",
        "--logins=4",
        "--login-window=5",
        "--kill-at=6",
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
    report = json.loads(report_file.read_text())

    # The worker was killed under load and gunicorn forked another one.
    assert report["kill"]["pid"] and report["kill"]["replaced_by"]
    # What the phones were answered is exactly what the database holds: one row per client id, the same ids.
    answered = report["answered"]
    assert answered
    stored = {str(c.client_id): c.pk for c in Comment.objects.all()}
    assert stored == answered
    assert not Comment.objects.values("client_id").annotate(n=Count("pk")).filter(n__gt=1).exists()
    # Every answered comment was sent again with its client id and answered with the stored comment.
    assert report["facts"]["sent_again_with_same_id"] == len(answered)
    assert report["facts"]["sent_again_wrong"] == 0
    # The phones' other work went through: polls, the live page and the logins through the form.
    for action in ("page", "poll", "login"):
        assert report["actions"][action]["p50"] is not None, action
