"""Reads that may go to a read replica (#22): the committee dashboard, its exports and search.

`DATABASE_REPLICA_URL` adds the `replica` database; `chibo.routers.ReplicaRouter` sends a read there only
while a view marked `@replica_reads` runs, and never for a user who changed something in the last
`REPLICA_STICKY_SECONDS` (a cookie set on their write, `StickyWritesMiddleware`): a replica lags its primary
by a moment, and an officer who has just confirmed a score sheet must see it on the dashboard they return to.
Everything else (every write, every page that writes, the live meeting) reads the primary. Without a
replica the decorator changes nothing.
"""

from __future__ import annotations

import contextvars
import functools
import time

from django.conf import settings

ALIAS = "replica"
COOKIE = "chibo_wrote"
_reading = contextvars.ContextVar("chibo_replica_reads", default=False)


def configured() -> bool:
    return ALIAS in settings.DATABASES


def reads_from_replica() -> bool:
    return _reading.get()


def _wrote_lately(request) -> bool:
    try:
        return time.time() < float(request.COOKIES.get(COOKIE, "0")) + settings.REPLICA_STICKY_SECONDS
    except ValueError:
        return False


def replica_reads(view):
    """The view's reads go to the replica, unless the user has just written something."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not configured() or _wrote_lately(request):
            return view(request, *args, **kwargs)
        token = _reading.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _reading.reset(token)

    return wrapper


class StickyWritesMiddleware:
    """After a signed-in user's POST (or another unsafe method), their reads stay on the primary for
    `REPLICA_STICKY_SECONDS`: a cookie holding the time of the write. Added only with a replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.user.is_authenticated:
            response.set_cookie(
                COOKIE,
                f"{time.time():.0f}",
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response
