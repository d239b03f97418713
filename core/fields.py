"""Model fields that many tables declare alike."""

from django.conf import settings
from django.db import models


def by_user(*, blank: bool = False) -> models.ForeignKey:
    """Who did something (created, recorded, requested, …): a login, emptied when the account is deleted,
    with no reverse accessor on the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=blank, related_name="+"
    )
