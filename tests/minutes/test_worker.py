"""A real Celery worker renders the minutes PDF from the committed rows (PostgreSQL and Redis only)."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from documents import minutes
from documents.models import GeneratedPdf

from ..conftest import require_service
from ..worker import new_prefix, own_queues, queues, worker_command, worker_database_url
from .conftest import adopt_vote
from .pages import flat, pdf_text

WAIT_SECONDS = 90


@pytest.fixture
def worker_queue():
    """Queues of this test's own; the test process sends to them instead of running tasks eagerly."""
    with own_queues(new_prefix()) as prefix:
        yield prefix


def start_worker(prefix: str, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_QUEUE_PREFIX": prefix,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "worker-test-secret",
        "DEBUG": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    return subprocess.Popen(
        worker_command(queues(prefix)),  # both queues, as `make run`'s worker
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_renders_the_adopted_minutes(on_postgres, closed, world, worker_queue, tmp_path):
    require_service(on_postgres, "PostgreSQL")
    require_service(bool(os.environ.get("REDIS_URL")), "Redis")
    require_service(shutil.which("pdftotext") is not None, "poppler-utils pdftotext")
    log = tmp_path / "worker.log"
    output = log.open("w")
    worker = start_worker(worker_queue, output)
    try:
        adopt_vote(closed.meeting, by=world.fellow.user)
        minutes.adopt(meeting=closed.meeting, by=world.fellow.user)  # commits, then sends to the queue
        generated = GeneratedPdf.objects.get(meeting=closed.meeting, kind=GeneratedPdf.Kind.MINUTES)
        deadline = time.monotonic() + WAIT_SECONDS
        while generated.status == GeneratedPdf.Status.PENDING and time.monotonic() < deadline:
            assert worker.poll() is None, f"the worker stopped:\n{log.read_text()[-4000:]}"
            time.sleep(0.5)
            generated.refresh_from_db()

        assert generated.status == GeneratedPdf.Status.READY, (
            f"status {generated.status} {generated.error}; worker output:\n{log.read_text()[-4000:]}"
        )
        assert "documents.tasks.render_pdf" in log.read_text()  # the worker did it, not this process
        body = flat(pdf_text(Path(settings.MEDIA_ROOT) / generated.file.name))
        assert "Số 01-BB/CB" in body
        for name in ("Phạm Quốc Hùng", "Võ Thị Ngọc Hân", "Nguyễn Hoàng Nam", "Dương Thị Mỹ Duyên"):
            assert name in body, name
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        output.close()
