"""A real `celery worker` process for the tests that need one (PostgreSQL and Redis): it reads the test's own
database and takes tasks from the test's own queues: settings' two queues (`now`, `render`) with a name of
the test's own in front (CELERY_QUEUE_PREFIX), in the worker and in the test's process alike."""

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from chibo.celery import app as celery_app


def worker_database_url() -> str:
    """The URL of the database this test writes to (pytest-django's test_<name>), for the worker."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


def worker_env(prefix: str, tmp_path, **extra: str) -> dict:
    """The environment of a real worker (or server) process for this test: its database, its queues, a
    folder of its own, the test's files, no connection kept between tasks; `extra` adds or overrides."""
    return {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_QUEUE_PREFIX": prefix,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "worker-test-secret",
        "DEBUG": "false",
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def new_prefix(what: str = "test") -> str:
    return f"chibo-{what}-{uuid.uuid4().hex[:12]}-"


def queues(prefix: str, *names: str) -> str:
    """The -Q argument for the test's own queues `names` (default: both)."""
    return ",".join(prefix + name for name in names or ("now", "render"))


def prefixed_routes(prefix: str) -> dict:
    """settings.CELERY_TASK_ROUTES with the test's own queue names."""
    base = settings.CELERY_QUEUE_PREFIX
    return {
        task: {**route, "queue": prefix + route["queue"].removeprefix(base)}
        for task, route in settings.CELERY_TASK_ROUTES.items()
    }


@contextmanager
def own_queues(prefix: str):
    """This process sends every task to the test's own queues (routed as in production) instead of running
    it eagerly; afterwards the queues are removed from Redis."""
    conf = celery_app.conf
    keys = ("task_always_eager", "task_default_queue", "task_routes")
    saved = {key: conf[key] for key in keys}
    conf.update(
        task_always_eager=False, task_default_queue=f"{prefix}now", task_routes=prefixed_routes(prefix)
    )
    try:
        yield prefix
    finally:
        conf.update(saved)
        if os.environ.get("REDIS_URL"):
            broker = redis.Redis.from_url(os.environ["REDIS_URL"])
            for name in queues(prefix).split(","):
                broker.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


def worker_command(queue: str, *options: str, pool: str = "solo") -> list[str]:
    """One worker process, one task at a time, on `queue` only (comma-separated names: those queues);
    `pool="prefork"`: the task runs in one child process, as docker compose's workers run them."""
    celery = Path(sys.executable).with_name("celery")
    return [
        str(celery),
        "-A",
        "chibo",
        "worker",
        "--pool",
        pool,
        "--concurrency",
        "1",
        "--without-mingle",
        "--without-gossip",
        "-Q",
        queue,
        *options,
        "--loglevel",
        "INFO",
    ]


class Worker:
    """A real `celery worker` process on the test's database and own queues (`queue`: both unless named),
    writing its output to `<name>.log` in `log_dir`; `pool` as `worker_command`'s."""

    def __init__(self, name: str, env: dict, log_dir: Path, queue: str = "", pool: str = "solo"):
        self.name, self.log, self.killed = name, Path(log_dir) / f"{name}.log", False
        prefix = env["CELERY_QUEUE_PREFIX"]
        command = worker_command(queue or queues(prefix), "-n", f"{name}-{prefix}@%h", pool=pool)
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                command, env=env, cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no goodbye, the task it holds is not acknowledged."""
        self.killed = True
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


class Workers(list):
    """The workers a test starts (all on `env`, logs under `log_dir`), stopped together at its end."""

    def __init__(self, env: dict, log_dir: Path):
        super().__init__()
        self.env, self.log_dir = env, log_dir

    def start(self, name: str, queue: str = "", pool: str = "solo") -> Worker:
        self.append(Worker(name, self.env, self.log_dir, queue, pool))
        return self[-1]

    def stop(self) -> None:
        for worker in self:
            worker.stop()

    def logs(self, tail: int = 4000) -> str:
        return "\n".join(f"--- {w.name} ---\n{w.output()[-tail:]}" for w in self)


def wait_for(condition, what: str, workers: Workers, timeout: float = 90, every: float = 0.01):
    """Waits until `condition()` is true and returns its value; fails with the workers' logs when the time
    runs out or a worker the test did not kill has stopped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for worker in workers:
            if not worker.killed and worker.process.poll() is not None:
                pytest.fail(f"the {worker.name} worker stopped:\n{worker.output()[-4000:]}")
        time.sleep(every)
    pytest.fail(f"timed out waiting for {what}\n{workers.logs(6000)}")
