from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def plan_next_month() -> int:
    """Beat job: next month's regular meeting for every cell (idempotent)."""
    return services.plan_next_month()
