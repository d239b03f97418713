"""Production hardening a reviewer can check: deploy checks, the Content Security Policy, no inline scripts."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_check_deploy_is_clean_under_production_settings():
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "chibo.example.org",
        "VAR_DIR": str(Path(settings.BASE_DIR) / "var"),
        "ENV_FILE": "/nonexistent",  # a developer's .env (written by make run) must not leak in
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "false",
        "VAR_DIR": str(Path(settings.BASE_DIR) / "var"),
        "ENV_FILE": "/nonexistent",  # a developer's .env (written by make run) must not leak in
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_pages_carry_a_content_security_policy_without_inline_script(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "documents" in path.parts or "emails" in path.parts:
            continue  # rendered to PDF or mail, never served to a browser
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path.name}: {tag}")
        if re.search(r"\son(click|load|submit|change|input)\s*=", text):
            offenders.append(f"{path.name}: inline event handler")
        if re.search(r'\sstyle="', text):
            offenders.append(f"{path.name}: inline style")
    assert not offenders, offenders


def _access_line(environ_extra, path):
    """The line production's gunicorn (chibo/gunicorn_conf.py) writes to its access log for one request."""
    import datetime as dt
    import logging
    from types import SimpleNamespace

    from gunicorn.config import Config

    from chibo import gunicorn_conf

    config = Config()
    config.set("accesslog", gunicorn_conf.accesslog)
    config.set("access_log_format", gunicorn_conf.access_log_format)
    logger = gunicorn_conf.PrivateLogger(config)
    records = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())
    logger.access_log.addHandler(handler)
    path_info, _sep, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        **environ_extra,
    }
    logger.access(
        SimpleNamespace(status="200 OK", sent=512, headers=[]),
        SimpleNamespace(headers=[]),
        environ,
        dt.timedelta(0, 0, 4000),
    )
    assert records, "gunicorn wrote no access line"
    return records[-1]


def test_the_access_log_keeps_search_words_tokens_and_referrers_out():
    searched = _access_line(
        {"HTTP_REFERER": "https://chibo.example.org/search/?q=nguyen+van+an"}, "/search/?q=tran+thi+hoa"
    )
    assert "/search/" in searched and "200" in searched and "203.0.113.9" in searched
    assert "tran" not in searched and "hoa" not in searched
    assert "nguyen" not in searched  # the referrer held the previous search

    poll = _access_line({}, "/meetings/12/poll/?t=eyJzaWduZWQ&after=40")
    assert "/meetings/12/poll/" in poll and "eyJzaWduZWQ" not in poll

    feed = _access_line({}, "/calendar/s3cr3t-feed-token.ics")
    assert "/calendar/" in feed and "s3cr3t-feed-token" not in feed


def test_a_request_for_another_host_name_is_refused_with_400_not_an_error_page(client, db):
    """A scanner's forged Host header is refused before any middleware sets `request.user`: the 400 page
    must render without it (the menu's context processors used to raise, turning it into a 500)."""
    response = client.get("/", HTTP_HOST="evil.example", secure=True)

    assert response.status_code == 400
