"""The Vietnamese catalogue is complete: every string the code marks for translation has a Vietnamese
translation in locale/vi, and the committed .mo file carries it."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation

from .conftest import require_service

# Every first-party package (an app, access, core, chibo), so a new one cannot be forgotten here.
PACKAGES = sorted(
    path.parent.name
    for path in settings.BASE_DIR.glob("*/__init__.py")
    if path.parent.name not in {"tests", "scripts"}
)
SOURCES = ["manage.py", *PACKAGES, "templates", "locale"]


def _fresh_catalogue(tmp_path: Path) -> polib.POFile:
    """Extracts the strings from a copy of the sources, merged with the committed translations."""
    for name in SOURCES:
        src = settings.BASE_DIR / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "--add-location", "file"],
        cwd=tmp_path,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path / "var")},
        check=True,
        capture_output=True,
    )
    return polib.pofile(str(tmp_path / "locale/vi/LC_MESSAGES/django.po"))


def test_every_string_has_a_vietnamese_translation(tmp_path):
    require_service(shutil.which("xgettext") is not None, "GNU gettext (xgettext)")
    fresh = _fresh_catalogue(tmp_path)
    untranslated = [e.msgid for e in fresh if not e.translated()]
    fuzzy = [e.msgid for e in fresh if "fuzzy" in e.flags]
    assert not untranslated, f"Strings without a Vietnamese translation: {untranslated}"
    assert not fuzzy, f"Fuzzy (changed) strings to check in locale/vi: {fuzzy}"

    with open(settings.BASE_DIR / "locale/vi/LC_MESSAGES/django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [
        e.msgid for e in fresh if not e.msgid_plural and e.msgid and compiled.gettext(e.msgid) != e.msgstr
    ]
    assert not stale, f"django.mo is older than django.po; run `make messages`: {stale[:10]}"


def test_pages_are_in_vietnamese(client, db):
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()
    with translation.override("vi"):
        assert translation.gettext("Log out") == "Đăng xuất"
