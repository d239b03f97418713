"""Shared fixtures: a small party tree and one login per persona (named as in DESIGN.md section 1).

Đảng ủy Khối (root) ── Đảng bộ A ── Chi bộ A1  (the cell most tests use)
                   │             └─ Chi bộ A2
                   └─ Đảng bộ B ── Chi bộ B1  (a cell beside: its people must see nothing of A1)
"""

import os
import uuid
from dataclasses import dataclass

import pytest
from django.db import connection

from chibo.celery import app as celery_app
from members.models import Member, Organization, Role

from .factories import MemberFactory, RoleFactory, SupervisionFactory, UserFactory, make_org

K = Organization.Kind


def require_service(available: bool, what: str) -> None:
    """Skips a test whose service is missing, or fails it when CI says services must be there."""
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in the test's process unless a test starts a real worker (see tests/test_celery_worker.py)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # Per-address login counters (members/throttle.py) start from zero in every test; the default cache
    # (a Redis shared by the test processes in CI, whose databases number their rows alike) is the test's
    # own through a key prefix, so no test reads what another one rendered (meetings/rendered.py).
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)},
    }
    settings.THROTTLE_CACHE = "throttle"


def forget_cache() -> None:
    """The default cache seen afresh by this test: a new key prefix, so nothing kept so far is found. Never
    cache.clear(): on Redis it empties the database that the other test processes share (their cached
    sessions included, which then expire under a test's moved clock)."""
    from django.core.cache import cache

    cache.key_prefix = f"test-{uuid.uuid4().hex}"


@pytest.fixture(scope="session", autouse=True)
def stream_readers_closed(django_db_setup):
    """The live stream reads sessions on threads that keep a database connection each (chibo/push.py):
    closed before the test database is dropped, which an open connection would stop."""
    yield
    from chibo import push

    push.close_readers()


@pytest.hookimpl(optionalhook=True)  # xdist's hook: `-p no:xdist` (make screenshots-journeys) runs without it
def pytest_xdist_make_scheduler(config, log):
    """With -n, the tests go to the workers one by one as with --dist load, but tests/demo goes whole to one
    worker: its tests share one seeding of the demo (tests/demo/conftest.py), half a minute each time."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class DemoTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/demo" if nodeid.startswith("tests/demo/") else nodeid

    return DemoTogether(config, log)


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@dataclass
class World:
    root: Organization
    branch_a: Organization
    cell: Organization
    cell_a2: Organization
    branch_b: Organization
    other_cell: Organization
    secretary: Member
    member: Member
    fellow: Member
    officer: Member
    reviewer: Member
    outsider: Member
    target: Member  # a member of the cell without a login; what committee actions act on


@pytest.fixture
def world(db) -> World:
    root = make_org("Đảng ủy Khối Thử nghiệm", K.BLOC, code="ĐUK", place="Cần Thơ")
    branch_a = make_org("Đảng bộ A", K.GRASSROOTS, root)
    cell = make_org("Chi bộ A1", K.CELL, branch_a, meeting_day=5)
    cell_a2 = make_org("Chi bộ A2", K.CELL, branch_a)
    branch_b = make_org("Đảng bộ B", K.GRASSROOTS, root)
    other_cell = make_org("Chi bộ B1", K.CELL, branch_b)
    office = make_org("Chi bộ Cơ quan", K.GRASSROOTS_CELL, root)

    def person(name, where, login=None, **kw):
        user = UserFactory(username=login) if login else None
        return MemberFactory(full_name=name, cell=where, user=user, **kw)

    secretary = person("Phạm Quốc Hùng", cell, "secretary")
    RoleFactory(member=secretary, organization=cell, kind=Role.Kind.SECRETARY)
    member = person("Nguyễn Hoàng Nam", cell, "member")
    fellow = person("Võ Thị Ngọc Hân", cell, "fellow", gender=Member.Gender.FEMALE)
    target = person(
        "Dương Thị Mỹ Duyên",
        cell,
        gender=Member.Gender.FEMALE,
        status=Member.Status.PROBATIONARY,
        official_date=None,
    )
    officer = person("Lê Văn Phúc", cell_a2, "officer")
    RoleFactory(member=officer, organization=branch_a, kind=Role.Kind.COMMITTEE)
    SupervisionFactory(officer=officer, cell=cell)
    reviewer = person("Trần Thị Mỹ Linh", office, "reviewer", gender=Member.Gender.FEMALE)
    RoleFactory(member=reviewer, organization=root, kind=Role.Kind.REVIEWER)
    outsider = person("Huỳnh Minh Thiện", other_cell, "outsider")
    RoleFactory(member=outsider, organization=other_cell, kind=Role.Kind.SECRETARY)
    for org in (root, branch_a, cell, cell_a2, branch_b, other_cell):
        org.refresh_from_db()  # the paths as stored, whatever the tree did while siblings were added
    return World(
        root,
        branch_a,
        cell,
        cell_a2,
        branch_b,
        other_cell,
        secretary,
        member,
        fellow,
        officer,
        reviewer,
        outsider,
        target,
    )


PERSONAS = ["anon", "nobody", "member", "fellow", "secretary", "officer", "reviewer", "outsider", "admin"]


@pytest.fixture
def login(client, world):
    """login("secretary") → a client logged in as that persona (anon: not logged in)."""

    def _login(persona: str):
        if persona == "anon":
            return client
        if persona == "admin":
            user = UserFactory(username="admin", is_superuser=True, is_staff=True)
        elif persona == "nobody":
            user = UserFactory(username="nobody")
        else:
            user = getattr(world, persona).user
        client.force_login(user)
        return client

    return _login
