"""What evaluations/ answers to the layers below it, which ask through signals without importing it."""

from django.dispatch import receiver

from documents import signals as document_signals
from meetings import signals as meeting_signals
from meetings.models import Meeting

from . import services
from .models import Evaluation


@receiver(meeting_signals.vote_recorded, sender=Meeting)
def vote_recorded(sender, vote, **kwargs) -> None:
    services.remember_voted_sheet(vote)


@receiver(document_signals.minutes_score, sender=Meeting)
def minutes_score(sender, meeting, **kwargs) -> dict | None:
    """The cell's adopted self-assessment, for the minutes (DOMAIN.md §4.1)."""
    evaluation = Evaluation.objects.filter(
        meeting=meeting, kind=Evaluation.Kind.SELF, rubric__kind="meeting", adopted_at__isnull=False
    ).first()
    if evaluation is None:
        return None
    total = f"{evaluation.total:.1f}".replace(".", ",").removesuffix(",0")
    # A top total kept from the top level says why (the starred criteria without full marks).
    reason = str(evaluation.level_reason) if evaluation.short_of_top else ""
    return {"total": total, "level": evaluation.level_label, "reason": reason}
