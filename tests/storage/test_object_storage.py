"""Files in an S3-compatible bucket (#22): a document uploaded, a PDF rendered, a book and a committee's ZIP
made, each downloaded through its view by a persona who may read it and refused (404) to an outsider; a
backup taken from the bucket and restored into it. Nothing lands on the local disk, the bucket stays
private. The server is moto's S3 server on 127.0.0.1, started by the test (tests/storage/conftest.py)."""

import io
import shutil
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from chibo.storages import object_storages
from core.jobs import INFRASTRUCTURE_ERRORS
from documents import book
from documents import pdf as pdf_module
from documents.models import BookArchive, GeneratedPdf, MinutesBook
from meetings.models import Document
from meetings.services import publish_meeting
from members.models import Member

from ..conftest import require_service
from ..meetings.files import pdf, upload
from .conftest import KEYS, free_port

YEAR = 2026


def local_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_an_uploaded_document_is_kept_in_the_bucket_and_read_only_through_the_access_check(
    bucket, world, regular, login, settings
):
    content = pdf()
    client = login("secretary")

    assert upload(client, regular, "Dự thảo nghị quyết.pdf", content).status_code == 302

    document = Document.objects.get(meeting=regular)
    assert bucket.keys() == [document.file.name]
    assert document.file.name.startswith("documents/") and document.file.name.endswith(".pdf")
    assert bucket.read(document.file.name) == content
    assert local_files(settings) == []
    assert bucket.is_private()

    publish_meeting(meeting=regular, by=world.secretary.user)  # the agenda and its papers reach the members
    url = reverse("meetings:document", args=[document.pk])
    for persona in ("member", "secretary", "officer"):
        assert body(login(persona).get(url)) == content, persona
    assert login("outsider").get(url).status_code == 404
    assert login("nobody").get(url).status_code == 404


def test_a_rendered_pdf_and_a_book_and_a_zip_of_books_live_in_the_bucket(
    bucket, adopted, world, login, settings, django_capture_on_commit_callbacks
):
    meeting = adopted.meeting
    generated = GeneratedPdf.objects.get(meeting=meeting, kind=GeneratedPdf.Kind.MINUTES)
    assert generated.status == GeneratedPdf.Status.READY, generated.error
    assert generated.file.name in bucket.keys()
    stored = bucket.read(generated.file.name)
    assert stored.startswith(b"%PDF")

    url = reverse("documents:pdf", args=[meeting.pk, "minutes"])
    assert body(login("member").get(url)) == stored
    assert login("outsider").get(url).status_code == 404

    # The cell's yearly book, then the branch's ZIP: the job reads each book back from the bucket.
    with django_capture_on_commit_callbacks(execute=True):
        book.request_book(cell=world.cell, year=YEAR, by=world.secretary.user)
    minutes_book = MinutesBook.objects.get(cell=world.cell, year=YEAR)
    assert minutes_book.status == MinutesBook.Status.READY, minutes_book.error
    with django_capture_on_commit_callbacks(execute=True):
        book.request_archive(organization=world.branch_a, year=YEAR, by=world.officer.user)
    archive = BookArchive.objects.get(organization=world.branch_a, year=YEAR)
    assert archive.status == BookArchive.Status.READY, archive.error
    assert {minutes_book.file, archive.file} <= set(bucket.keys())

    book_url = reverse("archive:book_download", args=[world.cell.pk, YEAR])
    assert body(login("secretary").get(book_url)) == bucket.read(minutes_book.file)
    assert login("outsider").get(book_url).status_code == 404
    zip_url = reverse("archive:archive_download", args=[world.branch_a.pk, YEAR])
    zipped = zipfile.ZipFile(io.BytesIO(body(login("officer").get(zip_url))))
    [entry] = zipped.namelist()
    assert zipped.read(entry) == bucket.read(minutes_book.file)
    assert login("outsider").get(zip_url).status_code == 404

    # Asked again with nothing changed, the job finds the file current in the bucket and keeps it.
    assert book.render_book(minutes_book.pk) is False
    assert local_files(settings) == []
    assert bucket.is_private()


# Autocommit, as in production: the refused save would leave a test's transaction unusable.
@pytest.mark.django_db(transaction=True)
def test_with_the_object_storage_down_a_download_answers_503_and_a_render_stays_pending(
    bucket, adopted, regular, login, settings
):
    generated = GeneratedPdf.objects.get(meeting=adopted.meeting, kind=GeneratedPdf.Kind.MINUTES)
    settings.STORAGES = {  # the same bucket, where nothing answers any more
        **settings.STORAGES,
        **object_storages(bucket=bucket.name, endpoint_url=f"http://127.0.0.1:{free_port()}", **KEYS),
    }
    client = login("member")
    client.raise_request_exception = False

    response = client.get(reverse("documents:pdf", args=[adopted.meeting.pk, "minutes"]))

    assert response.status_code == 503  # "temporarily unavailable, try again", not a server error
    secretary = login("secretary")
    secretary.raise_request_exception = False
    assert upload(secretary, regular, "Báo cáo.pdf", pdf()).status_code == 503
    assert not Document.objects.exists()
    # Asked again (a correction): the render cannot store its file, and Celery retries it with backoff.
    GeneratedPdf.objects.filter(pk=generated.pk).update(status=GeneratedPdf.Status.PENDING, source_hash="")
    with pytest.raises(INFRASTRUCTURE_ERRORS):
        pdf_module.render(generated.pk)
    generated.refresh_from_db()
    assert generated.status == GeneratedPdf.Status.PENDING  # still being prepared, not failed


@pytest.mark.django_db(transaction=True)
def test_a_backup_takes_the_bucket_and_a_restore_puts_it_back_as_it_was(
    bucket, world, settings, tmp_path, on_postgres
):
    if on_postgres:
        require_service(
            bool(shutil.which("pg_dump") and shutil.which("pg_restore")), "pg_dump and pg_restore"
        )
    settings.BACKUP_DIR = tmp_path / "backups"
    files = {
        "documents/2026/11/agenda.pdf": b"%PDF-1.4 the agenda as uploaded",
        "pdf/7/minutes.pdf": b"%PDF-1.4 the adopted minutes",
        "books/archives/3/2026.zip": b"PK the committee's books",
    }
    for key, data in files.items():
        bucket.write(key, data)

    out = StringIO()
    call_command("backup", stdout=out, stderr=StringIO())
    folder = Path(out.getvalue().strip())

    bucket.write("pdf/7/minutes.pdf", b"overwritten after the backup")
    bucket.delete("documents/2026/11/agenda.pdf")
    bucket.write("stray.pdf", b"added after the backup")
    Member.objects.filter(pk=world.member.pk).update(full_name="Tên đã bị sửa")

    call_command("restore", str(folder), "--noinput", stdout=StringIO())

    assert bucket.keys() == sorted(files)
    for key, data in files.items():
        assert bucket.read(key) == data, key
    assert Member.objects.get(pk=world.member.pk).full_name == "Nguyễn Hoàng Nam"
    assert local_files(settings) == []
