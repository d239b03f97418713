"""A batch of books never delays a reminder (#22): twenty minutes books are asked for, then the hourly reminder
run is queued; a `now` worker and a `render` worker (real `celery worker` processes on the test database and
Redis, each on one of the two queues of settings.CELERY_TASK_ROUTES) take them. The reminders' emails are out
while most of the books are still being prepared: the order is read from what the database recorded (each
book's `rendered_at`, each email's `email_sent_at`), not from a clock in the test.

With one queue for both (the routes lost), the reminder waits behind the twenty books and this test fails.
"""

import datetime as dt
import os

import pytest
from django.utils import timezone

from documents.models import MinutesBook
from members.models import Organization
from notifications import tasks
from notifications.models import Notification

from ..conftest import require_service
from ..factories import make_org
from ..worker import Workers, new_prefix, own_queues, queues, wait_for, worker_env
from .conftest import many_cells

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BOOKS = 20
PATIENCE = {"timeout": 240, "every": 0.2}  # twenty books take minutes: wait longer, ask less often


def test_twenty_books_do_not_hold_up_a_reminder(on_postgres, tmp_path):
    require_service(on_postgres, "PostgreSQL")
    require_service(bool(os.environ.get("REDIS_URL")), "Redis")
    root = make_org("Đảng ủy Khối Thử nghiệm", Organization.Kind.BLOC)
    branch = make_org("Đảng bộ Thử nghiệm", Organization.Kind.GRASSROOTS, root)
    # Each cell's regular meeting is in three days and has no committee session: one reminder per secretary.
    meeting_at = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(14))
    )
    cells = many_cells(branch, BOOKS, meeting_at=meeting_at)

    prefix = new_prefix("queues")
    env = worker_env(
        prefix,
        tmp_path,
        SECRET_KEY="queue-test",
        EMAIL_URL=f"filemail:///{tmp_path / 'outbox'}",
    )
    workers = Workers(env, tmp_path)
    with own_queues(prefix):
        try:
            workers.start("now", queues(prefix, "now"))
            workers.start("render", queues(prefix, "render"))
            for worker in workers:  # both consume before anything is queued: neither gets a head start
                wait_for(
                    lambda w=worker: " ready." in w.output(), f"the {worker.name} worker", workers, **PATIENCE
                )

            year = timezone.localdate().year
            for cell in cells:  # as the secretary's button does: the render is queued at commit
                MinutesBook.request(cell=cell, year=year)
            tasks.run_reminders.delay()

            wait_for(
                lambda: MinutesBook.objects.filter(status=MinutesBook.Status.READY).count() == BOOKS,
                "every book",
                workers,
                **PATIENCE,
            )
            wait_for(
                lambda: (
                    Notification.objects.exists()
                    and not Notification.objects.exclude(email_status=Notification.Email.SENT).exists()
                ),
                "every reminder's email",
                workers,
                **PATIENCE,
            )
        finally:
            workers.stop()

    assert Notification.objects.filter(kind="committee_session").count() == BOOKS  # one per secretary
    last_email = max(Notification.objects.values_list("email_sent_at", flat=True))
    rendered = sorted(MinutesBook.objects.values_list("rendered_at", flat=True))
    done_before = sum(1 for when in rendered if when <= last_email)
    # Every reminder was out while more than half of the books were still being prepared.
    assert done_before < BOOKS // 2, f"{done_before} of {BOOKS} books were ready before the last reminder"

    now, render = (w.output() for w in workers)  # "Task <name>[<id>] received" for each task a worker took
    assert "run_reminders[" in now and "send_pending_emails[" in now and "render_book[" not in now
    assert render.count("render_book[") >= BOOKS and "run_reminders[" not in render
