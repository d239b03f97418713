"""Live updates pushed to the phones of an open meeting (docs/ARCHITECTURE.md, "The live path").

A change the phones must see (a comment posted or answered, the current item moved, the meeting opened or
closed) is rendered here once, as the same fragment the poll answers with (`_live_update.html`), and
published once to Redis on the meeting's channel with the meeting's next sequence number. The stream
(`chibo/push.py`, served by the ASGI server) forwards it to every phone of the meeting that listens, so a
comment costs one rendering whatever the number of phones. A phone that sees a gap in the sequence, or
whose stream is down, asks the poll instead: the poll stays the fallback and the source of truth.

Off unless settings.LIVE_PUSH and REDIS_URL are set (`make run` polls). A Redis that does not answer costs a
comment nothing but a log line: the publication is skipped for a few seconds and the phones, which lose
their stream at the same moment, poll.
"""

from __future__ import annotations

import json
import logging
import time

import redis
from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import translation
from redis.backoff import NoBackoff
from redis.retry import Retry

from . import live, signals, speakers
from .models import Comment, Meeting

log = logging.getLogger(__name__)

RETRY_AFTER_FAILURE = 5.0  # seconds during which a Redis that timed out is not asked again

# INCR and PUBLISH in one step, so that the order of the numbers is the order of the messages even when
# two comments are published at once. The message: "<sequence>\n<JSON>"; the counter lives a day.
_PUBLISH = """
local sequence = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 86400)
redis.call('PUBLISH', ARGV[1], sequence .. '\\n' .. ARGV[2])
return sequence
"""

_client = None
_script = None
_failed_at = 0.0


def enabled() -> bool:
    return bool(getattr(settings, "LIVE_PUSH", False) and settings.REDIS_URL)


# Names in Redis, under settings.LIVE_PUSH_PREFIX (two sites, or two test processes, on one Redis never
# hear each other's meetings): a channel per meeting, which the stream hears through one pattern, and
# the meeting's sequence counter.
def channel(meeting_id: int) -> str:
    return f"{settings.LIVE_PUSH_PREFIX}{meeting_id}"


def pattern() -> str:
    return f"{settings.LIVE_PUSH_PREFIX}*"


def sequence_key(meeting_id: int) -> str:
    return f"{settings.LIVE_PUSH_PREFIX}seq:{meeting_id}"


def _redis():
    global _client, _script
    if _client is None:
        # No retry: redis-py's default (10 tries, up to a second apart) would hold a comment's answer for
        # seconds while Redis restarts; a refused connection fails at once and costs nothing.
        _client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
        )
        _script = _client.register_script(_PUBLISH)
    return _client, _script


def update_html(meeting_id: int, comment_ids=(), comments=None, queue=False) -> tuple[str, int | None]:
    """The fragment every phone of the meeting applies, and the meeting's status; None when it is gone.
    One query for the meeting with its current item, counts and latest vote (`live.update_state`), and one for
    the comments unless the caller has them in hand (a comment just posted, with its speaker and item)."""
    published = [c.pk for c in comments] if comments is not None else list(comment_ids)
    meeting = live.update_state(meeting_id, published)
    if meeting is None:
        return "", None
    if comments is not None:
        comments = sorted(comments, key=lambda c: c.pk)
        for c in comments:
            if not Comment.agenda_item.is_cached(c) and c.agenda_item_id == meeting.current_item_id:
                c.agenda_item = meeting.current_item
    elif comment_ids:
        comments = list(
            meeting.comments.filter(pk__in=comment_ids)
            .select_related("speaker", "agenda_item")
            .order_by("pk")
        )
    else:
        comments = []
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "meetings/_live_update.html",
            {
                "meeting": meeting,
                "comments": comments,
                "speakers": meeting.speakers,
                "n_comments": meeting.n_comments,
                "last": "",  # a phone keeps its own poll cursor (static/js/live.js)
                # The largest id below these comments that this update does not carry: a phone that has
                # not polled past it missed a publication, and polls.
                "prev": meeting.prev,
                "can_run": False,
                # The vote on phones, by its id and revision: a phone whose mark differs asks the poll for its
                # own panel (the panel is drawn for each member: their choice, the close button for the chair).
                "vote_signature": meeting.vote_signature,
                # The speaker queue's signature is every update's (`update_state`); the queue itself comes
                # when it moved (`queue`: a step of meetings/speakers.py), one query for its turns.
                **({"queue": speakers.queue_of(meeting)} if queue else {}),
            },
        )
    return html, meeting.status


def publish(meeting_id: int, comment_ids=(), comments=None, queue=False) -> int | None:
    """Renders the update and publishes it; its sequence number, or None when nothing was published."""
    if not enabled() or time.monotonic() - _failed_at < RETRY_AFTER_FAILURE:
        return None
    html, status = update_html(meeting_id, comment_ids, comments, queue)
    if status is None:
        return None
    return send(meeting_id, json.dumps({"html": html, "status": status}, ensure_ascii=False))


def send(meeting_id: int, payload: str) -> int | None:
    """Publishes a rendered update on the meeting's channel: its sequence number, None if Redis failed."""
    global _failed_at
    try:
        _client_, script = _redis()
        return int(script(keys=[sequence_key(meeting_id)], args=[channel(meeting_id), payload]))
    except (redis.RedisError, OSError) as error:  # the phones poll meanwhile
        # Only a timeout (a network cut: each try would cost 0.5 s) makes the next publications skip Redis.
        # A refusal (Redis restarting) does not: a publication skipped once Redis is back, and the phones
        # with it, would reach no phone at all (no sequence number is spent, so no phone sees a gap).
        if isinstance(error, (redis.TimeoutError, TimeoutError)):
            _failed_at = time.monotonic()
        log.warning("live push to meeting %s skipped: %s", meeting_id, error)
        return None


def reset() -> None:
    """Forgets the connection and a recent failure (tests; a settings change)."""
    global _client, _script, _failed_at
    _client = _script = None
    _failed_at = 0.0


def _after_commit(meeting_id: int, comment_ids=(), comments=None, queue=False) -> None:
    if enabled():
        transaction.on_commit(lambda: publish(meeting_id, tuple(comment_ids), comments, queue), robust=True)


@receiver(signals.live_changed, sender=Meeting)
def _live_changed(sender, meeting_id, comment_ids=(), comments=None, speakers=False, **kwargs):
    _after_commit(meeting_id, comment_ids, comments, speakers)


@receiver(signals.status_changed, sender=Meeting)
def _status_changed(sender, meeting_id, **kwargs):
    _after_commit(meeting_id)
