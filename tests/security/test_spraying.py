"""One address may not try a password on name after name (spraying); a room behind one NAT still logs in."""

import pytest
from django.test import Client
from django.urls import reverse

from members import throttle
from members.models import Invitation

from ..factories import UserFactory

RIGHT = "correct horse battery"  # UserFactory's
ROOM = {"REMOTE_ADDR": "203.0.113.7"}  # the meeting room's NAT address
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.20"}
REFUSED = "Có quá nhiều lần thử không thành công từ mạng này."


def log_in(client, username, password, address=ROOM):
    return client.post(reverse("login"), {"username": username, "password": password}, **address)


def test_a_room_of_sixty_members_behind_one_address_all_log_in(db):
    """Sixty members in one minute, each mistyping once and a third of them twice: nobody is refused."""
    users = UserFactory.create_batch(60)
    for n, user in enumerate(users):
        client = Client()
        for _typo in range(2 if n % 3 == 0 else 1):
            assert log_in(client, user.username, "wrong password").status_code == 200
        assert log_in(client, user.username, RIGHT).status_code == 302, f"member {n} refused"


def test_spraying_one_password_over_many_names_is_stopped_for_that_address(db, client):
    names = [f"guess{n}" for n in range(throttle.LOGIN.failures)]
    assert {log_in(client, name, "Matkhau@123").status_code for name in names} == {200}
    victim = UserFactory()

    response = log_in(client, victim.username, RIGHT)

    assert response.status_code == 429
    assert REFUSED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert log_in(client, victim.username, RIGHT, ELSEWHERE).status_code == 302


def test_guessing_invitation_codes_is_stopped_for_that_address(world, client):
    url = reverse("activate")
    form = {"username": "duyen", "password1": "Tr4ng-Xanh-2026", "password2": "Tr4ng-Xanh-2026"}
    for n in range(throttle.ACTIVATION.failures):
        response = client.post(url, form | {"code": f"AAAA-BBBB-{n:04d}"}, **ROOM)
        assert response.status_code == 200
    _invitation, code = Invitation.issue(member=world.target, created_by=world.secretary.user)

    response = client.post(url, form | {"code": code}, **ROOM)

    assert response.status_code == 429
    assert REFUSED in response.content.decode()
    assert client.post(url, form | {"code": code}, **ELSEWHERE).status_code == 302


@pytest.fixture
def redis_down(settings):
    """The throttle's cache is a Redis server that does not answer (nothing listens on port 1)."""
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "chibo.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/7",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        },
    }


def test_logins_fail_open_when_the_throttle_cache_is_down(db, client, redis_down, caplog):
    user = UserFactory()
    assert log_in(client, user.username, "wrong password").status_code == 200
    assert log_in(client, user.username, RIGHT).status_code == 302
    assert "cache unavailable" in caplog.text
