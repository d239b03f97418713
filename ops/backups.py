"""A backup is one folder, BACKUP_DIR/<YYYYmmdd-HHMMSS>/, holding:

- database.dump (PostgreSQL: pg_dump's custom format, one consistent snapshot) or database.sqlite3
  (SQLite's online backup API: a consistent copy even while web, worker and beat write);
- media.tar: every stored file (uploaded documents, generated PDFs, books and archives), read through the
  storage API, so from MEDIA_ROOT or from the S3 bucket alike (core/storage.py); taken after the database,
  so every file the database names is in it (a file newer than the dump is harmless);
- manifest.json: what was copied, when, from which engine, and a SHA-256 of each file.

It is written under a hidden name and renamed when complete, so a half-written backup is never listed.
Restoring checks every checksum before touching anything, then replaces the database (pg_restore --clean
--if-exists in one transaction, or SQLite's backup API in reverse), then writes every file of the backup
back through the storage API (each replaced whole) and deletes the stored files the backup does not have.
The management commands `backup` and `restore` (ops/management/commands/) call these functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.db import connections

from core import storage as file_storage

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_FILE = "media.tar"
STAMP = re.compile(r"^\d{8}-\d{6}(-\d+)?$")


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why and what to do."""


def backup_root() -> Path:
    return Path(settings.BACKUP_DIR)


def _connection():
    return connections["default"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- PostgreSQL ------------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            f"{name} not found: install PostgreSQL's client (scripts/apt-ensure postgresql-client)."
        )
    return tool


def _pg_connection_args(db: dict) -> tuple[list[str], dict]:
    """Command-line options and environment for pg_dump / pg_restore: the database Django is using now
    (in tests, the test database pytest-django created)."""
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}")


# --- Database --------------------------------------------------------------------------------------


def _dump_database(folder: Path) -> dict:
    connection = _connection()
    if connection.vendor == "postgresql":
        target = folder / "database.dump"
        args, env = _pg_connection_args(connection.settings_dict)
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
                *args,
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        raise BackupError(f"No backup method for the {connection.vendor} database engine.")
    return {"engine": connection.vendor, "file": target.name, "sha256": _sha256(target)}


def _restore_database(folder: Path, entry: dict) -> None:
    connection = _connection()
    source = folder / entry["file"]
    if connection.vendor == "postgresql":
        args, env = _pg_connection_args(connection.settings_dict)
        connections.close_all()  # our own sessions must not hold locks on the tables being dropped
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(source),
            ],
            env,
        )
    else:
        # Page by page into the live database, under SQLite's own locks: safe with other processes open,
        # and with the WAL files, where copying the file over would not be.
        connection.ensure_connection()
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            backup.backup(connection.connection)
        finally:
            backup.close()


# --- Files ---------------------------------------------------------------------------------------


def _pack_media(folder: Path) -> dict:
    """Every stored file into one tar, read through the storage API (a disk or a bucket alike). Each file is
    copied whole into a spooled buffer first, so its size in the tar is the size actually read even if a
    render replaces it meanwhile."""
    storage = file_storage.generated_storage()
    target = folder / MEDIA_FILE
    count = 0
    with tarfile.open(target, "w") as tar:
        for name in file_storage.walk(storage):
            buffer = tempfile.SpooledTemporaryFile(max_size=8 << 20)
            try:
                with storage.open(name, "rb") as source:
                    shutil.copyfileobj(source, buffer, 1 << 20)
            except FileNotFoundError:  # deleted between the listing and now
                buffer.close()
                continue
            with buffer:
                info = tarfile.TarInfo(name)
                info.size = buffer.tell()
                info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
                info.mode = 0o600
                buffer.seek(0)
                tar.addfile(info, buffer)
            count += 1
    return {"file": MEDIA_FILE, "sha256": _sha256(target), "files": count}


def _media_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """The regular files of the tar, with names that stay inside the storage (no absolute path, no "..")."""
    members = []
    for member in tar.getmembers():
        if not member.isfile():
            continue  # folders (older backups list them) are implied by the names
        parts = Path(member.name).parts
        if member.name.startswith("/") or ".." in parts or not parts or parts[0].startswith("."):
            raise BackupError(f"The backup names a file outside the stored files: {member.name!r}.")
        members.append(member)
    return members


def _restore_media(folder: Path) -> None:
    """Writes every file of the backup through the storage API, each replaced whole under its own name,
    then deletes the stored files the backup does not have. Object storage has no rename, so this is not
    one atomic swap: a restore stopped half-way leaves some files old and some restored, and running it
    again finishes it."""
    storage = file_storage.generated_storage()
    with tarfile.open(folder / MEDIA_FILE) as tar:
        members = _media_members(tar)
        for member in members:
            with tar.extractfile(member) as data:
                saved = storage.save(member.name, File(data, name=member.name))
            if saved != member.name:
                raise BackupError(f"{member.name} was stored as {saved}: the storage does not overwrite.")
    kept = {member.name for member in members}
    for name in list(file_storage.walk(storage)):
        if name not in kept:
            storage.delete(name)


# --- Backup and restore ----------------------------------------------------------------------------


def _new_folder(root: Path) -> tuple[Path, Path]:
    stamp = dt.datetime.now(ZoneInfo(settings.TIME_ZONE)).strftime("%Y%m%d-%H%M%S")
    name, n = stamp, 1
    while (root / name).exists():
        n += 1
        name = f"{stamp}-{n}"
    return root / name, Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".partial", dir=root))


def create_backup(*, root: Path | None = None, keep: int = 0) -> Path:
    """Writes one backup folder and returns it; with `keep`, removes all but the newest `keep` backups."""
    root = Path(root or backup_root())
    root.mkdir(parents=True, exist_ok=True)
    final, partial = _new_folder(root)
    try:
        os.chmod(partial, 0o700)  # the whole membership register is in here
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": _dump_database(partial),
            "media": _pack_media(partial),
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        for path in partial.iterdir():
            os.chmod(path, 0o600)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if keep:
        prune(root, keep=keep)
    return final


def list_backups(root: Path | None = None) -> list[Path]:
    """Complete backups, oldest first."""
    root = Path(root or backup_root())
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if STAMP.match(p.name) and (p / MANIFEST).is_file())


def prune(root: Path, *, keep: int) -> list[Path]:
    removed = list_backups(root)[:-keep] if keep > 0 else []
    for path in removed:
        shutil.rmtree(path)
    return removed


def read_backup(folder: Path) -> dict:
    """The manifest of a complete, intact backup made from this database engine; raises otherwise."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} is not a backup (no readable {MANIFEST}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} was written in an unknown backup format.")
    for entry in (manifest["database"], manifest["media"]):
        path = folder / entry["file"]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(f"{path} is missing or damaged (its SHA-256 differs from the manifest).")
    engine, current = manifest["database"]["engine"], _connection().vendor
    if engine != current:
        raise BackupError(f"This backup is of a {engine} database; this installation uses {current}.")
    return manifest


def restore_backup(folder: Path) -> dict:
    """Replaces the database and the stored files with the backup's. Nothing is touched unless it is intact."""
    folder = Path(folder)
    manifest = read_backup(folder)
    _restore_database(folder, manifest["database"])
    _restore_media(folder)
    return manifest
