"""The archive: a search index over what meetings leave behind (the minutes books are documents')."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from members.models import Organization


class SearchEntry(models.Model):
    """One searchable piece of a meeting's record, with the words folded for accent-insensitive matching.

    Rebuilt per meeting by archive.index (after every change, on commit, by Celery). `restricted` marks
    what only the cell's committee may read: a meeting's agenda and documents before it is published.
    """

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        AGENDA = "agenda", _("Agenda item")
        COMMENT = "comment", _("Comment")
        MINUTES = "minutes", _("Minutes")
        RESOLUTION = "resolution", _("Resolution")
        DOCUMENT = "document", _("Document")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    date = models.DateField()
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    plain = models.TextField()
    restricted = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["cell", "-date"]),
            models.Index(fields=["meeting"]),
            models.Index(fields=["-date", "-id"]),
        ]
        # On PostgreSQL, migration 0002 adds a generated tsvector column `vector` and its GIN index.

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class IndexedMeeting(models.Model):
    """When a meeting's search rows were last written (archive.index.reindex). The recovery job
    (archive.tasks.recover) reindexes a meeting whose record changed after that: a reindex that failed for
    good, or whose message the broker lost, is made up within minutes instead of never."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, primary_key=True, related_name="+")
    indexed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.meeting_id} {self.indexed_at:%Y-%m-%d %H:%M}"
