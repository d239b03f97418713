"""What a load balancer or an operator asks: is this process up (`/livez`), and can it serve (`/healthz`)?

`/healthz` checks each dependency the app needs, one line each, and answers 503 when one is down, so an
outage shows in the load balancer and the monitoring rather than only in users' 500s. Redis down does not
stop logged-in pages (sessions fall back to the database, chibo/sessions.py) but stops background jobs being
queued, which an operator must know.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis(url: str):
    def check() -> None:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()

    return check


def checks() -> dict:
    found = {"database": _database}
    if settings.REDIS_URL:
        found["redis"] = _redis(settings.REDIS_URL)
    if settings.CELERY_BROKER_URL.startswith("redis") and settings.CELERY_BROKER_URL != settings.REDIS_URL:
        found["broker"] = _redis(settings.CELERY_BROKER_URL)
    return found


@never_cache
def healthz(request):
    lines, healthy = [], True
    for name, check in checks().items():
        try:
            check()
        except Exception as error:
            healthy = False
            lines.append(f"{name} unavailable ({type(error).__name__})")
            log.warning("healthz: %s unavailable: %s", name, type(error).__name__)
        else:
            lines.append(f"{name} ok")
    return HttpResponse("\n".join(lines) + "\n", status=200 if healthy else 503, content_type="text/plain")


def livez(request):
    """The process answers: a bare Django view, no database (the benchmark's baseline)."""
    return HttpResponse("ok", content_type="text/plain")
