"""Faults: a Redis of the test's own (stopped and started inside the test), a database that refuses
connections (a patched cursor: the machine's shared PostgreSQL is never touched), a full disk."""

import socket
import subprocess
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.db.backends import utils as db_utils

from chibo import sessions

from ..live.conftest import clock, opened, prepared  # noqa: F401  (the live meeting's fixtures)

REDIS_SERVER = "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """`redis-server --save '' --appendonly no` on a free port: a restart loses everything, as the issue's."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tmp_path
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


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
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    sessions.breaker.__init__()
    yield server
    caches["default"].close()
    server.stop()
    sessions.breaker.__init__()


@contextmanager
def database_down():
    """Every query fails as it does with PostgreSQL unreachable (psycopg2's OperationalError, wrapped)."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    with (
        mock.patch.object(db_utils.CursorWrapper, "execute", refuse),
        mock.patch.object(db_utils.CursorWrapper, "executemany", refuse),
    ):
        yield
