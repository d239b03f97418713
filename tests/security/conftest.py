"""Helpers for the account-security tests: the session's clock is moved by rewriting its stored stamps."""

import pytest
from django.utils import timezone
from django_otp.oath import TOTP

from meetings import live
from meetings.models import Meeting
from meetings.services import plan_regular_meeting
from members import security

PASSWORD = "correct horse battery"  # UserFactory's


def age_session(client, *, idle_minutes: float = 0, since_login_minutes: float | None = None) -> None:
    """As if the last request was `idle_minutes` ago and the login `since_login_minutes` ago."""
    session = client.session
    moment = security.now()
    session[security.SEEN_AT] = moment - idle_minutes * 60
    if since_login_minutes is not None:
        session[security.LOGGED_IN_AT] = moment - since_login_minutes * 60
    session.save()


def app_code(device, *, steps_ahead: int = 0) -> str:
    """The code the user's authenticator app shows now (or `steps_ahead` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = security.now() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def in_progress(world) -> Meeting:
    """This month's meeting of Chi bộ A1, open; the plain member `fellow` is its meeting secretary."""
    meeting, _created = plan_regular_meeting(cell=world.cell, period=timezone.localdate())
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PREPARED, published_at=timezone.now())
    meeting.refresh_from_db()
    return live.open_meeting(meeting=meeting, chair=world.secretary, clerk=world.fellow, by=None)
