"""The yearly minutes book of a cell (sổ biên bản, kept for the long term: DOMAIN.md §4.1), and the ZIP of
every book under a committee. Both are rendered by Celery and skipped when their source has not changed.

The table of contents takes its page numbers from WeasyPrint itself (CSS `target-counter`), so they are the
pages where each minutes begins in the file that is written.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.jobs import failure_recorded
from core.text import fold
from meetings.models import Meeting
from members.models import Organization

from . import pdf
from .models import BookArchive, MinutesBook, MinutesVersion

log = logging.getLogger(__name__)


def book_years(cell: Organization) -> dict[int, int]:
    """The years with adopted minutes, and how many in each."""
    years: dict[int, int] = {}
    for period in (
        Meeting.objects.filter(cell=cell, minutes__versions__isnull=False)
        .distinct()
        .values_list("period", flat=True)
    ):
        years[period.year] = years.get(period.year, 0) + 1
    return dict(sorted(years.items(), reverse=True))


def source(cell: Organization, year: int) -> dict:
    """What the book is rendered from: the latest adopted version of each minutes of the year, by date."""
    latest = {}
    for version in (
        MinutesVersion.objects.filter(minutes__meeting__cell=cell, minutes__meeting__period__year=year)
        .select_related("minutes__meeting")
        .order_by("minutes__meeting__scheduled_at", "minutes__meeting_id", "version")
    ):
        latest[version.minutes.meeting_id] = version  # in date order; a later version replaces the earlier
    parent = Organization.objects.get_parent(cell) if cell.depth > 1 else None
    return {
        "cell": cell.name,
        "superior": parent.name if parent else "",
        "year": year,
        "entries": [
            {
                "anchor": f"m{meeting_id}",
                "doc": v.content,
                "source": {"version": v.version, "sha256": v.sha256},
            }
            for meeting_id, v in latest.items()
        ],
    }


def source_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def render_book_bytes(data: dict) -> tuple[bytes, int]:
    with translation.override("vi"):
        html = render_to_string("documents/book.html", {"book": data, "made_on": timezone.localdate()})
    document = pdf._html_class()(string=html, base_url=str(pdf.settings.BASE_DIR / "static")).render()
    return document.write_pdf(pdf_variant=pdf.PDF_VARIANT), len(document.pages)


def request_book(*, cell: Organization, year: int, by) -> MinutesBook:
    if year not in book_years(cell):
        raise ValidationError(_("The cell has no adopted minutes in %(year)s.") % {"year": year})
    return MinutesBook.request(cell=cell, year=year, defaults={"requested_by": by})


def render_book(book_id: int) -> bool:
    """Renders one book. Returns False when the stored file already matches its source."""
    book = MinutesBook.objects.select_related("cell").filter(pk=book_id).first()
    if book is None:
        return False
    data = source(book.cell, book.year)
    digest = source_hash(data)
    name = f"books/{book.cell_id}/{book.year}.pdf"
    if book.is_current(name, digest):
        return False
    with failure_recorded(MinutesBook, book.pk):  # rendering and writing: a full disk is a failure shown
        content, pages = render_book_bytes(data)
        book.store(name, content, digest, pages=pages, entries=len(data["entries"]))
    log.info("rendered the %s minutes book of cell %s (%d pages)", book.year, book.cell_id, pages)
    return True


def cells_with_books(organization: Organization, year: int):
    return (
        Organization.objects.under(organization)
        .cells()
        .filter(meetings__period__year=year, meetings__minutes__versions__isnull=False)
        .distinct()
        .order_by("path")
    )


def request_archive(*, organization: Organization, year: int, by) -> BookArchive:
    if not cells_with_books(organization, year).exists():
        raise ValidationError(_("No cell below has adopted minutes in %(year)s.") % {"year": year})
    return BookArchive.request(organization=organization, year=year, defaults={"requested_by": by})


def render_archive(archive_id: int) -> bool:
    """Every cell's book (each rendered again only if its minutes changed), zipped."""
    archive = BookArchive.objects.select_related("organization").filter(pk=archive_id).first()
    if archive is None:
        return False
    storage = pdf.pdf_storage()
    with failure_recorded(BookArchive, archive.pk):
        books = []
        for cell in cells_with_books(archive.organization, archive.year):
            book, _created = MinutesBook.objects.get_or_create(cell=cell, year=archive.year)
            render_book(book.pk)
            book.refresh_from_db()
            books.append((cell, book))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zipped:  # PDFs are compressed
            for cell, book in books:
                label = slugify(fold(f"{cell.code} {cell.name}".strip())) or str(
                    cell.pk
                )  # "Đ" becomes "d", not nothing
                with storage.open(book.file, "rb") as handle:
                    zipped.writestr(f"so-bien-ban-{archive.year}-{label}-{cell.pk}.pdf", handle.read())
        archive.store(
            f"books/archives/{archive.organization_id}/{archive.year}.zip",
            buffer.getvalue(),
            hashlib.sha256("".join(b.source_hash for _c, b in books).encode()).hexdigest(),
            books=len(books),
        )
    return True
