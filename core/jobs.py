"""What a background job does when it fails, shared by every job that renders a file or writes an index.

Two kinds of failure:
- the infrastructure (the database, Redis or the object store unreachable, a connection cut, the object
  store throttling, a full disk): Celery tries again with backoff and jitter (`RETRY`) while the job stays
  "being prepared"; the last failure marks it failed;
- anything else (a bug, a bad template): the job is marked failed at once, with the reason kept for the
  operator; the page shows a Vietnamese message and a "try again" button.
A job whose worker was killed, or whose message the broker lost (Redis restarted without persistence), is
still "being prepared" in the database: `stale` finds it and the recovery jobs queue it again.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import contextmanager

import kombu.exceptions
import redis.exceptions
from django.apps import apps
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from .storage import STORAGE_OUTAGES
from .tasks import Task

log = logging.getLogger(__name__)

# "A service is unreachable now", not "the code is wrong".
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
    ConnectionError,
    TimeoutError,
    # The object storage (S3 API, chibo/storages.py) unreachable, cut off mid-answer, throttling or failing.
    *STORAGE_OUTAGES,
)

# Retries for a render or a reindex: 5 s, 10 s, 20 s... capped at 5 minutes, each drawn at random below
# (jitter, so jobs failed together do not return together): ten tries cover about 25 minutes of outage.
# A longer outage leaves the job pending, and the recovery jobs queue it again.
RETRY = {
    "autoretry_for": (*INFRASTRUCTURE_ERRORS, OSError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 10,
}


def mark_failed(model, pk: int, error: BaseException) -> None:
    """Records the failure; with the database down too, the job stays pending and is queued again later."""
    reason = f"{type(error).__name__}: {error}"[:500]
    try:
        model.objects.filter(pk=pk, status="pending").update(status="failed", error=reason)
    except INFRASTRUCTURE_ERRORS:
        log.warning("could not mark %s %s failed (database unavailable)", model.__name__, pk)


@contextmanager
def failure_recorded(model, pk: int):
    """Around everything a job does after reading its row: rendering, writing the file, storing the result."""
    try:
        yield
    except INFRASTRUCTURE_ERRORS:
        raise  # retried; RecordedTask.on_failure records the last failure
    except Exception as error:
        mark_failed(model, pk, error)
        raise


class RecordedTask(Task):
    """A task whose first argument is the id of a row with a status (`recorded_model`, "app.Model"):
    when Celery gives up on it (retries exhausted, or an error it does not retry), the row says failed."""

    recorded_model = ""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        if self.recorded_model and args:
            mark_failed(apps.get_model(self.recorded_model), args[0], exc)
        super().on_failure(exc, task_id, args, kwargs, einfo)


def stale(queryset, minutes: int):
    """The rows still "being prepared" this long after they were asked for (a lost message, a killed worker)."""
    return queryset.filter(status="pending", requested_at__lt=timezone.now() - dt.timedelta(minutes=minutes))


def requeue(queryset, minutes: int, send) -> int:
    """Queues each stale row again, once: claiming it moves its request time, so a second recovery run (or a
    second beat) within the window finds nothing."""
    count = 0
    for pk, requested_at in stale(queryset, minutes).values_list("pk", "requested_at"):
        if queryset.filter(pk=pk, requested_at=requested_at).update(requested_at=timezone.now()):
            log.warning(
                "%s %s still pending after %d minutes: queued again", queryset.model.__name__, pk, minutes
            )
            send(pk)
            count += 1
    return count
