"""The record checked every night (audit/nightly.py, beat's "check-records"): a record changed behind the
app's back is known the next morning, in the log, the admin and /metrics, without anyone running the
command."""

import datetime as dt
import logging

from django.conf import settings
from django.test import Client
from django.utils import timezone

from audit import nightly
from audit.models import RecordCheck
from audit.tasks import check_records
from meetings.models import Meeting

TOKEN = "scrape-token-for-tests"


def scrape(client_settings) -> str:
    client_settings.METRICS, client_settings.METRICS_TOKEN = True, TOKEN
    return Client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).content.decode()


def test_a_clean_night_keeps_a_run_with_nothing_found(adopted, caplog):
    with caplog.at_level(logging.INFO, logger="audit.nightly"):
        assert check_records() == 0

    run = RecordCheck.objects.get()
    assert run.total == 0 and run.problems == []
    assert set(run.counts) >= {"adopted_incomplete", "minutes_not_as_voted"}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_record_edited_behind_the_apps_back_is_logged_kept_and_shown_in_the_metrics(
    adopted, caplog, settings
):
    Meeting.objects.filter(pk=adopted.meeting.pk).update(
        chair=None, clerk=None
    )  # a hand edit of the database

    with caplog.at_level(logging.INFO, logger="audit.nightly"):
        assert check_records() == 1

    run = RecordCheck.objects.get()
    assert run.counts["adopted_incomplete"] == 1
    [problem] = run.problems
    assert (problem["check"], problem["model"], problem["pk"]) == (
        "adopted_incomplete",
        "meeting",
        adopted.meeting.pk,
    )
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "adopted_incomplete" in logged.getMessage() and "Chi bộ A1" in logged.getMessage()
    figures = scrape(settings)
    assert 'chibo_record_problems{check="adopted_incomplete"} 1.0' in figures
    assert 'chibo_record_problems{check="minutes_not_as_voted"} 0.0' in figures
    assert "chibo_record_checked_timestamp_seconds " in figures


def test_runs_older_than_ninety_days_are_deleted(adopted):
    now = timezone.now()
    old = RecordCheck.objects.create(ran_at=now - dt.timedelta(days=nightly.KEPT_DAYS, minutes=1))
    recent = RecordCheck.objects.create(ran_at=now - dt.timedelta(days=nightly.KEPT_DAYS - 1))

    nightly.run()

    assert not RecordCheck.objects.filter(pk=old.pk).exists()
    assert RecordCheck.objects.filter(pk=recent.pk).exists()
    assert RecordCheck.objects.count() == 2


def test_beat_runs_the_check_every_night_on_the_queue_of_long_jobs():
    entry = settings.CELERY_BEAT_SCHEDULE["check-records"]
    assert entry["task"] == check_records.name
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {30}
    assert settings.CELERY_TASK_ROUTES[check_records.name] == {"queue": settings.CELERY_QUEUE_RENDER}
