"""Search over everything a user may read, and nothing else.

PostgreSQL: full-text search over the folded words, in the tsvector column that PostgreSQL generates from
`plain` with the 'simple' configuration, answered by its GIN index (migration 0002). SQLite: each folded word must appear as a whole word in `plain`. Both see
the same words (archive/text.py), so they find the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.text import WORD, fold, words

from .models import SearchEntry

MAX_WORDS = 8
MAX_COUNT = 1000  # "more than 1,000 results": counting further costs time and tells the reader nothing


def matching(entries: QuerySet[SearchEntry], query: str) -> QuerySet[SearchEntry]:
    terms = words(query)[:MAX_WORDS]
    if not terms:
        return entries.none()
    if connection.vendor == "postgresql":
        # The stored tsvector column and its GIN index (migration 0002).
        return entries.filter(
            RawSQL(
                "archive_searchentry.vector @@ plainto_tsquery('simple'::regconfig, %s)",
                [" ".join(terms)],
                output_field=BooleanField(),
            )
        )
    for term in terms:
        entries = entries.filter(plain__contains=f" {term} ")
    return entries


def search(entries: QuerySet[SearchEntry], query: str) -> QuerySet[SearchEntry]:
    """Newest first, among `entries`: what the user may read (the view passes
    access.search_entries_visible_to(user))."""
    return matching(entries, query).select_related("cell").defer("plain").order_by("-date", "-id")


RECENT_DAYS = 92


def page_rows(results: QuerySet[SearchEntry], offset: int, size: int) -> list[SearchEntry]:
    """The rows [offset, offset + size) of the newest-first results.

    A common word matches tens of thousands of rows, and PostgreSQL, misjudging how many, fetches them all
    to sort them by date. The newest three months hold the page whenever they hold offset + size matches:
    try them first (a few thousand rows at most), and the whole archive only when they fall short."""
    since = timezone.localdate() - dt.timedelta(days=RECENT_DAYS)
    recent = list(results.filter(date__gte=since)[offset : offset + size])
    if len(recent) == size:
        return recent
    return list(results[offset : offset + size])


def count(results: QuerySet[SearchEntry]) -> int:
    """Up to MAX_COUNT + 1, without counting every row of a very common word."""
    return len(results.order_by().values_list("pk", flat=True)[: MAX_COUNT + 1])


def highlight(text: str, terms: set[str], width: int = 220) -> SafeString:
    """The text escaped, the matching words in <mark>, cut to about `width` characters around the first
    match."""
    text = text or ""
    found = [m for m in WORD.finditer(text) if fold(m.group()) in terms]
    start = 0
    if len(text) > width:
        first = _best_match(found, len(terms))
        start = max(0, min(first - width // 3, len(text) - width))
        start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    pieces, position = [], start
    for m in found:
        if m.start() < start or m.end() > end:
            continue
        pieces.append(escape(text[position : m.start()]))
        pieces.append(f"<mark>{escape(m.group())}</mark>")
        position = m.end()
    pieces.append(escape(text[position:end]))
    return mark_safe(("… " if start else "") + "".join(pieces) + (" …" if end < len(text) else ""))


def _best_match(found, wanted: int, reach: int = 80) -> int:
    """Where the snippet should show: the first place where the most of the asked words stand together
    ("đảng phí" in the dues section, not the first "ĐẢNG BỘ" of the minutes' heading)."""
    best, best_count = (found[0].start() if found else 0), 0
    for i, m in enumerate(found):
        near = set()
        for n in found[i:]:
            if n.start() - m.start() > reach:
                break
            near.add(fold(n.group()))
        if len(near) > best_count:
            best, best_count = m.start(), len(near)
            if best_count >= wanted:
                break
    return best


def url_for(entry: SearchEntry) -> str:
    """Where a result leads: the meeting (at the comment), the adopted minutes, the document."""
    if entry.kind == SearchEntry.Kind.MINUTES:
        return reverse("documents:minutes_version", args=[entry.object_id])
    if entry.kind == SearchEntry.Kind.DOCUMENT:
        return reverse("meetings:document", args=[entry.object_id])
    if entry.kind == SearchEntry.Kind.COMMENT:
        return reverse("meetings:live", args=[entry.meeting_id]) + f"#c-{entry.object_id}"
    return reverse("meetings:meeting", args=[entry.meeting_id])


@dataclass
class Result:
    entry: SearchEntry
    url: str
    title: SafeString
    snippet: SafeString


def present(entries, query: str) -> list[Result]:
    terms = set(words(query))
    return [Result(e, url_for(e), highlight(e.title, terms, 300), highlight(e.text, terms)) for e in entries]
