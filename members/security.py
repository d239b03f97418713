"""Session lifetime and two-step login (TOTP), the rules behind members/middleware.py and the account views.

What a session carries (set at login, so a request pays no query for it):
- LOGGED_IN_AT: wall-clock seconds of the login; the session ends SESSION_COOKIE_AGE (12 h) later, whatever
  happens in between;
- SEEN_AT: the last request a person made (automated polls do not count), for the idle limit;
- COMMITTEE: whether the account runs or reviews cells (access.is_committee_account), whose sessions
  end after SESSION_IDLE_TIMEOUT (30 min) without activity and who may be required to use a second factor;
- VERIFIED: the login passed a second factor (or the user enrolled one in this session).

The clock is time.time(), not timezone.now(): tests and the browser journeys freeze the latter to the
meeting day, and a session must not die because a test moved the calendar.
"""

from __future__ import annotations

import base64
import io
import time
from dataclasses import dataclass
from importlib import import_module
from types import SimpleNamespace

import django_otp
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user, get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import is_committee_account

LOGGED_IN_AT = "_chibo_logged_in_at"
SEEN_AT = "_chibo_seen_at"
COMMITTEE = "_chibo_committee"
VERIFIED = "_chibo_verified"
PENDING = "_chibo_2fa_pending"

# A request refreshes SEEN_AT at most once a minute: a page view costs no session write most of the time.
SEEN_RESOLUTION = 60
# Between the password and the code: after this the login starts again.
PENDING_SECONDS = 5 * 60
BACKUP_CODES = 10


def now() -> float:
    return time.time()


@receiver(user_logged_in, dispatch_uid="chibo-stamp-session")
def stamp_session(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    moment = now()
    session[LOGGED_IN_AT] = moment
    session[SEEN_AT] = moment
    session[COMMITTEE] = is_committee_account(user)
    session[VERIFIED] = False  # set again by the code step or by enrolment, after login()


def is_committee_session(request) -> bool:
    """From the session; a session from before these keys existed is judged once and remembered."""
    flag = request.session.get(COMMITTEE)
    if flag is None:
        flag = request.session[COMMITTEE] = is_committee_account(request.user)
    return flag


def second_factor_required(request) -> bool:
    return settings.REQUIRE_2FA_FOR_COMMITTEE and is_committee_session(request)


def past_its_age(session, moment: float) -> bool:
    """The session began more than SESSION_COOKIE_AGE (12 h) ago, however active it was since."""
    return moment - session.get(LOGGED_IN_AT, moment) > settings.SESSION_COOKIE_AGE


def idle_too_long(session, moment: float) -> bool:
    """No request of the person's own for SESSION_IDLE_TIMEOUT (the limit of committee accounts)."""
    return moment - session.get(SEEN_AT, moment) > settings.SESSION_IDLE_TIMEOUT


def session_holds(session_key: str, user_id: int) -> bool:
    """Whether `session_key` is a session of that user a page would still accept: not logged out, the
    same password (Django's session hash), an active account, within its 12 hours and, for a committee
    account, not idle past its limit (the rules of members/middleware.py). For the live stream, which opens
    without a page. It reads the session (the cache, or the database) and the user; like a page, it ends a
    session whose password has changed since.
    """
    if not session_key:
        return False
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)  # read once, on first use
    if session.get(SESSION_KEY) != str(user_id):
        return False
    moment = now()
    if past_its_age(session, moment) or (session.get(COMMITTEE) and idle_too_long(session, moment)):
        return False
    user = get_user(SimpleNamespace(session=session))  # the backend's user, its is_active, its session hash
    return user.is_authenticated and user.pk == user_id


# --- Devices ---------------------------------------------------------------------------------------


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up: the same secret until it is confirmed, so reloading the
    page after scanning the QR code does not invalidate the scan."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for an app that cannot scan."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// QR code as an SVG data URI, drawn here (img-src allows data:; no CDN, no script)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def check_code(user, code: str):
    """The device that accepts `code` (six digits: the app; otherwise a backup code, used up), or None.
    Each device throttles its own failures (django-otp: 1, 2, 4… seconds)."""
    code = normalise(code)
    if code.isdigit() and len(code) == 6:
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices:
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def mark_verified(request, device) -> None:
    django_otp.login(request, device)
    request.session[VERIFIED] = True


@transaction.atomic
def confirm_enrolment(request, *, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms the authenticator with a code from it; returns the new backup codes (shown once), or None
    when the code is wrong. Other sessions of the user end: they were opened with the password alone."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed or not device.verify_token(normalise(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=device.user).delete()
    static = StaticDevice.objects.create(user=device.user, name="backup", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    mark_verified(request, device)
    end_other_sessions(device.user, keep=request.session.session_key)
    return codes


def disable(request, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    request.session[VERIFIED] = False


def end_other_sessions(user, *, keep: str | None) -> int:
    """Deletes the user's other sessions (database and cache). Sessions are not indexed by user, so this
    reads every live one: fine for an action taken once per user."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep)
    for session in live.only("session_key", "session_data").iterator():
        if store().decode(session.session_data).get("_auth_user_id") == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


# --- Between the password and the code -------------------------------------------------------------


@dataclass
class Challenge:
    user: object
    backend: str
    next_url: str


def begin_challenge(request, *, user, next_url: str) -> None:
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "at": now(),
    }


def pending_challenge(request) -> Challenge | None:
    pending = request.session.get(PENDING)
    if not pending:
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None or now() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    return Challenge(user=user, backend=pending["backend"], next_url=pending["next"])


def drop_challenge(request) -> None:
    request.session.pop(PENDING, None)
