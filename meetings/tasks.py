from celery import shared_task

from . import pdf, services


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def plan_next_month() -> int:
    """Beat job: next month's regular meeting for every cell (idempotent)."""
    return services.plan_next_month()


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
    time_limit=180,
    soft_time_limit=150,
)
def render_pdf(pdf_id: int) -> bool:
    """Renders a requested PDF; a second run for the same source stores nothing new."""
    return pdf.render(pdf_id)
