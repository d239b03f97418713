"""Session lifetime and the required second factor, checked before every view (rules in members/security.py).

Neither adds a query to an ordinary request: what they need was put in the session at login.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from . import security

# Requests a page makes by itself (the live comment list polls every 3 s): they never count as activity,
# so a committee session left open on a screen still ends after 30 idle minutes.
AUTOMATED_VIEWS = {"meetings:poll"}
# Views that work without a full session: the login steps and the way out.
OPEN_VIEWS = {"login", "login_code", "logout", "healthz", "activate"}


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in request.headers.get(
        "Accept", ""
    )


def _page_to_return_to(request) -> str:
    """Where the login should lead back: this page, or for a background request the page that made it."""
    if request.method == "GET" and not request.htmx and not _wants_json(request):
        return request.get_full_path()
    page = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    if not url_has_allowed_host_and_scheme(page, allowed_hosts={request.get_host()}):
        return ""
    parts = urlsplit(page)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def send_to_login(request, message: str):
    """After logout: back to the login page with the reason, keeping where the user was."""
    response = redirect_to_login(_page_to_return_to(request) or settings.LOGIN_REDIRECT_URL)
    messages.warning(request, message)  # a script that gets the JSON goes to the login page, which shows it
    if _wants_json(request):
        return JsonResponse({"error": message, "login_url": response.url}, status=401)
    if request.htmx:
        return HttpResponseClientRedirect(response.url)
    return response


class SessionTimeoutMiddleware:
    """12 hours from login for everyone; 30 minutes without activity for committee and reviewer accounts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _view_name(request) == "healthz" or not request.user.is_authenticated:
            return None  # healthz: the load balancer's bare view, no session, no database
        session, moment = request.session, security.now()
        session.setdefault(security.LOGGED_IN_AT, moment)
        seen_at = session.setdefault(security.SEEN_AT, moment)
        if security.past_its_age(session, moment):
            hours = settings.SESSION_COOKIE_AGE // 3600
            return self.expire(
                request, _("Your session has expired (a session lasts %(hours)s hours).") % {"hours": hours}
            )
        if not security.is_committee_session(request):
            return None  # no idle limit: nothing more to check or to write
        if security.idle_too_long(session, moment):
            minutes = settings.SESSION_IDLE_TIMEOUT // 60
            return self.expire(
                request,
                _("Your session has expired after %(minutes)s minutes without activity.")
                % {"minutes": minutes},
            )
        if _view_name(request) not in AUTOMATED_VIEWS and moment - seen_at >= security.SEEN_RESOLUTION:
            session[security.SEEN_AT] = moment
        return None

    def expire(self, request, reason: str):
        logout(request)
        if _view_name(request) in OPEN_VIEWS:
            messages.warning(request, reason)
            return None  # the login page itself, or logging out: let it answer
        # Not inside an f-string: makemessages would not see it, and the page would say it in English.
        again = _("Please log in again.")
        return send_to_login(request, f"{reason} {again}")


class TwoFactorMiddleware:
    """When the operator requires it (REQUIRE_2FA_FOR_COMMITTEE), a committee or reviewer account that has
    not passed a second factor in this session reaches only the enrolment page and the way out."""

    ALLOWED = OPEN_VIEWS | {"two_factor"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.REQUIRE_2FA_FOR_COMMITTEE or _view_name(request) in self.ALLOWED:
            return None
        user = request.user
        if not user.is_authenticated or request.session.get(security.VERIFIED):
            return None
        if not security.is_committee_session(request):
            return None
        if security.has_second_factor(user):
            # Logged in with the password alone before the app was set up elsewhere: log in again.
            logout(request)
            return send_to_login(request, _("Please log in again with the code from your authenticator app."))
        enrol = reverse("two_factor")
        if _wants_json(request):
            return JsonResponse({"error": _("Turn on two-step login first."), "login_url": enrol}, status=401)
        return HttpResponseClientRedirect(enrol) if request.htmx else redirect(enrol)
