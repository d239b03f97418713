"""Two-step login (TOTP): any account may turn it on; committee and reviewer accounts must when the operator
says so (REQUIRE_2FA_FOR_COMMITTEE); axes still throttles, and counts wrong codes like wrong passwords."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from members import security

from ..members.pages import page_text, vi
from .conftest import PASSWORD, app_code

WRONG_CODE = "This code is not right, or was already used. Wait for a new code and try again."
WRONG_SETUP_CODE = "This code is not right. Check the time on your phone and type the newest code."


def password_step(client, username, password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def code_step(client, code):
    return client.post(reverse("login_code"), {"code": code})


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def enrol(client, user) -> tuple[TOTPDevice, list[str]]:
    """Through the page, as the user does it: open it, read the key, confirm with a code."""
    page = client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor"), {"code": app_code(device)})
    assert response.status_code == 200, page_text(response)
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    device.refresh_from_db()
    assert page.status_code == 200
    return device, codes


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """A user who turned two-step login on earlier (devices made directly, as the page makes them)."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    static = user.staticdevice_set.create(name="backup", confirmed=True)
    codes = ["abcd2345", "efgh6723"]
    for code in codes:
        StaticToken.objects.create(device=static, token=code)
    return device, codes


def forgive_failures(device):
    """Moves the device's last failure a minute back, past django-otp's 1-2-4-second back-off."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - dt.timedelta(minutes=1)
    )


# --- Turning it on -------------------------------------------------------------------------------------


def test_member_turns_two_step_login_on_and_sees_backup_codes_once(login, world):
    client = login("member")
    page = client.get(reverse("two_factor"))
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, drawn by the server
    device = TOTPDevice.objects.get(user=world.member.user, confirmed=False)
    assert security.secret_for_typing(device) in unescape(html)

    response = client.post(reverse("two_factor"), {"code": app_code(device)})

    device.refresh_from_db()
    assert device.confirmed
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(codes) == 10
    assert vi("Two-step login is on.") in page_text(response)
    later = client.get(reverse("two_factor")).content.decode()
    assert not any(code in later for code in codes)  # shown only once
    with translation.override("vi"):
        left = ngettext("You have %(n)s unused backup code.", "You have %(n)s unused backup codes.", 10)
    assert left % {"n": 10} in page_text(client.get(reverse("two_factor")))


def test_a_wrong_code_does_not_turn_it_on(login, world):
    client = login("member")
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=world.member.user)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("two_factor"), {"code": wrong})

    assert response.status_code == 200
    assert vi(WRONG_SETUP_CODE) in page_text(response)
    assert 'value="' + wrong + '"' in response.content.decode()  # what was typed is kept
    device.refresh_from_db()
    assert not device.confirmed


def test_reloading_the_page_keeps_the_key_being_set_up(login, world):
    client = login("member")
    first = client.get(reverse("two_factor")).content
    second = client.get(reverse("two_factor")).content
    device = TOTPDevice.objects.get(user=world.member.user)
    key = security.secret_for_typing(device)
    assert key in unescape(first.decode()) and key in unescape(second.decode())
    assert TOTPDevice.objects.filter(user=world.member.user).count() == 1


def test_turning_it_on_ends_the_accounts_other_sessions(world, login):
    laptop = Client()
    laptop.force_login(world.member.user)
    phone = login("member")

    enrol(phone, world.member.user)

    assert laptop.get(reverse("archive:search")).status_code == 302  # logged out: password alone
    assert phone.get(reverse("archive:search")).status_code == 200


# --- Logging in with it ----------------------------------------------------------------------------


def test_login_asks_for_the_code_after_the_password(client, world):
    device, _codes = enrolled(world.member.user)

    response = password_step(client, "member")

    assert response.url == reverse("login_code")
    assert not logged_in_as(client)
    response = code_step(client, app_code(device))
    assert response.status_code == 302
    assert logged_in_as(client) == str(world.member.user.pk)
    assert client.session[security.VERIFIED]


def test_a_wrong_code_does_not_log_in(client, world):
    device, _codes = enrolled(world.member.user)
    password_step(client, "member")
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    response = code_step(client, wrong)

    assert response.status_code == 200
    assert vi(WRONG_CODE) in page_text(response)
    assert not logged_in_as(client)
    assert client.get(reverse("archive:search")).status_code == 302


def test_a_right_code_after_a_wrong_one_logs_in_and_goes_where_asked(client, world):
    device, _codes = enrolled(world.member.user)
    target = reverse("members:organization", args=[world.cell.pk])
    password_step(client, "member", next_url=target)
    code_step(client, "000000" if app_code(device) != "000000" else "111111")
    forgive_failures(TOTPDevice.objects.get(pk=device.pk))

    response = code_step(client, app_code(device))

    assert response.url == target
    assert logged_in_as(client) == str(world.member.user.pk)


def test_a_code_cannot_be_used_twice(client, world):
    device, _codes = enrolled(world.member.user)
    code = app_code(device)
    password_step(client, "member")
    code_step(client, code)
    client.logout()

    password_step(client, "member")
    assert code_step(client, code).status_code == 200
    assert not logged_in_as(client)


def test_a_backup_code_logs_in_once(client, world):
    _device, codes = enrolled(world.member.user)
    password_step(client, "member")
    assert code_step(client, codes[0].upper()).status_code == 302  # as read from paper: case does not matter
    client.logout()

    password_step(client, "member")
    assert code_step(client, codes[0]).status_code == 200
    assert not logged_in_as(client)


def test_the_code_step_without_a_password_goes_back_to_the_login(client, world):
    enrolled(world.member.user)
    assert client.get(reverse("login_code")).url == reverse("login")
    assert client.post(reverse("login_code"), {"code": "123456"}).url == reverse("login")


def test_the_code_step_expires_after_five_minutes(client, world):
    device, _codes = enrolled(world.member.user)
    password_step(client, "member")
    session = client.session
    session[security.PENDING]["at"] -= 5 * 60 + 1
    session.save()

    response = code_step(client, app_code(device))

    assert response.url == reverse("login")
    assert not logged_in_as(client)


def test_an_account_without_the_app_logs_in_with_the_password_alone(client, world):
    response = password_step(client, "member")
    assert response.status_code == 302 and response.url != reverse("login_code")
    assert logged_in_as(client) == str(world.member.user.pk)


def test_the_admin_login_form_cannot_skip_the_code(client, world):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Throttling (axes) still works -----------------------------------------------------------------


def test_five_wrong_passwords_still_lock_an_account_with_two_step_login(client, world):
    enrolled(world.member.user)
    statuses = [password_step(client, "member", "wrong").status_code for _ in range(5)]
    assert statuses == [200] * 4 + [429]
    assert password_step(client, "member").status_code == 429  # even the right password


def test_five_wrong_codes_lock_the_login_like_wrong_passwords(client, world):
    device, _codes = enrolled(world.member.user)
    password_step(client, "member")
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"
    statuses = []
    for _ in range(5):
        statuses.append(code_step(client, wrong).status_code)
        forgive_failures(TOTPDevice.objects.get(pk=device.pk))  # past django-otp's own back-off

    assert statuses == [200] * 4 + [429]
    assert not logged_in_as(client)
    assert password_step(client, "member").status_code == 429
    assert not logged_in_as(client)


# --- Required for committee and reviewer accounts -------------------------------------------------


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA_FOR_COMMITTEE = True


@pytest.mark.parametrize("persona", ["secretary", "officer", "reviewer"])
def test_required_committee_account_is_sent_to_set_it_up(client, world, required, persona):
    password_step(client, persona)

    for url in (reverse("home"), reverse("archive:search"), reverse("members:tree")):
        assert client.get(url).url == reverse("two_factor"), url
    page = client.get(reverse("two_factor"))
    assert page.status_code == 200
    assert vi("Committee and reviewer accounts must use two-step login. Set it up below to continue.") in (
        page_text(page)
    )

    enrol(client, getattr(world, persona).user)
    assert client.get(reverse("archive:search")).status_code == 200


def test_required_mode_does_not_force_a_member_without_a_post(client, world, required):
    password_step(client, "member")
    assert client.get(reverse("archive:search")).status_code == 200
    assert client.get(reverse("members:organization", args=[world.cell.pk])).status_code == 200


def test_required_mode_still_lets_the_user_log_out(client, world, required):
    password_step(client, "secretary")
    assert client.post(reverse("logout")).status_code == 302
    assert not logged_in_as(client)


def test_required_mode_logs_out_a_password_only_session_of_an_enrolled_account(client, world, required):
    enrolled(world.secretary.user)
    client.force_login(world.secretary.user)  # as if logged in before the app was set up

    response = client.get(reverse("archive:search"))

    assert response.url.startswith(reverse("login"))
    assert not logged_in_as(client)


def test_without_the_setting_committee_accounts_are_not_forced(client, world):
    password_step(client, "secretary")
    assert client.get(reverse("archive:search")).status_code == 200


# --- Turning it off --------------------------------------------------------------------------------


def test_turning_it_off_needs_a_current_code(client, world):
    device, _codes = enrolled(world.member.user)
    password_step(client, "member")
    code_step(client, app_code(device))

    wrong = f"{(int(app_code(device, steps_ahead=1)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two_factor_disable"), {"code": wrong})
    assert response.status_code == 200
    assert vi(WRONG_CODE) in page_text(response)
    assert TOTPDevice.objects.filter(user=world.member.user, confirmed=True).exists()

    forgive_failures(TOTPDevice.objects.get(pk=device.pk))
    response = client.post(reverse("two_factor_disable"), {"code": app_code(device, steps_ahead=1)})
    assert response.url == reverse("two_factor")
    assert not TOTPDevice.objects.filter(user=world.member.user, confirmed=True).exists()
    assert not StaticToken.objects.filter(device__user=world.member.user).exists()

    client.logout()
    assert password_step(client, "member").url != reverse("login_code")  # the password alone again
