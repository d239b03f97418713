"""The live page's comment list, rendered once and kept in the cache by blocks (#19: the live page of a
meeting with 50 comments, opened by each of its phones, costs one rendering of each comment, not one per
phone).

The comments, in order, are cut into blocks of BLOCK; a block's key names its first and last comment, when
each was last answered and the meeting's status, so a block is rendered again only when one of its
comments is answered (or the status changes); a new comment changes the last block only. Only the members'
view is kept. The chair sees the same kept list with an answer form under each question still waiting
(`with_answer_forms`): the forms carry the chair's own CSRF token, which must never be handed to anyone else,
so they are added for each request and never kept.

The members' comment form is kept too (`comment_form`): crispy-forms' templates cost more than the rest of
the page, and the form is the same for every member of the meeting (the CSRF token is outside it).
"""

from __future__ import annotations

import hashlib
import logging
import re

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from . import speakers
from .models import Comment, Meeting

log = logging.getLogger(__name__)

BLOCK = 20
TIMEOUT = 6 * 3600  # a meeting's evening; a renamed speaker shows under the new name by the next one


def comment_rows(meeting: Meeting) -> list[tuple]:
    """(id, answered_at, speaker_id, speaker_name, agenda_item_id) of every comment, in order: one light
    query that also gives the counts (`counts`)."""
    return list(
        meeting.comments.order_by("pk").values_list(
            "pk", "answered_at", "speaker_id", "speaker_name", "agenda_item_id"
        )
    )


def counts(rows: list[tuple], turns=()) -> tuple[int, int]:
    """(speakers, opinions), as live.speaker_counts counts them; `turns`: the called speaking turns as
    (member_id, agenda_item_id)."""
    return speakers.counts(((speaker, name, item) for _pk, _a, speaker, name, item in rows), turns)


def _key(meeting: Meeting, block: list[tuple]) -> str:
    answered = hashlib.blake2b(
        "|".join(str(a.timestamp()) if a else "" for _pk, a, *_rest in block).encode(), digest_size=8
    ).hexdigest()
    first, last = block[0][0], block[-1][0]
    language = translation.get_language()
    return f"live:comments:{meeting.pk}:{language}:{meeting.status}:{first}:{last}:{answered}"


def _cached(call, otherwise):
    """A cache call that cannot fail the page: the cache is a shortcut, and a Redis restarting in the middle
    of an evening must not turn every phone's reload into an error (the page is rendered instead)."""
    try:
        return call()
    except Exception:  # the cache backend's connection or timeout errors
        log.warning("live page rendered without the cache", exc_info=False)
        return otherwise


def members_list(meeting: Meeting, rows: list[tuple]) -> SafeString:
    """The <li> of every comment as a member sees them (no answer forms), from the cache where it can."""
    blocks = [rows[i : i + BLOCK] for i in range(0, len(rows), BLOCK)]
    keys = [_key(meeting, block) for block in blocks]
    kept = _cached(lambda: cache.get_many(keys), {}) if keys else {}
    missing = [(key, block) for key, block in zip(keys, blocks, strict=True) if key not in kept]
    if missing:
        wanted = [pk for _key_, block in missing for pk, *_rest in block]
        comments = {
            c.pk: c for c in Comment.objects.filter(pk__in=wanted).select_related("speaker", "agenda_item")
        }
        fresh = {
            key: render_to_string(
                "meetings/_comments.html",
                {"comments": [comments[pk] for pk, *_rest in block], "meeting": meeting, "can_run": False},
            )
            for key, block in missing
        }
        _cached(lambda: cache.set_many(fresh, TIMEOUT), None)
        kept |= fresh
    return mark_safe("".join(kept[key] for key in keys))  # noqa: S308  (our own templates' output)


# Where a question still waits for the chair's answer, in the kept list (templates/meetings/_comment.html).
ANSWER_MARK = re.compile(r"<!--answer-form:(\d+)-->")


def with_answer_forms(html: str, form: str) -> SafeString:
    """The kept list as the chair sees it: each question still waiting gets its answer form. `form` is the
    chair's form for comment 0 (with the chair's own CSRF token, so never kept), made each question's as
    static/js/live.js makes it for a question that arrives later."""
    blank = reverse("meetings:answer", args=[0])

    def answer_form(mark) -> str:
        pk = mark[1]
        return form.replace(blank, reverse("meetings:answer", args=[pk])).replace(
            '"answer-0"', f'"answer-{pk}"'
        )

    return mark_safe(ANSWER_MARK.sub(answer_form, html))  # noqa: S308  (our own templates' output)


def comment_form(meeting: Meeting, form) -> SafeString:
    """The unbound comment form of a member (no speaker fields) as crispy renders it, kept per meeting,
    language, current item and agenda (its items' numbers and titles)."""
    agenda = hashlib.blake2b(repr(sorted(form.agenda_labels.items())).encode(), digest_size=8).hexdigest()
    language = translation.get_language()
    key = f"live:comment-form:{meeting.pk}:{language}:{meeting.current_item_id}:{agenda}"
    html = _cached(lambda: cache.get(key), None)
    if html is None:
        html = as_crispy_form(form)  # the template's `{{ form|crispy }}`: the fields, no <form> tag
        _cached(lambda: cache.set(key, html, TIMEOUT), None)
    return mark_safe(html)  # noqa: S308  (crispy's rendering of our own form)
