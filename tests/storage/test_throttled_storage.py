"""The object store throttling or failing on its side (#22): S3's SlowDown (503), a 500, a 429, answered
after botocore's own retries. It is an outage, not a crash: a download answers the file store's Vietnamese
503 page with Retry-After, an upload is refused the same way and nothing is kept, and a render is retried by
Celery with backoff until its file is stored. A refusal that is not an outage (403: wrong keys) stays a
server error, and a missing file a 404.

The store's answers are put in front of moto's server (tests/storage/conftest.py) through botocore's own
`before-send` event on the app's S3 clients, so botocore's retries, its parsing of the error and the app's
handling of it are the real ones."""

import logging
from contextlib import contextmanager
from unittest import mock

import botocore.retries.standard
import pytest
from botocore.awsrequest import AWSResponse
from django.core.files.storage import storages
from django.urls import reverse

from documents import book, tasks
from documents import pdf as pdf_module
from documents.models import GeneratedPdf, MinutesBook
from meetings.models import Document
from meetings.services import publish_meeting

from ..meetings.files import pdf, upload

YEAR = 2026
STORAGE_PAGE = "Kho tệp tạm thời gián đoạn"


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def stream(self, **kwargs):
        yield self.data


class Store:
    """Answers `status`/`code` in place of the bucket to the operations named (all: None), `times` times
    (None: every time); the rest goes through to the bucket."""

    def __init__(self, status: int, code: str, *, operations=None, times: int | None = None):
        self.status, self.code, self.operations, self.left = status, code, operations, times
        self.answered: list[str] = []

    def __call__(self, request, event_name, **kwargs):
        operation = event_name.rsplit(".", 1)[1]
        if (self.operations and operation not in self.operations) or self.left == 0:
            return None
        if self.left is not None:
            self.left -= 1
        self.answered.append(operation)
        body = f"<Error><Code>{self.code}</Code><Message>not now</Message></Error>".encode()
        return AWSResponse(request.url, self.status, {"Content-Type": "application/xml"}, _Body(body))


@contextmanager
def store_answering(store: Store):
    """On the S3 clients of both storages in this thread (the test client's requests and eager tasks)."""
    clients = [storages[alias].connection.meta.client for alias in ("default", "generated")]
    for client in clients:
        client.meta.events.register("before-send.s3", store, unique_id="tests.store_answering")
    try:
        yield store
    finally:
        for client in clients:
            client.meta.events.unregister("before-send.s3", store, unique_id="tests.store_answering")


@pytest.fixture(autouse=True)
def no_backoff_waits(monkeypatch):
    """botocore waits up to seconds between its tries to a throttling store; the tests need not."""
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)


def refused(client, url):
    client.raise_request_exception = False
    return client.get(url)


def test_downloads_while_the_store_slows_down_answer_the_file_stores_page_in_vietnamese(
    bucket, adopted, regular, world, login, caplog, django_capture_on_commit_callbacks
):
    member = login("secretary")
    assert upload(member, regular, "Báo cáo.pdf", pdf()).status_code == 302
    publish_meeting(meeting=regular, by=world.secretary.user)
    with django_capture_on_commit_callbacks(execute=True):
        book.request_book(cell=world.cell, year=YEAR, by=world.secretary.user)
    assert MinutesBook.objects.get(cell=world.cell, year=YEAR).status == MinutesBook.Status.READY
    urls = [
        reverse("documents:pdf", args=[adopted.meeting.pk, "minutes"]),
        reverse("archive:book_download", args=[world.cell.pk, YEAR]),
        reverse("meetings:document", args=[Document.objects.get().pk]),
    ]

    caplog.clear()
    with caplog.at_level(logging.INFO), store_answering(Store(503, "SlowDown")) as store:
        answers = [refused(member, url) for url in urls]

    for url, answer in zip(urls, answers, strict=True):
        assert answer.status_code == 503, url
        assert answer["Retry-After"] == "30", url
        page = answer.content.decode()
        assert STORAGE_PAGE in page and "Các tệp đã lưu trước đó vẫn còn nguyên" in page, url
    assert len(store.answered) >= 3 * len(urls)  # botocore tried each three times before giving up
    outage = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert outage == [f"503 GET {url}: StorageUnavailable" for url in urls]  # one line each, no traceback
    # The store answers again: the same links work.
    assert b"".join(member.get(urls[0]).streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("status", "code", "answered"),
    [
        (500, "InternalError", 503),
        (503, "ServiceUnavailable", 503),
        (429, "TooManyRequests", 503),
        (403, "AccessDenied", 500),  # wrong keys or policy: the operator's to fix, not an outage
    ],
)
def test_what_the_store_answers_decides_between_an_outage_and_a_server_error(
    bucket, regular, world, login, status, code, answered
):
    member = login("secretary")
    assert upload(member, regular, "Báo cáo.pdf", pdf()).status_code == 302
    url = reverse("meetings:document", args=[Document.objects.get().pk])

    with store_answering(Store(status, code)):
        answer = refused(member, url)

    assert answer.status_code == answered
    assert (STORAGE_PAGE in answer.content.decode()) == (answered == 503)


def test_a_file_missing_from_the_bucket_is_still_a_404(bucket, regular, login):
    member = login("secretary")
    assert upload(member, regular, "Báo cáo.pdf", pdf()).status_code == 302
    document = Document.objects.get()
    bucket.delete(document.file.name)

    assert refused(member, reverse("meetings:document", args=[document.pk])).status_code == 404


# Autocommit, as in production: the refused save would leave a test's transaction unusable.
@pytest.mark.django_db(transaction=True)
def test_an_upload_while_the_store_slows_down_is_refused_and_nothing_is_kept(bucket, regular, login):
    secretary = login("secretary")
    secretary.raise_request_exception = False

    with store_answering(Store(503, "SlowDown", operations={"PutObject", "CreateMultipartUpload"})):
        answer = upload(secretary, regular, "Báo cáo.pdf", pdf())

    assert answer.status_code == 503
    page = answer.content.decode()
    assert STORAGE_PAGE in page and "tệp đó chưa được lưu" in page
    assert not Document.objects.exists()
    assert bucket.keys() == []


def test_a_render_while_the_store_slows_down_is_retried_and_its_file_stored(bucket, adopted):
    generated = GeneratedPdf.objects.get(meeting=adopted.meeting, kind=GeneratedPdf.Kind.MINUTES)
    bucket.delete(generated.file.name)
    GeneratedPdf.objects.filter(pk=generated.pk).update(status=GeneratedPdf.Status.PENDING, source_hash="")
    # Four refusals: the first run's three tries of botocore, and the first of the second run.
    store = Store(503, "SlowDown", operations={"PutObject"}, times=4)

    with store_answering(store), mock.patch.object(pdf_module, "render", wraps=pdf_module.render) as runs:
        tasks.render_pdf.delay(generated.pk)

    assert store.answered == ["PutObject"] * 4
    assert runs.call_count == 2  # Celery retried the task once; it was never marked failed
    generated.refresh_from_db()
    assert generated.status == GeneratedPdf.Status.READY, generated.error
    assert bucket.read(generated.file.name).startswith(b"%PDF")
