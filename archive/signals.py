"""Keeps the search index in step: any saved or deleted piece of a meeting's record enqueues that meeting's
reindex once the transaction commits (once per meeting and transaction, however many rows changed).

The comments of a meeting in progress are the exception: an evening of 2,000 phones posts a comment a
second per meeting, and each reindex reads the meeting's whole record, so they are indexed at most once a
minute per meeting (`schedule_soon`); closing the meeting saves it and reindexes it at once."""

from __future__ import annotations

import threading

from django.core.cache import cache
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


# How long the comments of a meeting in progress may wait for the search index (under INDEX_SETTLE in
# archive/tasks.py, so that the recovery job never takes a reindex on its way for a lost one).
LIVE_REINDEX_DELAY = 60


def schedule_soon(meeting_id: int) -> None:
    """One reindex of the meeting LIVE_REINDEX_DELAY seconds from now, unless one is already waiting."""
    if suspended.active:
        return
    try:
        first = cache.add(f"archive:reindex-soon:{meeting_id}", 1, LIVE_REINDEX_DELAY)
    except (
        Exception
    ):  # a cache that does not answer (Redis restarting): the reindex goes now, as for any save
        schedule(meeting_id)
        return
    if not first:
        return
    transaction.on_commit(
        lambda: tasks.reindex_meetings.apply_async([[meeting_id]], countdown=LIVE_REINDEX_DELAY), robust=True
    )


@receiver([post_save, post_delete], sender=Meeting)
def _meeting_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    schedule(instance.pk)


@receiver(post_save, sender=Comment)
def _comment_saved(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    if instance.meeting.status == Meeting.Status.IN_PROGRESS:
        schedule_soon(instance.meeting_id)
    else:
        schedule(instance.meeting_id)


@receiver([post_save, post_delete], sender=AgendaItem)
@receiver(post_delete, sender=Comment)
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
