"""Two-step login for one's own account: turn it on (scan, confirm with a code, keep the backup codes) or off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import security
from ..forms import CodeForm


def _page(request, *, enrol_form=None, disable_form=None, backup_codes=None):
    user = request.user
    device = security.totp_device(user)
    context = {
        "enabled": device is not None,
        "required": security.second_factor_required(request),
        "backup_codes": backup_codes,
        "disable_form": disable_form or CodeForm(autofocus=False),
    }
    if device is None:
        pending = security.enrolment_device(user)
        context |= {
            "enrol_form": enrol_form or CodeForm(app_only=True),
            "qr": security.qr_data_uri(pending),
            "secret": security.secret_for_typing(pending),
        }
    else:
        context["codes_left"] = security.backup_codes_left(user)
    return render(request, "registration/two_factor.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Your own account only: there is no object to look up, so no permission beyond being logged in."""
    if request.method == "GET" or security.has_second_factor(request.user):
        return _page(request)
    form = CodeForm(request.POST, app_only=True)
    if form.is_valid():
        device = security.enrolment_device(request.user)
        codes = security.confirm_enrolment(request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            messages.success(request, _("Two-step login is on."))
            return _page(request, backup_codes=codes)
        form.add_error(
            "code", _("This code is not right. Check the time on your phone and type the newest code.")
        )
    return _page(request, enrol_form=form)


@login_required
@require_POST
def two_factor_disable(request):
    if not security.has_second_factor(request.user):
        return redirect("two_factor")
    form = CodeForm(request.POST, autofocus=False)
    if form.is_valid():
        if security.check_code(request.user, form.cleaned_data["code"]) is not None:
            security.disable(request, request.user)
            messages.success(request, _("Two-step login is off."))
            return redirect("two_factor")
        form.add_error(
            "code", _("This code is not right, or was already used. Wait for a new code and try again.")
        )
    return _page(request, disable_form=form)
