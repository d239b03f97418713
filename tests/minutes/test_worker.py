"""A real Celery worker renders the minutes PDF from the committed rows (PostgreSQL and Redis only)."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from documents import minutes
from documents.models import GeneratedPdf

from ..conftest import require_service
from ..worker import Workers, new_prefix, own_queues, wait_for, worker_env
from .conftest import adopt_vote
from .pages import flat, pdf_text

WAIT_SECONDS = 90


@pytest.fixture
def worker_queue():
    """Queues of this test's own; the test process sends to them instead of running tasks eagerly."""
    with own_queues(new_prefix()) as prefix:
        yield prefix


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_renders_the_adopted_minutes(on_postgres, closed, world, worker_queue, tmp_path):
    require_service(on_postgres, "PostgreSQL")
    require_service(bool(os.environ.get("REDIS_URL")), "Redis")
    require_service(shutil.which("pdftotext") is not None, "poppler-utils pdftotext")
    workers = Workers(worker_env(worker_queue, tmp_path), tmp_path)
    worker = workers.start("worker")  # both queues, as `make run`'s worker
    try:
        adopt_vote(closed.meeting, by=world.fellow.user)
        minutes.adopt(meeting=closed.meeting, by=world.fellow.user)  # commits, then sends to the queue
        generated = GeneratedPdf.objects.get(meeting=closed.meeting, kind=GeneratedPdf.Kind.MINUTES)

        def rendered():
            generated.refresh_from_db()
            return generated.status != GeneratedPdf.Status.PENDING

        wait_for(rendered, "the worker to render the minutes", workers, timeout=WAIT_SECONDS, every=0.5)
        assert generated.status == GeneratedPdf.Status.READY, (
            f"status {generated.status} {generated.error}; worker output:\n{worker.output()[-4000:]}"
        )
        assert "documents.tasks.render_pdf" in worker.output()  # the worker did it, not this process
        body = flat(pdf_text(Path(settings.MEDIA_ROOT) / generated.file.name))
        assert "Số 01-BB/CB" in body
        for name in ("Phạm Quốc Hùng", "Võ Thị Ngọc Hân", "Nguyễn Hoàng Nam", "Dương Thị Mỹ Duyên"):
            assert name in body, name
    finally:
        workers.stop()
