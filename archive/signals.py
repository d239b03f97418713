"""Keeps the search index in step: any saved or deleted piece of a meeting's record enqueues that meeting's
reindex once the transaction commits (once per meeting and transaction, however many rows changed)."""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.suspension import Suspension
from documents.models import Minutes, MinutesVersion
from meetings.models import AgendaItem, Comment, Document, Meeting, Task

from . import tasks

# Bulk writers (the demo) index once at the end instead of after every save.
suspended = Suspension()


# The meetings whose reindex is waiting for this thread's transaction to commit.
_waiting = threading.local()


def _pending() -> set[int]:
    if not hasattr(_waiting, "ids"):
        _waiting.ids = set()
    return _waiting.ids


def _flush() -> None:
    ids, _waiting.ids = _pending(), set()
    if ids:
        tasks.reindex_meetings.delay(sorted(ids))


def schedule(meeting_id: int) -> None:
    """One reindex job per transaction for every meeting it touched, sent once it commits (at once in
    autocommit). Each save adds a callback; the first to run sends the whole set, the others find it empty.
    A rolled-back transaction leaves its ids to the next flush: a reindex more, never one less (it reads
    the record as it is)."""
    if suspended.active:
        return
    _pending().add(meeting_id)
    # robust: a broker that is down is logged, never turned into an error for the user who just saved;
    # archive.tasks.recover reindexes what was missed.
    transaction.on_commit(_flush, robust=True)


@receiver([post_save, post_delete], sender=Meeting)
def _meeting_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    schedule(instance.pk)


@receiver([post_save, post_delete], sender=AgendaItem)
@receiver([post_save, post_delete], sender=Comment)
@receiver([post_save, post_delete], sender=Minutes)
@receiver([post_save, post_delete], sender=Task)
def _part_changed(sender, instance, **kwargs):
    if kwargs.get("raw") or not instance.meeting_id:
        return
    schedule(instance.meeting_id)


@receiver([post_save, post_delete], sender=Document)
def _document_changed(sender, instance, **kwargs):
    if not kwargs.get("raw") and instance.meeting_id:
        schedule(instance.meeting_id)


@receiver(post_save, sender=MinutesVersion)
def _version_saved(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        schedule(instance.minutes.meeting_id)
