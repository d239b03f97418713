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
