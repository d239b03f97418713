"""Prometheus metrics (#22): `GET /metrics` with `Authorization: Bearer <METRICS_TOKEN>`.

What a scrape shows, and where it comes from:
- request latency per view and method: django-prometheus's middlewares (`METRICS=true` puts them around
  the project's own; `django_http_requests_latency_seconds_by_view_method`);
- task durations: a histogram observed in the worker around every task (`chibo_task_duration_seconds`,
  Celery's `task_prerun` / `task_postrun` signals, connected in chibo/celery.py);
- queue depth, notifications sent, files rendered: read from the broker and the database when scraped
  (`RecordCollector`), so every web node answers the same and nothing is lost when a process restarts.

Several processes (gunicorn's workers, the Celery workers of one machine or of one compose project with a
shared volume) add up through prometheus_client's multiprocess mode: `PROMETHEUS_MULTIPROC_DIR` names the
shared folder, as prometheus_client requires. The endpoint is a 404 to anyone without the token, and to
everyone when no token is set: the figures say how busy each committee's cells are.
"""

import hmac
import time

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

TASK_DURATION = Histogram(
    "chibo_task_duration_seconds",
    "Time a Celery task took in the worker, by task and outcome.",
    ["task", "state"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
_started: dict[str, float] = {}


def task_started(task_id=None, **kwargs):
    if settings.METRICS:
        _started[task_id] = time.monotonic()


def task_finished(task_id=None, task=None, state=None, **kwargs):
    began = _started.pop(task_id, None)
    if began is not None and task is not None:
        TASK_DURATION.labels(task=task.name, state=state or "UNKNOWN").observe(time.monotonic() - began)


def connect_worker_signals() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(task_started, weak=False, dispatch_uid="chibo.metrics.task_started")
    task_postrun.connect(task_finished, weak=False, dispatch_uid="chibo.metrics.task_finished")


def queue_depths() -> dict[str, int]:
    """Messages waiting in each queue the tasks are routed to, where the broker is Redis (a list per queue,
    kombu's layout); nothing for `make run`'s file-system broker."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return {}
    import redis

    names = {settings.CELERY_TASK_DEFAULT_QUEUE}
    names |= {route["queue"] for route in (getattr(settings, "CELERY_TASK_ROUTES", None) or {}).values()}
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        with client.pipeline(transaction=False) as pipe:
            for name in sorted(names):
                pipe.llen(name)
            return dict(zip(sorted(names), pipe.execute(), strict=True))
    except redis.RedisError:
        return {}
    finally:
        client.close()


class RecordCollector:
    """What the record says at scrape time."""

    def collect(self):
        from documents.models import BookArchive, GeneratedPdf, MinutesBook
        from notifications.models import Notification

        queues = GaugeMetricFamily(
            "chibo_queue_depth", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        for name, depth in queue_depths().items():
            queues.add_metric([name], depth)
        yield queues

        sent = GaugeMetricFamily(
            "chibo_notifications",
            "Notifications by channel and state (in the app: every one).",
            labels=["channel", "state"],
        )
        sent.add_metric(["app", "created"], Notification.objects.count())
        for row in Notification.objects.values("email_status").annotate(n=Count("pk")).order_by():
            sent.add_metric(["email", row["email_status"]], row["n"])
        yield sent

        files = GaugeMetricFamily(
            "chibo_rendered_files", "Rendered files by kind and state.", labels=["kind", "state"]
        )
        for label, model in (("pdf", GeneratedPdf), ("book", MinutesBook), ("archive", BookArchive)):
            for row in model.objects.values("status").annotate(n=Count("pk")).order_by():
                files.add_metric([label, row["status"]], row["n"])
        yield files


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


@require_GET
def metrics(request):
    if not _allowed(request):
        raise Http404
    record = CollectorRegistry()
    record.register(RecordCollector())
    if settings.PROMETHEUS_MULTIPROC_DIR:
        processes = CollectorRegistry()
        MultiProcessCollector(processes, path=settings.PROMETHEUS_MULTIPROC_DIR)
        own = generate_latest(processes)
    else:
        own = generate_latest(REGISTRY)
    return HttpResponse(own + generate_latest(record), content_type=CONTENT_TYPE_LATEST)
