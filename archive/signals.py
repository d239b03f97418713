"""Keeps the search index in step: any saved or deleted piece of a meeting's record enqueues that meeting's
reindex once the transaction commits (once per meeting and transaction, however many rows changed)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.suspension import Suspension
from documents.models import Minutes, MinutesVersion
from meetings.models import AgendaItem, Comment, Document, Meeting, Task

# Bulk writers (the demo) index once at the end instead of after every save.
suspended = Suspension()


def _enqueue(meeting_ids) -> None:
    from . import tasks

    tasks.reindex_meetings.delay(sorted(meeting_ids))


def _flush() -> None:
    connection = transaction.get_connection()
    pending, connection._search_pending = getattr(connection, "_search_pending", None), None
    if pending:
        _enqueue(pending)


def schedule(meeting_id: int) -> None:
    if suspended.active:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        # robust: a broker that is down is logged, never turned into an error for the user who just saved.
        transaction.on_commit(lambda: _enqueue([meeting_id]), robust=True)  # runs at once in autocommit
        return
    pending = getattr(connection, "_search_pending", None)
    # A rolled-back transaction drops its callbacks: start a new set when ours is no longer waiting.
    if pending is None or not any(callback is _flush for _ids, callback, _robust in connection.run_on_commit):
        pending = connection._search_pending = set()
        transaction.on_commit(_flush, robust=True)
    pending.add(meeting_id)


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
