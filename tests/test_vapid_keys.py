"""`make run` gives the server its VAPID key pair once (`make vapid-keys`): a .env without one gets a pair that
pywebpush signs with and a browser accepts as its applicationServerKey; a .env with one keeps it."""

import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from py_vapid import Vapid

from .conftest import require_service

BASE = Path(settings.BASE_DIR)


def _checkout(tmp_path: Path) -> Path:
    """The Makefile and the script in a folder of their own, with a venv that counts as installed."""
    for name in ("Makefile", "requirements.txt", ".env.example", "scripts/vapid_keys.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(BASE / name, tmp_path / name)
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    for stamp in (venv / "bin" / "activate", venv / ".installed"):
        stamp.touch()
    later = (tmp_path / "requirements.txt").stat().st_mtime + 10
    os.utime(venv / ".installed", (later, later))
    return tmp_path


def _env(folder: Path) -> dict:
    return dict(line.split("=", 1) for line in (folder / ".env").read_text().splitlines() if "=" in line)


def test_make_vapid_keys_writes_one_pair_once(tmp_path):
    require_service(shutil.which("make") is not None, "make")
    folder = _checkout(tmp_path)

    subprocess.run(["make", "-s", "vapid-keys"], cwd=folder, check=True, capture_output=True)
    first = _env(folder)
    subprocess.run(["make", "-s", "vapid-keys"], cwd=folder, check=True, capture_output=True)

    assert _env(folder) == first  # never replaced: new keys would end every device's subscription
    lines = (folder / ".env").read_text().splitlines()
    assert sum(line.startswith(("VAPID_PUBLIC_KEY=", "VAPID_PRIVATE_KEY=")) for line in lines) == 2
    public, private = first["VAPID_PUBLIC_KEY"], first["VAPID_PRIVATE_KEY"]
    point = base64.urlsafe_b64decode(public + "=" * (-len(public) % 4))
    assert len(point) == 65 and point[0] == 4  # what PushManager.subscribe takes as applicationServerKey
    vapid = Vapid.from_string(private)  # what pywebpush signs with
    assert vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint) == point
