"""A real worker killed (SIGKILL) while it renders the minutes PDF: the message stays unacknowledged in Redis
until the visibility timeout (over an hour), but the recovery job queues the render again once it has been
pending five minutes, and another worker does it. PostgreSQL and Redis only (REDIS_URL; the test's own queue)."""

import datetime as dt
import os
import signal
import time

import pytest
from django.utils import timezone

from documents import minutes, tasks
from documents.models import GeneratedPdf

from ..conftest import require_service
from ..minutes.test_worker import start_worker, worker_queue  # noqa: F401  (fixture, used by name)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 90


def wait_for(condition, what: str, log) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"{what}; worker output:\n{log.read_text()[-3000:]}"
        time.sleep(0.05)


def test_a_render_whose_worker_was_killed_is_done_again_within_minutes(
    on_postgres,
    voted,
    world,
    worker_queue,  # noqa: F811
    tmp_path,
):
    require_service(on_postgres, "PostgreSQL")
    require_service(bool(os.environ.get("REDIS_URL")), "Redis")
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    with first_log.open("w") as out:
        first = start_worker(worker_queue, out)
    try:
        minutes.adopt(meeting=voted.meeting, by=world.fellow.user)  # commits, then sends to the queue
        wait_for(
            lambda: "documents.tasks.render_pdf" in first_log.read_text(),
            "the render never started",
            first_log,
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    generated = GeneratedPdf.objects.get(meeting=voted.meeting, kind=GeneratedPdf.Kind.MINUTES)
    if generated.status != GeneratedPdf.Status.PENDING:
        pytest.skip("the render finished before the kill landed")

    # Five minutes later (the clock of the row, not of the test): the recovery job queues it again.
    GeneratedPdf.objects.filter(pk=generated.pk).update(requested_at=timezone.now() - dt.timedelta(minutes=6))
    with second_log.open("w") as out:
        second = start_worker(worker_queue, out)
    try:
        assert tasks.recover_renders() == 1
        wait_for(
            lambda: GeneratedPdf.objects.get(pk=generated.pk).status == GeneratedPdf.Status.READY,
            "the render was not done again",
            second_log,
        )
    finally:
        second.terminate()
        try:
            second.wait(20)
        except Exception:
            second.kill()
    assert "documents.tasks.render_pdf" in second_log.read_text()
