from celery import shared_task

from . import services


@shared_task(acks_late=True)
def apply_due_transfers() -> int:
    """Beat job: transfers dated today take effect (idempotent)."""
    return services.apply_due_transfers()
