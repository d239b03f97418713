"""The shape of #22 that a test of behaviour would not notice drifting: every task has a queue, the worker
of `make run` and of docker compose read what the routes send, and no module reaches a stored file by path."""

import re
from pathlib import Path

import yaml
from django.conf import settings

from chibo.celery import app

ROOT = Path(settings.BASE_DIR)
APPS = ("core", "members", "meetings", "documents", "notifications", "evaluations", "archive", "audit", "ops")


def project_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if name.split(".")[0] in APPS}  # not Celery's, not a test's own


def test_every_task_is_routed_to_one_of_the_two_queues():
    routes = settings.CELERY_TASK_ROUTES
    assert project_tasks() == set(routes)
    assert {r["queue"] for r in routes.values()} == {settings.CELERY_QUEUE_NOW, settings.CELERY_QUEUE_RENDER}
    for name in (
        "documents.tasks.render_pdf",
        "documents.tasks.render_book",
        "documents.tasks.render_archive",
    ):
        assert routes[name]["queue"] == settings.CELERY_QUEUE_RENDER, name
    for name in (
        "notifications.tasks.run_reminders",
        "notifications.tasks.send_pending_emails",
        "archive.tasks.reindex_meetings",
        "evaluations.tasks.refresh_meeting_indicators",
    ):
        assert routes[name]["queue"] == settings.CELERY_QUEUE_NOW, name


def worker_queues(command: str) -> set[str]:
    found = re.search(r"(?:-Q|--queues)[ =]([\w,-]+)", command)
    assert found, f"a worker without -Q: {command}"
    return set(found.group(1).split(","))


def test_make_run_has_one_worker_for_both_queues():
    [worker] = [
        line for line in (ROOT / "Procfile.dev").read_text().splitlines() if line.startswith("worker:")
    ]
    assert worker_queues(worker) == {"now", "render"}


def test_docker_compose_has_a_worker_for_each_queue_and_object_storage():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    workers = {
        name: worker_queues(" ".join(s["command"]) if isinstance(s["command"], list) else s["command"])
        for name, s in services.items()
        if " worker" in str(s.get("command", ""))
    }
    assert sorted(map(sorted, workers.values())) == [["now"], ["render"]]
    assert "minio" in services
    for name in ("web", "push", "beat", *workers):
        environment = services[name]["environment"]
        assert environment["S3_BUCKET"] and environment["S3_ENDPOINT_URL"] == "http://minio:9000", name


def test_docker_compose_names_every_service_of_the_production_shape():
    """#22: two web replicas behind the front door, PgBouncer in front of PostgreSQL for every app process
    (the migrations go straight to PostgreSQL, once, before the web starts), metrics not behind the proxy."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert {"postgres", "pgbouncer", "redis", "minio", "migrate", "web", "push", "proxy", "beat"} <= set(
        services
    )
    assert services["web"]["deploy"]["replicas"] == "${WEB_REPLICAS:-2}"
    assert services["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"
    for name in ("web", "push", "beat", "worker-now", "worker-render"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://chibo:chibo@pgbouncer:"), name
        assert environment["PGBOUNCER"] == "true", name
    assert "@postgres:" in services["migrate"]["environment"]["DATABASE_URL"]
    assert services["web"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert "migrate" not in " ".join(services["web"]["command"])  # two replicas must not migrate at once
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "location = /metrics" in nginx and "server web:8000" in nginx


def test_no_module_reaches_a_stored_file_by_its_path():
    """Files are read and written through the storage API (a disk or a bucket alike): no MEDIA_ROOT path
    and no storage .path() outside core/storage.py, the local storage itself."""
    offenders = []
    for app_name in APPS:
        for path in (ROOT / app_name).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "core" / "storage.py":
                continue
            text = path.read_text()
            if "settings.MEDIA_ROOT" in text or re.search(
                r"\.file\.path\b|storage\(\)\.path\(|\bstorage\.path\(", text
            ):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
