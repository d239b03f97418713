"""Helpers for forms and validation shared by every app (Django and the standard library only)."""

from django.core.exceptions import ValidationError


def error_text(error: ValidationError) -> str:
    """A refusal's messages as one sentence for the page's message bar (or a JSON answer, a command's error)."""
    return " ".join(error.messages)
