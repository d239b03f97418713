"""Prometheus metrics (#22): `GET /metrics` with `Authorization: Bearer <METRICS_TOKEN>`.

What a scrape shows, and where it comes from:
- request latency per view and method: django-prometheus's middlewares (`METRICS=true` puts them around
  the project's own; `django_http_requests_latency_seconds_by_view_method`);
- task durations: a histogram observed in the worker around every task (`chibo_task_duration_seconds`,
  Celery's `task_prerun` / `task_postrun` signals, connected in chibo/celery.py);
- queue depth, notifications sent, files rendered: read from the broker and the database when scraped
  (`RecordCollector`), so every web node answers the same and nothing is lost when a process restarts.

Several processes (gunicorn's workers, a Celery worker's prefork children) add up through prometheus_client's
multiprocess mode: `PROMETHEUS_MULTIPROC_DIR` names a folder of one machine or container, emptied when it
starts (docker-compose.yml's commands), as prometheus_client requires.

The task durations are observed in the worker, which shares nothing with a web container in the compose
shape, so each worker serves its own: with `WORKER_METRICS_PORT` set (and METRICS on), the worker's main
process starts a small HTTP server when it is ready (Celery's `worker_ready`), answering any path with the
figures of the worker and its children (task durations; with no multiprocess folder, its process metrics
too), behind the same token. It listens on `WORKER_METRICS_HOST` (127.0.0.1 unless set; docker-compose.yml
sets 0.0.0.0 inside the container and publishes no port, so only the compose network reaches it).

Every endpoint is a 404 to anyone without the token, and to everyone when no token is set: the figures say
how busy each committee's cells are.
"""

import hmac
import logging
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    make_wsgi_app,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import ThreadingWSGIServer
from prometheus_client.multiprocess import MultiProcessCollector

TASK_DURATION = Histogram(
    "chibo_task_duration_seconds",
    "Time a Celery task took in the worker, by task and outcome.",
    ["task", "state"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
_started: dict[str, float] = {}
log = logging.getLogger(__name__)


def task_started(task_id=None, **kwargs):
    if settings.METRICS:
        _started[task_id] = time.monotonic()


def task_finished(task_id=None, task=None, state=None, **kwargs):
    began = _started.pop(task_id, None)
    if began is not None and task is not None:
        TASK_DURATION.labels(task=task.name, state=state or "UNKNOWN").observe(time.monotonic() - began)


def own_registry() -> CollectorRegistry:
    """This process's figures, or those of every process writing to the multiprocess folder."""
    if not settings.PROMETHEUS_MULTIPROC_DIR:
        return REGISTRY
    processes = CollectorRegistry()
    MultiProcessCollector(processes, path=settings.PROMETHEUS_MULTIPROC_DIR)
    return processes


def token_matches(authorization: str) -> bool:
    token = settings.METRICS_TOKEN
    given = authorization.removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


def _behind_the_token(app):
    def guarded(environ, start_response):
        if not token_matches(environ.get("HTTP_AUTHORIZATION", "")):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not Found\n"]
        return app(environ, start_response)

    return guarded


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # a scrape every 15 s is not news
        pass


def serve_worker_metrics(sender=None, **kwargs) -> ThreadingWSGIServer | None:
    """Celery's `worker_ready`, in the worker's main process: its figures on WORKER_METRICS_PORT."""
    port = settings.WORKER_METRICS_PORT
    if not (settings.METRICS and port):
        return None
    app = _behind_the_token(make_wsgi_app(own_registry()))
    server = make_server(
        settings.WORKER_METRICS_HOST, port, app, ThreadingWSGIServer, handler_class=_QuietHandler
    )
    threading.Thread(target=server.serve_forever, name="worker-metrics", daemon=True).start()
    log.info("worker metrics on %s:%d", settings.WORKER_METRICS_HOST, port)
    return server


def connect_worker_signals() -> None:
    from celery.signals import task_postrun, task_prerun, worker_ready

    task_prerun.connect(task_started, weak=False, dispatch_uid="chibo.metrics.task_started")
    task_postrun.connect(task_finished, weak=False, dispatch_uid="chibo.metrics.task_finished")
    worker_ready.connect(serve_worker_metrics, weak=False, dispatch_uid="chibo.metrics.serve_worker_metrics")


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
        from audit import nightly
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

        checked = nightly.latest()
        problems = GaugeMetricFamily(
            "chibo_record_problems",
            "Problems the last nightly check of the record found, by check (audit/nightly.py).",
            labels=["check"],
        )
        for code, found in (checked.counts if checked else {}).items():
            problems.add_metric([code], found)
        yield problems
        if checked:
            yield GaugeMetricFamily(
                "chibo_record_checked_timestamp_seconds",
                "When the last nightly check of the record ran (Unix time).",
                value=checked.ran_at.timestamp(),
            )


def _scrape() -> HttpResponse:
    record = CollectorRegistry()
    record.register(RecordCollector())
    return HttpResponse(
        generate_latest(own_registry()) + generate_latest(record), content_type=CONTENT_TYPE_LATEST
    )


@require_GET
def metrics(request):
    if not token_matches(request.headers.get("Authorization", "")):
        raise Http404
    return _scrape()


class ScrapeMiddleware:
    """`GET /metrics` answered first, before anything reads the Host header (SecurityMiddleware's HTTPS
    redirect, CommonMiddleware): a scraper inside the compose network reaches each web replica by its
    address, which no ALLOWED_HOSTS can list in advance. The token is the key; without it, a 404 as from
    the view. Nothing here builds a URL from the Host header, which is what ALLOWED_HOSTS protects."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != "/metrics":
            return self.get_response(request)
        if request.method != "GET" or not token_matches(request.META.get("HTTP_AUTHORIZATION", "")):
            return HttpResponseNotFound(b"Not Found\n", content_type="text/plain")
        return _scrape()
