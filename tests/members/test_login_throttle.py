"""Five wrong passwords for one login name from one address lock that pair out for 15 minutes (axes)."""

from django.urls import reverse

from .pages import page_text, vi

RIGHT = "correct horse battery"  # UserFactory's password


def log_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    return [log_in(client, username, "wrong password", **extra).status_code for _ in range(times)]


def assert_locked_out(response):
    assert response.status_code == 429
    assert "registration/lockout.html" in [t.name for t in response.templates]
    assert vi("Login temporarily locked") in page_text(response)


def test_four_failures_do_not_lock(world, client):
    assert fail(client, "member", 4) == [200] * 4

    assert log_in(client, "member", RIGHT).status_code == 302


def test_sixth_attempt_is_refused_even_with_the_right_password(world, client):
    statuses = fail(client, "member", 5)

    assert statuses[:4] == [200] * 4  # the login form again, with its error
    assert statuses[4] == 429  # the fifth failure already shows the lockout page
    response = log_in(client, "member", RIGHT)
    assert_locked_out(response)
    assert "_auth_user_id" not in client.session


def test_lockout_is_for_one_name_from_one_address(world, client):
    fail(client, "member", 5)

    assert log_in(client, "fellow", RIGHT).status_code == 302  # another name, same address
    client.logout()
    assert log_in(client, "member", RIGHT, REMOTE_ADDR="10.0.0.7").status_code == 302  # same name elsewhere


def test_still_locked_after_fourteen_minutes(world, client, clock):
    fail(client, "member", 5)
    clock.advance(minutes=14)

    assert_locked_out(log_in(client, "member", RIGHT))


def test_lock_lifts_after_fifteen_minutes(world, client, clock):
    fail(client, "member", 5)
    clock.advance(minutes=15, seconds=1)

    response = log_in(client, "member", RIGHT)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.member.user.pk)


def test_trying_again_while_locked_restarts_the_fifteen_minutes(world, client, clock):
    """Axes' default (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT): any attempt while locked, even with
    the right password, counts as a failure and restarts the wait; the lockout page says to wait 15 minutes."""
    fail(client, "member", 5)
    clock.advance(minutes=10)
    assert_locked_out(log_in(client, "member", RIGHT))

    clock.advance(minutes=10)  # 20 minutes after the fifth failure, 10 after the last try
    assert_locked_out(log_in(client, "member", RIGHT))

    clock.advance(minutes=15, seconds=1)
    assert log_in(client, "member", RIGHT).status_code == 302
