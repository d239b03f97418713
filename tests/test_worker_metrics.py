"""A Celery worker serves its own task durations (#22): in the compose shape the workers share nothing with a
web container, so `/metrics` of web never sees what a worker observed. A real worker (PostgreSQL and Redis,
prefork with one child and a multiprocess folder, as docker-compose.yml runs it) with WORKER_METRICS_PORT set
answers a scrape with the duration of the task its child ran, behind the token; without the port it opens
no port at all."""

import os
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from documents import tasks

from .conftest import require_service
from .storage.conftest import free_port
from .worker import Workers, new_prefix, own_queues, queues, wait_for, worker_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TOKEN = "worker-scrape-token"
TASK = "documents.tasks.recover_renders"  # a beat job on the `now` queue: quick, nothing to render


def listening_ports(pid: int) -> set[int]:
    """The TCP ports process `pid` listens on (its sockets found in /proc, then in the LISTEN rows)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target.removeprefix("socket:[").removesuffix("]"))
    ports = set()
    for table in ("tcp", "tcp6"):
        for row in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = row.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def start(tmp_path, prefix: str, *, pool: str = "solo", **extra: str) -> Workers:
    """A worker on the `now` queue with metrics on and the token set (`extra`: more of its environment)."""
    env = worker_env(prefix, tmp_path, METRICS="true", METRICS_TOKEN=TOKEN, **extra)
    workers = Workers(env, tmp_path)
    workers.start("metrics", queues(prefix, "now"), pool=pool)
    return workers


def scrape(port: int, token: str | None = TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, ""


def task_count(text: str, task: str) -> float:
    """The number of successful runs of `task` in the scrape (0 when it has none)."""
    for line in text.splitlines():
        if line.startswith("chibo_task_duration_seconds_count{") and f'task="{task}"' in line:
            if 'state="SUCCESS"' in line:
                return float(line.rsplit(" ", 1)[1])
    return 0.0


@pytest.fixture
def services_up(on_postgres):
    require_service(on_postgres, "PostgreSQL")
    require_service(bool(os.environ.get("REDIS_URL")), "Redis")


def test_a_worker_with_the_port_serves_the_duration_of_the_task_its_child_ran(services_up, tmp_path):
    port = free_port()
    folder = tmp_path / "metrics"
    folder.mkdir()
    prefix = new_prefix("metrics")
    with own_queues(prefix):
        workers = start(
            tmp_path,
            prefix,
            pool="prefork",
            WORKER_METRICS_PORT=str(port),
            PROMETHEUS_MULTIPROC_DIR=str(folder),
        )
        [worker] = workers
        try:
            wait_for(lambda: " ready." in worker.output(), "the worker", workers, every=0.3)
            assert listening_ports(worker.process.pid) == {port}
            assert scrape(port, None)[0] == 404  # the token, as web's /metrics
            assert scrape(port, "guess")[0] == 404
            assert task_count(scrape(port)[1], TASK) == 0

            tasks.recover_renders.delay()

            wait_for(
                lambda: task_count(scrape(port)[1], TASK) == 1, f"{TASK} in the scrape", workers, every=0.3
            )
        finally:
            workers.stop()
    assert f"{TASK}[" in worker.output()  # the worker ran it, not this process
    # What the scrape summed was written by the child (histogram_<pid>.db), not by the process serving it.
    [written] = folder.iterdir()
    assert written.name.startswith("histogram_") and written.name != f"histogram_{worker.process.pid}.db"


def test_without_the_port_a_worker_listens_on_nothing(services_up, tmp_path):
    prefix = new_prefix("metrics")
    with own_queues(prefix):
        workers = start(tmp_path, prefix)
        try:
            wait_for(lambda: " ready." in workers[0].output(), "the worker", workers, every=0.3)
            assert listening_ports(workers[0].process.pid) == set()
        finally:
            workers.stop()
