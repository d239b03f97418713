"""The demo (`manage.py seed_demo`), seeded once for this folder's tests: it takes half a minute.

Under xdist one worker runs them all, one after the other, under one seeding (the scheduler of
tests/conftest.py).
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from chibo.celery import app as celery_app

from ..members.conftest import clock  # noqa: F401  (the clock that moves forward: clock.advance(days=400))

# `make run` seeds the demo with a signing key (its .env gets one): the model cell's committee keeps a
# certificate and the demo's minutes come out signed (test_documents.py reads them with the same key).
SIGNING_KEY = "test-only-signing-key"


@pytest.fixture(scope="package")
def demo_data(django_db_setup, django_db_blocker):
    """`seed_demo`, in a transaction rolled back after the last test of this folder; each test runs in a
    savepoint inside it, so what one test changes the next does not see."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # The function-scoped settings of tests/conftest.py are not in force yet: the same for the seeding.
            celery_app.conf.task_always_eager = True
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                SIGNING_KEY=SIGNING_KEY,
            ):
                call_command("seed_demo", stdout=io.StringIO())
            celery_app.conf.task_always_eager = False
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
