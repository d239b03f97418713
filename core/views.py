"""Answers shared by every app."""

from django.shortcuts import render


def bad_request(request, form):
    """A link whose parameters make no sense (typed by hand, cut, or forged): 400 and what was wrong."""
    errors = [error for field_errors in form.errors.values() for error in field_errors]
    return render(request, "400.html", {"errors": errors}, status=400)
