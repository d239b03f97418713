"""A real worker killed (SIGKILL) while it renders the minutes PDF: the message stays unacknowledged in Redis
until the visibility timeout (over an hour), but the recovery job queues the render again once it has been
pending five minutes, and another worker does it. PostgreSQL and Redis only (REDIS_URL; the test's own queue)."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from documents import minutes, tasks
from documents.models import GeneratedPdf

from ..conftest import require_service
from ..minutes.test_worker import worker_queue  # noqa: F401  (fixture, used by name)
from ..worker import Workers, wait_for, worker_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 90


def test_a_render_whose_worker_was_killed_is_done_again_within_minutes(
    on_postgres,
    voted,
    world,
    worker_queue,  # noqa: F811
    tmp_path,
):
    require_service(on_postgres, "PostgreSQL")
    require_service(bool(os.environ.get("REDIS_URL")), "Redis")
    workers = Workers(worker_env(worker_queue, tmp_path), tmp_path)
    waiting = {"timeout": WAIT_SECONDS, "every": 0.05}
    try:
        first = workers.start("first")
        minutes.adopt(meeting=voted.meeting, by=world.fellow.user)  # commits, then sends to the queue
        wait_for(
            lambda: "documents.tasks.render_pdf" in first.output(), "the render to start", workers, **waiting
        )
        first.kill()
        generated = GeneratedPdf.objects.get(meeting=voted.meeting, kind=GeneratedPdf.Kind.MINUTES)
        if generated.status != GeneratedPdf.Status.PENDING:
            pytest.skip("the render finished before the kill landed")

        # Five minutes later (the clock of the row, not of the test): the recovery job queues it again.
        GeneratedPdf.objects.filter(pk=generated.pk).update(
            requested_at=timezone.now() - dt.timedelta(minutes=6)
        )
        second = workers.start("second")
        assert tasks.recover_renders() == 1
        wait_for(
            lambda: GeneratedPdf.objects.get(pk=generated.pk).status == GeneratedPdf.Status.READY,
            "the render to be done again",
            workers,
            **waiting,
        )
    finally:
        workers.stop()
    assert "documents.tasks.render_pdf" in second.output()
