"""Passwords are kept as Argon2id at OWASP's minimum, and older PBKDF2 hashes are rewritten at the next login."""

import argon2
import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.urls import reverse

from chibo import settings as production
from core.hashers import OWASP_MEMORY_KIB, OWASP_PASSES
from tests.factories import UserFactory

PASSWORD = "một mật khẩu đủ dài 2026"


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def _parameters(encoded: str) -> argon2.Parameters:
    algorithm, rest = encoded.split("$", 1)
    assert algorithm == "argon2"
    return argon2.extract_parameters("$" + rest)


def test_a_new_password_is_stored_as_argon2id_at_owasp_minimum(production_hashers):
    parameters = _parameters(make_password(PASSWORD))
    assert parameters.type is argon2.Type.ID
    assert parameters.memory_cost >= OWASP_MEMORY_KIB >= 19_456
    assert parameters.time_cost >= OWASP_PASSES >= 2
    assert parameters.parallelism >= 1


@pytest.mark.django_db
def test_a_pbkdf2_hash_is_rewritten_as_argon2id_when_its_owner_logs_in(client, production_hashers, settings):
    user = UserFactory()
    # The hash a member set before this change: Django's PBKDF2.
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert _parameters(user.password).type is argon2.Type.ID
    assert check_password(PASSWORD, user.password)
    # And the new hash still lets its owner in.
    client.logout()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_leaves_the_old_hash_alone(client, production_hashers):
    user = UserFactory()
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.password = old
    user.save(update_fields=["password"])

    response = client.post(reverse("login"), {"username": user.username, "password": "not it"})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == old
