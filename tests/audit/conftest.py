"""The audit history's fixtures: the live meeting's clock and meetings (tests/live), and a staff user."""

import pytest
from django.contrib.auth.models import Permission

from ..factories import UserFactory
from ..live.conftest import clock, opened, prepared  # noqa: F401 (fixtures)


@pytest.fixture
def staff(db):
    """A staff user of the admin who may read the members' history only."""
    user = UserFactory(username="staff", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_historicalmember"))
    return user
