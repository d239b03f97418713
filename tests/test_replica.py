"""A read replica (#22): the dashboard, its exports and search read from it, except for a user who has just
written; every other page reads the primary.

The router's decisions are recorded during real requests (every read is then still served by the test's one
database: a second server is not what these tests are about, and Django's test mirror would hide which
connection answered)."""

import time

import pytest
from django.db import router

from chibo.routers import ReplicaRouter

pytestmark = pytest.mark.django_db

decisions: list[str] = []


class RecordingRouter(ReplicaRouter):
    """The router's answer, written down; the read itself stays on the test's database."""

    def db_for_read(self, model, **hints):
        decisions.append(super().db_for_read(model, **hints))
        return "default"


@pytest.fixture
def replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    settings.DATABASE_ROUTERS = ["tests.test_replica.RecordingRouter"]
    after_auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:after_auth],
        "core.replica.StickyWritesMiddleware",
        *settings.MIDDLEWARE[after_auth:],
    ]
    decisions.clear()
    yield decisions
    decisions.clear()


def reads_of(client, path: str) -> set[str]:
    decisions.clear()
    answer = client.get(path)
    assert answer.status_code == 200, path
    return set(decisions)


def test_the_dashboard_its_export_and_search_read_from_the_replica_other_pages_the_primary(
    client, world, replica
):
    client.force_login(world.officer.user)
    assert "replica" in reads_of(client, f"/dashboard/{world.branch_a.pk}/")
    assert "replica" in reads_of(client, f"/dashboard/{world.branch_a.pk}/export.xlsx")
    assert "replica" in reads_of(client, "/search/?q=Chi+b%E1%BB%99")
    assert reads_of(client, "/notifications/") == {"default"}
    assert reads_of(client, f"/cells/{world.cell.pk}/meetings/") <= {"default"}
    assert router.db_for_write(type(world.cell)) == "default"


def test_a_user_who_has_just_written_reads_the_primary_for_a_while(client, world, replica, settings):
    client.force_login(world.officer.user)
    assert "chibo_wrote" not in client.cookies
    assert client.post("/notifications/read/").status_code in (200, 302)
    assert "chibo_wrote" in client.cookies
    assert reads_of(client, f"/dashboard/{world.branch_a.pk}/") == {
        "default"
    }  # their write may not be there yet

    client.cookies["chibo_wrote"] = str(int(time.time()) - settings.REPLICA_STICKY_SECONDS - 1)
    assert "replica" in reads_of(client, f"/dashboard/{world.branch_a.pk}/")  # the moment has passed


def test_without_a_replica_the_router_is_not_consulted_and_nothing_changes(client, world, settings):
    assert "replica" not in settings.DATABASES and not settings.DATABASE_ROUTERS
    client.force_login(world.officer.user)
    assert client.get(f"/dashboard/{world.branch_a.pk}/").status_code == 200
