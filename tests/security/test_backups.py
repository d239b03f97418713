"""`manage.py backup` / `restore` (make backup, make restore): a backup taken, the data and files changed,
the backup restored, and everything is as it was, on SQLite and on PostgreSQL (the test database)."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from members.models import Member

from ..conftest import require_service
from ..factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path, on_postgres) -> Path:
    if on_postgres:
        require_service(
            bool(shutil.which("pg_dump") and shutil.which("pg_restore")), "pg_dump and pg_restore"
        )
    settings.BACKUP_DIR = tmp_path / "backups"
    root = Path(settings.MEDIA_ROOT)
    (root / "documents").mkdir(parents=True)
    (root / "documents" / "agenda.pdf").write_bytes(b"%PDF-1.4 the agenda as uploaded")
    return root


def backup(*args) -> Path:
    out = StringIO()
    call_command("backup", *args, stdout=out, stderr=StringIO())
    return Path(out.getvalue().strip())


def restore(folder: Path) -> None:
    call_command("restore", str(folder), "--noinput", stdout=StringIO())


def test_restore_brings_back_the_data_and_the_files_as_they_were(world, media, on_postgres):
    folder = backup()
    assert folder.parent == media.parent / "backups"
    assert (folder / ("database.dump" if on_postgres else "database.sqlite3")).is_file()

    Member.objects.filter(pk=world.member.pk).update(full_name="Tên đã bị sửa")
    Member.objects.filter(pk=world.fellow.pk).delete()
    MemberFactory(full_name="Người thêm sau", cell=world.cell)
    (media / "documents" / "agenda.pdf").write_bytes(b"overwritten")
    (media / "stray.pdf").write_bytes(b"added after the backup")

    restore(folder)

    assert Member.objects.get(pk=world.member.pk).full_name == "Nguyễn Hoàng Nam"
    assert Member.objects.filter(pk=world.fellow.pk, full_name="Võ Thị Ngọc Hân").exists()
    assert not Member.objects.filter(full_name="Người thêm sau").exists()
    assert (media / "documents" / "agenda.pdf").read_bytes() == b"%PDF-1.4 the agenda as uploaded"
    assert sorted(p.name for p in media.iterdir()) == ["documents"]  # nothing else left behind
    assert world.secretary.user.check_password("correct horse battery")  # logins work again


def test_a_damaged_backup_is_refused_and_nothing_is_touched(world, media):
    folder = backup()
    with (folder / "media.tar").open("ab") as tar:
        tar.write(b"\0")
    Member.objects.filter(pk=world.member.pk).update(full_name="Tên mới")
    (media / "documents" / "agenda.pdf").write_bytes(b"new version")

    with pytest.raises(CommandError, match="damaged"):
        restore(folder)

    assert Member.objects.get(pk=world.member.pk).full_name == "Tên mới"
    assert (media / "documents" / "agenda.pdf").read_bytes() == b"new version"


def test_a_backup_of_another_database_engine_is_refused(world, media):
    folder = backup()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["database"]["engine"] = "mysql"
    (folder / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="mysql"):
        restore(folder)


def test_keep_leaves_only_the_newest_backups_and_no_partial_folders(world, media):
    made = [backup("--keep", "2") for _ in range(3)]

    left = sorted(p for p in (media.parent / "backups").iterdir())
    assert left == made[1:]
    for folder in left:
        assert {p.name for p in folder.iterdir()} == {"manifest.json", "media.tar", folder_db(folder)}


def folder_db(folder: Path) -> str:
    return json.loads((folder / "manifest.json").read_text())["database"]["file"]
