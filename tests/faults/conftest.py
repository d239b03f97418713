"""Faults: a Redis of the test's own (stopped and started inside the test), a database that refuses
connections (a patched cursor: the machine's shared PostgreSQL is never touched), a full disk."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.db.backends import utils as db_utils

from chibo import sessions
from documents import minutes
from documents.models import GeneratedPdf

# The minutes tests' meeting: Chi bộ A1 on 05/11/2026, its record, closed, adopted (fixtures, used by name).
from ..minutes.conftest import NOTES, adopt_vote, adopted, cell, clock, closed, in_progress  # noqa: F401
from ..redis_server import REDIS_SERVER, PrivateRedis


@pytest.fixture
def private_redis(tmp_path, settings):
    """The app's cache (and so its session cache) on a Redis of this test's own."""
    import shutil

    if not shutil.which(REDIS_SERVER):
        pytest.skip("redis-server not installed")
    server = PrivateRedis(tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "chibo.cache.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    sessions.breaker.__init__()
    yield server
    caches["default"].close()
    server.stop()
    sessions.breaker.__init__()


class Outage:
    """The database refuses the next `queries` queries (every query while `queries` is None), as it does
    with PostgreSQL unreachable; then it answers again, as after a restart."""

    def __init__(self, queries: int | None = None):
        self.left = queries
        self.refused = 0

    def __call__(self, execute):
        def maybe_refuse(cursor, *args, **kwargs):
            if self.left is None or self.left > 0:
                if self.left is not None:
                    self.left -= 1
                self.refused += 1
                raise OperationalError(
                    "connection to server at 127.0.0.1, port 5432 failed: Connection refused"
                )
            return execute(cursor, *args, **kwargs)

        return maybe_refuse


@contextmanager
def database_down(queries: int | None = None):
    """The shared PostgreSQL is never stopped: the cursor is patched to fail as an unreachable server does."""
    outage = Outage(queries)
    with (
        mock.patch.object(db_utils.CursorWrapper, "execute", outage(db_utils.CursorWrapper.execute)),
        mock.patch.object(db_utils.CursorWrapper, "executemany", outage(db_utils.CursorWrapper.executemany)),
    ):
        yield outage


@pytest.fixture
def voted(closed, world):  # noqa: F811
    """Closed, the clerk's text saved and the adoption vote passed."""
    minutes.save_notes(meeting=closed.meeting, notes=NOTES, by=world.fellow.user)
    adopt_vote(closed.meeting, by=world.fellow.user)
    return closed


@pytest.fixture
def pending(voted, world, django_capture_on_commit_callbacks) -> GeneratedPdf:
    """Minutes adopted, their PDF asked for; the job has not run (a lost message, a killed worker...)."""
    with django_capture_on_commit_callbacks(execute=False):
        minutes.adopt(meeting=voted.meeting, by=world.fellow.user)
    return GeneratedPdf.objects.get(meeting=voted.meeting, kind=GeneratedPdf.Kind.MINUTES)
