"""Answers shared by every app."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from .forms import error_text


def bad_request(request, form):
    """A link whose parameters make no sense (typed by hand, cut, or forged): 400 and what was wrong."""
    errors = [error for field_errors in form.errors.values() for error in field_errors]
    return render(request, "400.html", {"errors": errors}, status=400)


def confirmation_page(request, subject, confirm: str, *, back: str, **context):
    """An irreversible step's confirmation as a page: where its button leads (a GET of the step's own URL)
    when JavaScript does not open the same confirmation as a dialog. `subject` (a meeting, a guidance) titles
    the page; `confirm` names a template extending templates/_confirm.html; `back` is where "go back" leads."""
    context |= {"subject": subject, "confirm": confirm, "id": "confirm", "action": request.path, "back": back}
    return render(request, "confirm_page.html", context)


def form_page(request, form, template, context, *, done):
    """A page with a form. On a GET the page shows the form. On a valid POST, `done(form)` does the work and
    returns where to go next and what to say there (a success message); a refusal it raises (ValidationError,
    from the domain: the meeting is no longer open, a transfer already pending) shows on the form like an
    invalid field. A refused form is shown again with what was typed and its errors, answered 422."""
    if request.method == "POST" and form.is_valid():
        try:
            to, message = done(form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, message)
            return redirect(to)
    return render(request, template, {"form": form, **context}, status=422 if form.errors else 200)


def attempt(request, perform, done) -> None:
    """`perform()` a change; a refusal (ValidationError) becomes the page's error message, otherwise
    `done(result)` says what was done."""
    try:
        result = perform()
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        done(result)
