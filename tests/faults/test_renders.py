"""Renders and reindexes through faults: a full disk midway keeps the previous file byte for byte and says
so; a database outage is ridden out by retries with backoff, and a longer one (or a killed worker, or a
broker that lost its queue) by the recovery jobs, with no one pressing anything."""

import datetime as dt
import errno
from pathlib import Path
from unittest import mock

import kombu.exceptions
import pytest
from django.conf import settings
from django.core.files.base import File
from django.urls import reverse

from archive import tasks as archive_tasks
from archive.models import SearchEntry
from documents import minutes, pdf, tasks
from documents.models import GeneratedPdf

from ..minutes.conftest import NOTES, correct
from ..minutes.pages import text, vi
from .conftest import database_down


def disk_full_midway(self, chunk_size=None):
    """The first half is written, then the disk is full (as `write` fails with ENOSPC)."""
    data = self.read() if hasattr(self, "read") else b""
    yield data[: len(data) // 2]
    raise OSError(errno.ENOSPC, "No space left on device")


def stored(generated: GeneratedPdf) -> Path:
    return Path(settings.MEDIA_ROOT) / generated.file.name


def test_a_render_that_fails_midway_keeps_the_previous_file_byte_for_byte(
    adopted,
    world,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    generated = GeneratedPdf.objects.get(meeting=adopted.meeting, kind=GeneratedPdf.Kind.MINUTES)
    before = stored(generated).read_bytes()
    with django_capture_on_commit_callbacks(execute=False):
        correct(
            adopted.meeting,
            notes={**NOTES, "conclusion": "Chi bộ thống nhất hoàn thành nhiệm vụ quý IV."},
            reason="Ghi sót kết luận",
            by=world.fellow.user,
        )
    monkeypatch.setattr(File, "chunks", disk_full_midway)

    with pytest.raises(OSError):
        pdf.render(generated.pk)

    assert stored(generated).read_bytes() == before
    assert [p.name for p in stored(generated).parent.iterdir()] == [
        "minutes.pdf"
    ]  # no half-written file left
    generated.refresh_from_db()
    assert generated.status == GeneratedPdf.Status.FAILED


def test_a_failed_render_says_so_in_vietnamese_with_a_try_again_button(
    pending, login, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(File, "chunks", disk_full_midway)
    with pytest.raises(OSError):
        pdf.render(pending.pk)
    monkeypatch.undo()

    client = login("secretary")
    status = client.get(reverse("documents:pdf_status", args=[pending.meeting_id, "minutes"]))
    assert vi("The PDF could not be prepared.") in text(status)
    assert vi("The file prepared before, if any, is unchanged.") in text(status)
    assert vi("Try again") in text(status)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:pdf_request", args=[pending.meeting_id, "minutes"]))
    pending.refresh_from_db()
    assert pending.status == GeneratedPdf.Status.READY


def test_a_render_during_a_database_outage_ends_rendered_after_it(pending):
    with database_down(queries=3) as outage:  # three tries find the database down, the fourth does not
        tasks.render_pdf.delay(pending.pk)

    assert outage.refused == 3
    pending.refresh_from_db()
    assert pending.status == GeneratedPdf.Status.READY
    assert stored(pending).read_bytes()[:5] == b"%PDF-"


def test_a_reindex_during_a_database_outage_ends_indexed_after_it(closed):
    assert not SearchEntry.objects.filter(meeting=closed.meeting).exists()  # on-commit jobs do not run here

    with database_down(queries=2) as outage:
        archive_tasks.reindex_meetings.delay([closed.meeting.pk])

    assert outage.refused == 2
    indexed = SearchEntry.objects.filter(meeting=closed.meeting, kind=SearchEntry.Kind.COMMENT)
    assert indexed.count() == closed.meeting.comments.count() > 0


@pytest.mark.django_db(transaction=True)  # autocommit, as in a worker: each job's queries stand alone
def test_an_outage_longer_than_every_retry_is_made_up_by_the_recovery_jobs(
    voted,
    world,
    clock,
):
    clock.set(clock.current + dt.timedelta(minutes=1))
    with (  # the broker lost both messages
        mock.patch.object(tasks.render_pdf, "delay"),
        mock.patch.object(archive_tasks.reindex_meetings, "delay"),
    ):
        minutes.adopt(meeting=voted.meeting, by=world.fellow.user)
    generated = GeneratedPdf.objects.get(meeting=voted.meeting, kind=GeneratedPdf.Kind.MINUTES)
    adopted_entries = SearchEntry.objects.filter(meeting=voted.meeting, kind=SearchEntry.Kind.MINUTES)

    with database_down():  # down for every try: the job cannot even record that it failed
        tasks.render_pdf.delay(generated.pk)
        archive_tasks.reindex_meetings.delay([voted.meeting.pk])
    generated.refresh_from_db()
    assert generated.status == GeneratedPdf.Status.PENDING
    assert not adopted_entries.exists()

    clock.set(clock.current + dt.timedelta(minutes=tasks.PDF_STALE_MINUTES + 1))
    tasks.recover_renders()
    archive_tasks.recover()

    generated.refresh_from_db()
    assert generated.status == GeneratedPdf.Status.READY
    assert adopted_entries.exists()


def test_a_killed_workers_render_is_done_again_within_minutes(pending, clock):
    with mock.patch.object(tasks.render_pdf, "delay") as sent:
        clock.set(clock.current + dt.timedelta(minutes=2))
        assert tasks.recover_renders() == 0  # a render two minutes old may still be running
        clock.set(clock.current + dt.timedelta(minutes=tasks.PDF_STALE_MINUTES))
        assert tasks.recover_renders() == 1
        assert tasks.recover_renders() == 0  # queued once, not at every run

    sent.assert_called_once_with(pending.pk)
    tasks.render_pdf.delay(pending.pk)  # what the queued message does
    pending.refresh_from_db()
    assert pending.status == GeneratedPdf.Status.READY


def test_asking_for_a_pdf_with_the_broker_down_succeeds_and_the_pdf_follows(
    adopted, login, clock, django_capture_on_commit_callbacks
):
    def refused(pk):
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    client = login("secretary")
    url = reverse("documents:pdf_request", args=[adopted.meeting.pk, "resolution"])
    with (
        mock.patch.object(tasks.render_pdf, "delay", refused),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url)

    assert response.status_code == 302  # not an error page for a request that was saved
    generated = GeneratedPdf.objects.get(meeting=adopted.meeting, kind=GeneratedPdf.Kind.RESOLUTION)
    assert generated.status == GeneratedPdf.Status.PENDING

    clock.set(clock.current + dt.timedelta(minutes=tasks.PDF_STALE_MINUTES + 1))
    tasks.recover_renders()
    generated.refresh_from_db()
    assert generated.status == GeneratedPdf.Status.READY
