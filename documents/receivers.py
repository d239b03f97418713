"""What documents/ does when the layers below it say something happened."""

from django.dispatch import receiver

from meetings import signals
from meetings.models import Meeting

from . import minutes


@receiver(signals.vote_recorded, sender=Meeting)
def vote_recorded(sender, vote, **kwargs) -> None:
    minutes.remember_voted_draft(vote)
