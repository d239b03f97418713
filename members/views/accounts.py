from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms import ActivateForm
from ..services import activate_account


def lockout(request, credentials, *args, **kwargs):
    """Shown by django-axes after five failed logins for one name from one address."""
    return render(request, "registration/lockout.html", status=429)


@require_http_methods(["GET", "POST"])
def activate(request):
    form = ActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = activate_account(
                code=form.cleaned_data["code"],
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready. Welcome!"))
            return redirect("home")
    return render(request, "registration/activate.html", {"form": form})
