"""A committee gives a member a one-time code; the member turns it into their own login."""

import datetime as dt
import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from members.models import Invitation

from .pages import form_values, page_text, vi

CODE = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")
PASSWORD = "sen-hong-ven-song-2026"


def invite(client, member) -> str:
    response = client.post(reverse("members:member_invite", args=[member.pk]))
    assert response.status_code == 200
    codes = CODE.findall(page_text(response))
    assert len(set(codes)) == 1, page_text(response)
    return codes[0]


def activate(client, code, username="duyen.duong", password=PASSWORD, password2=None):
    return client.post(
        reverse("activate"),
        {"code": code, "username": username, "password1": password, "password2": password2 or password},
    )


@pytest.fixture
def code(world, login):
    """An invitation for the target (a member without a login), issued by the cell's secretary."""
    code = invite(login("secretary"), world.target)
    login("anon").logout()
    return code


def test_committee_gets_a_code_shown_once_and_only_its_hash_is_stored(world, login):
    client = login("secretary")

    code = invite(client, world.target)

    invitation = Invitation.objects.get(member=world.target)
    assert invitation.code_hash == hashlib.sha256(code.encode()).hexdigest()
    assert code not in str(list(Invitation.objects.values()))
    assert invitation.created_by == world.secretary.user
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=13)
    assert code not in page_text(client.get(world.target.get_absolute_url()))


def test_a_new_code_replaces_the_old_one(world, login):
    client = login("secretary")
    first = invite(client, world.target)
    second = invite(client, world.target)
    client.logout()

    assert first != second
    response = activate(client, first)

    assert response.status_code == 200
    assert vi("This invitation code is not valid or has expired.") in response.context["form"].errors["code"]
    assert activate(client, second).status_code == 302


def test_member_who_already_has_a_login_gets_no_code(world, login):
    response = login("secretary").post(reverse("members:member_invite", args=[world.member.pk]), follow=True)

    assert vi("This member already has a login.") in page_text(response)
    assert not Invitation.objects.exists()


def test_code_creates_a_login_linked_to_the_member_and_logs_in(world, client, code):
    response = activate(client, f" {code.lower()} ")  # typed from paper: case and spaces don't matter

    assert response.status_code == 302
    user = get_user_model().objects.get(username="duyen.duong")
    world.target.refresh_from_db()
    assert world.target.user == user
    assert user.check_password(PASSWORD)
    assert Invitation.objects.get(member=world.target).used_at is not None
    # Logged in: home now leads to the member's cell.
    home = client.get(reverse("home"), follow=True)
    assert home.context["user"] == user
    assert (home.context.get("org") or home.context.get("cell")) == world.cell
    # And the chosen password works on the login page next time.
    client.logout()
    login_page = client.post(reverse("login"), {"username": "duyen.duong", "password": PASSWORD})
    assert login_page.status_code == 302


@pytest.mark.parametrize("weak", ["12345678", "password", "duyen.duong", "abc"])
def test_weak_password_is_refused_and_the_login_name_kept(world, client, code, weak):
    response = activate(client, code, password=weak)

    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert form_values(response)["username"] == "duyen.duong"
    assert form_values(response)["code"] == code
    assert not get_user_model().objects.filter(username="duyen.duong").exists()
    assert Invitation.objects.get(member=world.target).used_at is None


def test_passwords_that_differ_are_refused(world, client, code):
    response = activate(client, code, password2=PASSWORD + "x")

    assert response.status_code == 200
    assert vi("The two passwords do not match.") in response.context["form"].errors["password2"]
    assert not get_user_model().objects.filter(username="duyen.duong").exists()


def test_used_code_is_refused(world, client, code):
    assert activate(client, code).status_code == 302
    client.logout()

    response = activate(client, code, username="duyen.khac")

    assert response.status_code == 200
    assert vi("This invitation code is not valid or has expired.") in response.context["form"].errors["code"]
    assert not get_user_model().objects.filter(username="duyen.khac").exists()
    world.target.refresh_from_db()
    assert world.target.user.username == "duyen.duong"


def test_expired_code_is_refused(world, client, code):
    Invitation.objects.filter(member=world.target).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    response = activate(client, code)

    assert response.status_code == 200
    assert vi("This invitation code is not valid or has expired.") in page_text(response)
    assert not get_user_model().objects.filter(username="duyen.duong").exists()
    world.target.refresh_from_db()
    assert world.target.user is None


@pytest.mark.parametrize("taken", ["member", "MEMBER"])
def test_taken_login_name_is_refused(world, client, code, taken):
    response = activate(client, code, username=taken)

    assert response.status_code == 200
    assert (
        vi("This login name is taken; please choose another.") in response.context["form"].errors["username"]
    )
    world.target.refresh_from_db()
    assert world.target.user is None
    assert Invitation.objects.get(member=world.target).used_at is None
