"""Kill the worker (SIGKILL, no goodbye) in the middle of the reminder run, then again while it sends the emails:
Redis hands the unacknowledged task to the next worker, and every member of every committee is told once and
receives one email.

Needs PostgreSQL and Redis (a real worker process reads the test database and the broker). The reminder run
writes its notifications in one transaction, so a worker killed during the run leaves none of them (never a
part); the emails are sent one by one, so a worker killed while sending leaves some sent and the rest pending,
and the email it was sending at that instant stays claimed until the claim's lease (15 minutes) runs out.
"""

import datetime as dt
import email
import os
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.db.models import F
from django.utils import timezone

from core.months import quarter_start
from meetings.models import Meeting
from members.models import Organization
from notifications import notify, tasks
from notifications.models import Notification

from ..conftest import require_service
from ..factories import make_org
from ..worker import Workers, new_prefix, own_queues, wait_for, worker_env
from .conftest import many_cells

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CELLS = 320
SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def emails_written(folder: Path) -> Counter:
    """X-Chibo-Key of every email the file backend wrote (a file may hold several, one after another)."""
    keys = Counter()
    for path in folder.glob("*.log"):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                keys["".join(email.message_from_bytes(chunk)["X-Chibo-Key"].split())] += 1
    return keys


def wait_for_soft(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def build_cells(meeting_day: dt.date) -> list[int]:
    """CELLS cells, each with a secretary with a login and a regular meeting in 3 days with no committee
    session; each has held its thematic meeting this quarter, so the committee session is all that is due."""
    root = make_org("Đảng ủy Khối Thử nghiệm", Organization.Kind.BLOC)
    branch = make_org("Đảng bộ Thử nghiệm", Organization.Kind.GRASSROOTS, root)
    meeting_at = timezone.make_aware(dt.datetime.combine(meeting_day, dt.time(14, 0)))
    cells = many_cells(branch, CELLS, meeting_at=meeting_at)
    quarter = quarter_start(timezone.localdate())  # the quarter the reminders check: today's
    Meeting.objects.bulk_create(
        Meeting(
            cell=c,
            kind=Meeting.Kind.THEMATIC,
            topic="Chuyên đề quý",
            period=quarter,
            scheduled_at=timezone.make_aware(dt.datetime.combine(quarter, dt.time(8, 0))),
            status=Meeting.Status.ADOPTED,
        )
        for c in cells
    )
    return sorted(Meeting.objects.filter(kind=Meeting.Kind.REGULAR).values_list("pk", flat=True))


def test_a_worker_killed_mid_run_and_mid_sending_tells_everyone_exactly_once(on_postgres, tmp_path):
    require_service(on_postgres, "PostgreSQL")
    require_service(bool(os.environ.get("REDIS_URL")), "Redis")
    meeting_ids = build_cells(timezone.localdate() + dt.timedelta(days=3))
    expected = sorted(
        Meeting.objects.filter(pk__in=meeting_ids).values_list("pk", "cell__members__user_id")
    )  # (meeting, its secretary): one committee-session reminder each
    assert len(expected) == CELLS

    prefix = new_prefix("kill")
    outbox = tmp_path / "outbox"
    env = worker_env(
        prefix,
        tmp_path,
        CELERY_VISIBILITY_TIMEOUT="5",
        SECRET_KEY="worker-kill-test",
        EMAIL_URL=f"filemail:///{outbox}",  # Django's file backend: one file per connection, under outbox/
    )
    sending = ExitStack()
    sending.enter_context(own_queues(prefix))  # the test sends to the workers' queues; removed at the end
    workers = Workers(env, tmp_path)

    def status_counts():
        return Counter(Notification.objects.values_list("email_status", flat=True))

    try:
        # 1. The first worker is killed while it runs the reminders.
        first = workers.start("first")
        task_id = tasks.run_reminders.apply_async().id
        received = f"run_reminders[{task_id}] received"
        wait_for(lambda: received in first.output(), "the first worker to take the reminder run", workers)
        first.kill()
        delivered = time.monotonic()
        after_kill = Notification.objects.count()
        assert after_kill in (0, CELLS), f"a part of the run was committed ({after_kill})\n{first.output()}"

        # 2. Once the visibility timeout has passed, the next worker gets the same task again, completes the
        # run, and starts sending; it is killed in the middle of the emails.
        time.sleep(max(0.0, delivered + 6 - time.monotonic()))
        second = workers.start("second")
        wait_for(
            lambda: received in second.output(), "Redis to deliver the unacknowledged run again", workers
        )
        wait_for(lambda: Notification.objects.count() == CELLS, "the redelivered run", workers)
        if not wait_for_soft(lambda: status_counts()[Notification.Email.SENT] > 0, 10):
            # The first worker died between its commit and queueing the emails: the beat's tick sends them.
            tasks.send_pending_emails.apply_async()
        wait_for(
            lambda: 20 <= status_counts()[Notification.Email.SENT] < CELLS - 20,
            "the second worker to be part-way through the emails",
            workers,
            every=0.005,
        )
        second.kill()
        sending_since = time.monotonic()
        counts = status_counts()
        in_flight = set(
            Notification.objects.filter(email_status=Notification.Email.SENDING).values_list("key", flat=True)
        )
        written = emails_written(outbox)
        assert 0 < counts[Notification.Email.SENT] < CELLS, counts
        assert len(in_flight) <= 1, in_flight  # one worker, one email at a time
        assert counts[Notification.Email.SENT] <= sum(written.values()) <= counts[Notification.Email.SENT] + 1

        # 3. A claim left by the dead worker is taken back once its lease has run out; here the lease is
        # made to run out at once rather than in 15 minutes. A third worker finishes the sending: the
        # second's unacknowledged task is delivered again, and the beat's next tick is sent as well.
        Notification.objects.filter(email_status=Notification.Email.SENDING).update(
            email_claimed_at=F("email_claimed_at") - notify.SENDING_LEASE - dt.timedelta(seconds=1)
        )
        time.sleep(max(0.0, sending_since + 6 - time.monotonic()))
        workers.start("third")
        tasks.send_pending_emails.apply_async()
        wait_for(
            lambda: status_counts()[Notification.Email.SENT] == CELLS,
            "every email to be sent",
            workers,
            every=0.1,
        )
        tasks.run_reminders.apply_async()  # the next hourly run: nothing new
        time.sleep(3)
    finally:
        workers.stop()
        sending.close()

    logs = workers.logs()
    told = sorted(Notification.objects.values_list("meeting_id", "recipient_id"))
    assert told == expected, logs
    assert set(Notification.objects.values_list("kind", "email_status")) == {("committee_session", "sent")}, (
        logs
    )
    sent = emails_written(outbox)
    assert set(sent) == set(Notification.objects.values_list("key", flat=True)), logs
    # Exactly once, but for one case no mail system can rule out: the email the worker had already handed
    # over when it died, before it could record that.
    unavoidable = {key for key in in_flight if written[key]}
    assert {key for key, n in sent.items() if n > 1} <= unavoidable, logs
    assert max(sent.values()) <= 2, logs
