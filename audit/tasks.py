from celery import shared_task

from . import nightly


@shared_task(acks_late=True)
def check_records() -> int:
    """Nightly: every invariant of the official record over the whole database; the problems found."""
    return nightly.run().total
