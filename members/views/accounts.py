from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import security, throttle
from ..forms import ActivateForm, CodeForm
from ..services import activate_account


def lockout(request, credentials, *args, **kwargs):
    """Shown by django-axes after five failed logins for one name from one address."""
    return render(request, "registration/lockout.html", status=429)


@require_http_methods(["GET", "POST"])
def activate(request):
    if request.method == "POST" and throttle.is_blocked(throttle.ACTIVATION, request):
        return throttle.refused(request)
    form = ActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = activate_account(
                code=form.cleaned_data["code"],
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            throttle.record_failure(throttle.ACTIVATION, request)
            form.add_error("code", error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. Welcome!"))
            return redirect("home")
    return render(request, "registration/activate.html", {"form": form})


class LoginView(auth_views.LoginView):
    """The password first (throttled by axes); an account with an authenticator app then gives its code."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if throttle.is_blocked(throttle.LOGIN, request):
            return throttle.refused(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.record_failure(throttle.LOGIN, self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        user = form.get_user()
        if not security.has_second_factor(user):
            return super().form_valid(form)
        security.begin_challenge(self.request, user=user, next_url=self.get_success_url())
        return redirect("login_code")


@require_http_methods(["GET", "POST"])
def login_code(request):
    """The second step of the login. A wrong code counts as a failed login for axes, like a wrong password."""
    challenge = security.pending_challenge(request)
    if challenge is None or request.user.is_authenticated:
        return redirect("login")
    credentials = {"username": challenge.user.get_username()}
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not AxesProxyHandler.is_allowed(request, credentials):
            security.drop_challenge(request)
            return get_lockout_response(request, None, credentials)
        device = security.check_code(challenge.user, form.cleaned_data["code"])
        if device is not None:
            security.drop_challenge(request)
            login(request, challenge.user, backend=challenge.backend)
            security.mark_verified(request, device)
            return redirect(challenge.next_url)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            security.drop_challenge(request)  # AxesMiddleware answers with the lockout page
        form.add_error(
            "code", _("This code is not right, or was already used. Wait for a new code and try again.")
        )
    return render(request, "registration/login_code.html", {"form": form})
