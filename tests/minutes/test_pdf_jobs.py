"""PDF jobs: enqueued once the transaction commits, shown as "being prepared" until ready, idempotent,
regenerated in place after a correction, downloaded only by those who see the cell."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from documents import minutes, pdf, tasks
from documents.models import GeneratedPdf

from ..conftest import require_service
from .conftest import NOTES, adopt_vote
from .pages import flat, pdf_text, text, vi


def status_url(meeting, kind="minutes"):
    return reverse("documents:pdf_status", args=[meeting.pk, kind])


def download_url(meeting, kind="minutes"):
    return reverse("documents:pdf", args=[meeting.pk, kind])


def file_of(meeting, kind=GeneratedPdf.Kind.MINUTES) -> Path:
    return Path(settings.MEDIA_ROOT) / GeneratedPdf.objects.get(meeting=meeting, kind=kind).file.name


@pytest.fixture
def sent(monkeypatch):
    """The ids render_pdf.delay() was called with (nothing runs)."""
    calls: list[int] = []
    monkeypatch.setattr(tasks.render_pdf, "delay", lambda pdf_id: calls.append(pdf_id))
    return calls


@pytest.fixture
def voted(closed, world):
    """Closed, the clerk's text saved and the cell's adoption vote passed: ready to adopt."""
    minutes.save_notes(meeting=closed.meeting, notes=NOTES, by=world.fellow.user)
    adopt_vote(closed.meeting, by=world.fellow.user)
    return closed


def test_adoption_enqueues_the_pdf_only_after_the_transaction_commits(
    voted, world, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        minutes.adopt(meeting=voted.meeting, by=world.fellow.user)
        assert sent == []

    generated = GeneratedPdf.objects.get(meeting=voted.meeting, kind=GeneratedPdf.Kind.MINUTES)
    assert sent == [generated.pk]


def test_a_request_in_a_transaction_that_fails_sends_nothing(
    adopted, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            minutes.request_pdf(meeting=adopted.meeting, kind=GeneratedPdf.Kind.RESOLUTION)
            raise RuntimeError("the request failed after the PDF was asked for")

    assert sent == []
    assert not GeneratedPdf.objects.filter(
        meeting=adopted.meeting, kind=GeneratedPdf.Kind.RESOLUTION
    ).exists()


def test_the_status_says_preparing_until_the_file_is_ready_then_offers_the_download(
    voted, world, login, django_capture_on_commit_callbacks
):
    client = login("fellow")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        minutes.adopt(meeting=voted.meeting, by=world.fellow.user)

    pending = client.get(status_url(voted.meeting))
    assert vi("preparing the PDF…") in text(pending)
    assert "hx-trigger" in pending.content.decode()  # it keeps polling
    assert vi("preparing the PDF…") in text(client.get(reverse("documents:minutes", args=[voted.meeting.pk])))

    for callback in callbacks:
        callback()

    ready = client.get(status_url(voted.meeting))
    assert vi("Download PDF") in text(ready)
    assert f'href="{download_url(voted.meeting)}"' in ready.content.decode()
    assert "hx-trigger" not in ready.content.decode()  # and stops


def test_a_failed_rendering_is_shown_as_failed(
    voted, world, login, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(kind, source, certificate=None):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf, "render_bytes", broken)
    with django_capture_on_commit_callbacks(execute=False):
        minutes.adopt(meeting=voted.meeting, by=world.fellow.user)
    generated = GeneratedPdf.objects.get(meeting=voted.meeting, kind=GeneratedPdf.Kind.MINUTES)

    with pytest.raises(RuntimeError):
        pdf.render(generated.pk)

    generated.refresh_from_db()
    assert generated.status == GeneratedPdf.Status.FAILED
    assert vi("The PDF could not be prepared.") in text(login("fellow").get(status_url(voted.meeting)))


def test_rendering_the_same_version_twice_stores_one_file(voted, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        minutes.adopt(meeting=voted.meeting, by=world.fellow.user)
    generated = GeneratedPdf.objects.get(meeting=voted.meeting, kind=GeneratedPdf.Kind.MINUTES)

    assert pdf.render(generated.pk) is True
    path = file_of(voted.meeting)
    written = path.stat().st_mtime_ns
    assert pdf.render(generated.pk) is False

    assert path.stat().st_mtime_ns == written
    assert [p.name for p in path.parent.iterdir()] == ["minutes.pdf"]


def test_a_correction_regenerates_the_pdf_at_the_same_path(adopted, correction):
    require_service(shutil.which("pdftotext") is not None, "poppler-utils pdftotext")
    before = file_of(adopted.meeting)
    assert NOTES["conclusion"] in flat(pdf_text(before))

    conclusion = "Chi bộ thống nhất hoàn thành nhiệm vụ quý IV."
    v2 = correction(adopted.meeting, reason="Ghi sót kết luận", conclusion=conclusion)

    after = file_of(adopted.meeting)
    assert after == before
    body = flat(pdf_text(after))
    assert conclusion in body
    assert NOTES["conclusion"] not in body
    assert vi("Version %(v)s · SHA-256 %(h)s", v=2, h=v2.sha256) in body
    assert [p.name for p in after.parent.iterdir()] == ["minutes.pdf"]


def test_the_download_returns_the_stored_pdf(adopted, login):
    response = login("member").get(download_url(adopted.meeting))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == file_of(adopted.meeting).read_bytes()


def test_an_outsider_cannot_download_the_pdf(adopted, login):
    assert login("outsider").get(download_url(adopted.meeting)).status_code == 404


def test_a_pdf_still_being_prepared_cannot_be_downloaded(
    voted, world, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        minutes.adopt(meeting=voted.meeting, by=world.fellow.user)

    assert login("fellow").get(download_url(voted.meeting)).status_code == 404


def test_the_task_runs_eagerly_through_delay(voted, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        minutes.adopt(meeting=voted.meeting, by=world.fellow.user)
    generated = GeneratedPdf.objects.get(meeting=voted.meeting, kind=GeneratedPdf.Kind.MINUTES)

    result = tasks.render_pdf.delay(generated.pk)

    assert result.get() is True
    generated.refresh_from_db()
    assert generated.status == GeneratedPdf.Status.READY
    assert file_of(voted.meeting).read_bytes().startswith(b"%PDF")
