"""The search index: every meeting's searchable pieces as SearchEntry rows, rebuilt a meeting at a time.

`reindex(meeting_ids)` is the only writer: it deletes the meetings' rows and writes them again from the
record, so running it twice, or for a meeting that no longer exists, is harmless. Signals (archive/signals.py)
enqueue it on commit after any change; `manage.py rebuild_search_index` and seed_scale run it in bulk.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.text import plain
from documents.models import Minutes, MinutesVersion
from meetings.models import AgendaItem, Comment, Document, Meeting, Task

from .models import IndexedMeeting, SearchEntry

HELD = (Meeting.Status.CLOSED, Meeting.Status.ADOPTED)


def _flatten(value) -> list[str]:
    """Every string inside the minutes' content (a JSON tree), in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _flatten(v)]
    if isinstance(value, list):
        return [s for v in value for s in _flatten(v)]
    return []


def entries_for(meeting_ids) -> list[SearchEntry]:
    """The rows of these meetings, built with a fixed number of queries whatever their number."""
    meetings = list(Meeting.objects.filter(pk__in=meeting_ids).select_related("cell"))
    ids = [m.pk for m in meetings]
    items = defaultdict(list)
    for item in AgendaItem.objects.filter(meeting_id__in=ids).only("meeting_id", "title", "text"):
        items[item.meeting_id].append(item)
    comments = defaultdict(list)
    for c in (
        Comment.objects.filter(meeting_id__in=ids)
        .values("pk", "meeting_id", "text", "answer", "speaker_name", "speaker__full_name")
        .order_by("pk")
    ):
        comments[c["meeting_id"]].append(c)
    documents = defaultdict(list)
    for d in Document.objects.filter(meeting_id__in=ids).values("pk", "meeting_id", "title", "original_name"):
        documents[d["meeting_id"]].append(d)
    versions = {}
    for v in (
        MinutesVersion.objects.filter(minutes__meeting_id__in=ids)
        .order_by("version")
        .values("pk", "minutes__meeting_id", "content")
    ):
        versions[v["minutes__meeting_id"]] = v  # the latest version wins
    conclusions = {
        m["meeting_id"]: (m["notes"] or {}).get("conclusion", "")
        for m in Minutes.objects.filter(meeting_id__in=ids).values("meeting_id", "notes")
    }
    tasks = defaultdict(list)
    for t in Task.objects.filter(meeting_id__in=ids).values("meeting_id", "title"):
        tasks[t["meeting_id"]].append(t["title"])

    rows = []
    for meeting in meetings:
        day = timezone.localtime(meeting.held_at).date()
        hidden = not meeting.is_published

        def add(kind, object_id, title, text="", restricted=False, meeting=meeting, day=day):
            title = title[:300]
            rows.append(
                SearchEntry(
                    kind=kind,
                    meeting=meeting,
                    cell_id=meeting.cell_id,
                    object_id=object_id,
                    date=day,
                    title=title,
                    text=text,
                    plain=plain(f"{title} {text}"),
                    restricted=restricted,
                )
            )

        add(SearchEntry.Kind.MEETING, meeting.pk, str(meeting.title), meeting.place, restricted=hidden)
        for item in items[meeting.pk]:
            add(SearchEntry.Kind.AGENDA, item.pk, item.title, item.text, restricted=hidden)
        for d in documents[meeting.pk]:
            add(SearchEntry.Kind.DOCUMENT, d["pk"], d["title"], d["original_name"], restricted=hidden)
        for c in comments[meeting.pk]:
            who = c["speaker__full_name"] or c["speaker_name"]
            text = f"{c['text']}\n{c['answer']}" if c["answer"] else c["text"]
            add(SearchEntry.Kind.COMMENT, c["pk"], _("Comment by comrade %(name)s") % {"name": who}, text)
        version = versions.get(meeting.pk)
        if version is not None:
            content = version["content"]
            title = _("Minutes no. %(number)s: %(title)s") % {
                "number": content.get("number", ""),
                "title": content.get("title", ""),
            }
            body = " · ".join(s for s in _flatten({k: v for k, v in content.items() if k != "title"}) if s)
            add(SearchEntry.Kind.MINUTES, version["pk"], title, body)
        conclusion = conclusions.get(meeting.pk, "")
        if meeting.status in HELD and (conclusion or tasks[meeting.pk]):
            title = _("Resolution: %(title)s") % {"title": meeting.title}
            add(SearchEntry.Kind.RESOLUTION, meeting.pk, title, "\n".join([conclusion, *tasks[meeting.pk]]))
    return rows


@transaction.atomic
def reindex(meeting_ids) -> int:
    """Writes the rows of these meetings again. Returns how many rows."""
    meeting_ids = list(meeting_ids)
    started = timezone.now()  # a change saved after this may be missing: its own reindex follows
    with translation.override("vi"):  # titles are stored as the reader sees them
        rows = entries_for(meeting_ids)
    SearchEntry.objects.filter(meeting_id__in=meeting_ids).delete()
    SearchEntry.objects.bulk_create(rows, batch_size=2000)
    existing = Meeting.objects.filter(pk__in=meeting_ids).values_list("pk", flat=True)
    IndexedMeeting.objects.bulk_create(
        [IndexedMeeting(meeting_id=pk, indexed_at=started) for pk in existing],
        update_conflicts=True,
        unique_fields=["meeting"],
        update_fields=["indexed_at"],
        batch_size=2000,
    )
    return len(rows)


# Where a meeting's record records when it changed: the audit history of its parts, and the write-once rows.
_CHANGES = [
    (Meeting.history, "id", "history_date"),
    (AgendaItem.history, "meeting", "history_date"),
    (Comment.history, "meeting", "history_date"),
    (Task.history, "meeting", "history_date"),
    (Minutes.history, "meeting", "history_date"),
    (Document.objects, "meeting", "uploaded_at"),
    (MinutesVersion.objects, "minutes__meeting", "created_at"),
]


def lagging(*, since, until) -> list[int]:
    """The meetings whose record changed between `since` and `until` after their search rows were written
    (or that were never indexed). Changes newer than `until` are left to the reindex already on its way."""
    changed: dict[int, object] = {}
    for manager, meeting, field in _CHANGES:
        for meeting_id, last in (
            manager.filter(**{f"{field}__gte": since, f"{field}__lt": until, f"{meeting}__isnull": False})
            .values_list(meeting)
            .annotate(last=Max(field))
            .order_by()
        ):
            if meeting_id not in changed or changed[meeting_id] < last:
                changed[meeting_id] = last
    indexed = dict(
        IndexedMeeting.objects.filter(meeting_id__in=changed).values_list("meeting_id", "indexed_at")
    )
    existing = set(Meeting.objects.filter(pk__in=changed).values_list("pk", flat=True))
    return sorted(
        m for m, last in changed.items() if m in existing and (m not in indexed or indexed[m] < last)
    )


def rebuild(batch: int = 2000, meetings=None, progress=None) -> int:
    """Every meeting (or those of `meetings`), a batch at a time."""
    ids = list(
        (meetings if meetings is not None else Meeting.objects.all())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = 0
    for start in range(0, len(ids), batch):
        total += reindex(ids[start : start + batch])
        if progress:
            progress(start + batch, len(ids))
    return total
