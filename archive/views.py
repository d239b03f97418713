from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

import access
from core.downloads import download_name
from core.replica import replica_reads
from core.views import attempt
from documents import book, pdf
from documents.models import BookArchive, MinutesBook
from meetings.models import Meeting

from . import search

PER_PAGE = 20


@login_required
@replica_reads
def search_view(request):
    query = request.GET.get("q", "").strip()[:200]
    context = {"query": query, "results": None}
    if query:
        if not search.words(query):
            messages.error(request, _("Type at least one word to search for."))
        else:
            results = search.search(access.search_entries_visible_to(request.user), query)
            total = search.count(results)
            paginator = Paginator(results, PER_PAGE)
            paginator.count = min(total, search.MAX_COUNT)  # counted once, capped
            page = paginator.get_page(request.GET.get("page"))
            rows = search.page_rows(results, page.start_index() - 1, PER_PAGE) if total else []
            context.update(
                results=search.present(rows, query),
                page=page,
                total=total,
                more=total > search.MAX_COUNT,
                limit=search.MAX_COUNT,
            )
    return render(request, "archive/search.html", context)


# --- minutes books ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shelf:
    """One kind of yearly file an organisation asks for: a cell's minutes book, or a committee's ZIP of the
    books of every cell below it. Both are asked for, watched and downloaded by the same three views; the
    URLs name the shelf (archive/urls.py)."""

    what: str  # as archive/_status.html names it
    need: str  # what the user must be allowed on the organisation
    model: type[MinutesBook] | type[BookArchive]
    owner_field: str
    prepare: Callable  # (owner, year, by) → the file, marked as being prepared
    preparing: str  # the message while Celery prepares it
    page: str  # the page that lists the years
    filename: Callable  # (owner, year) → the name of the downloaded file
    content_type: str
    title: str  # the page's title, breadcrumb and heading
    intro: str  # what the file holds

    def owner(self, request, pk):
        organization, _may = access.organization_for(request.user, pk, need=self.need)
        return organization

    def item(self, owner, year):
        return self.model.objects.filter(**{self.owner_field: owner, "year": year}).first()


BOOKS = Shelf(
    what="book",
    need="keep_books",
    model=MinutesBook,
    owner_field="cell",
    prepare=lambda owner, year, by: book.request_book(cell=owner, year=year, by=by),
    preparing=gettext_lazy("The minutes book is being prepared; this page updates itself."),
    page="archive:cell_books",
    filename=lambda cell, year: download_name("so-bien-ban", cell.code or cell.pk, year, extension="pdf"),
    content_type="application/pdf",
    title=gettext_lazy("Minutes books"),
    intro=gettext_lazy(
        "One PDF per year: a cover, the contents with page numbers, then every adopted minutes in date order, "
        "each with its number and content hash."
    ),
)
ARCHIVES = Shelf(
    what="archive",
    need="review",
    model=BookArchive,
    owner_field="organization",
    prepare=lambda owner, year, by: book.request_archive(organization=owner, year=year, by=by),
    preparing=gettext_lazy("The books are being prepared; this page updates itself."),
    page="archive:committee_books",
    filename=lambda organization, year: f"so-bien-ban-{organization.pk}-{year}.zip",
    content_type="application/zip",
    title=gettext_lazy("Minutes books of the cells"),
    intro=gettext_lazy(
        "Every cell's book for the year in one ZIP file. Books whose minutes have not changed are not rendered "
        "again."
    ),
)


def _books_page(request, template, shelf, owner, years):
    context = {
        "owner": owner,
        "shelf": shelf,
        "what": shelf.what,
        "prepare_view": f"archive:{shelf.what}_request",
        "years": years,
    }
    return render(request, template, context)


@login_required
def cell_books(request, pk):
    cell = BOOKS.owner(request, pk)
    books = {b.year: b for b in MinutesBook.objects.filter(cell=cell)}
    years = [(year, count, books.get(year)) for year, count in book.book_years(cell).items()]
    return _books_page(request, "archive/cell_books.html", BOOKS, cell, years)


@login_required
def committee_books(request, pk):
    organization = ARCHIVES.owner(request, pk)
    years = sorted(
        {
            d.year
            for d in Meeting.objects.filter(
                cell__path__startswith=organization.path, minutes__versions__isnull=False
            )
            .values_list("period", flat=True)
            .distinct()
        },
        reverse=True,
    )
    archives = {a.year: a for a in BookArchive.objects.filter(organization=organization)}
    rows = [(year, book.cells_with_books(organization, year).count(), archives.get(year)) for year in years]
    return _books_page(request, "archive/committee_books.html", ARCHIVES, organization, rows)


@login_required
@require_POST
def prepare(request, pk, year, shelf):
    """Asks Celery for a file; a refusal (nothing to put in it) is said in Vietnamese on the page."""
    owner = shelf.owner(request, pk)
    attempt(
        request,
        lambda: shelf.prepare(owner, year, request.user),
        lambda _item: messages.info(request, shelf.preparing),
    )
    return redirect(shelf.page, owner.pk)


@login_required
def status(request, pk, year, shelf):
    owner = shelf.owner(request, pk)
    context = {"item": shelf.item(owner, year), "owner": owner, "year": year, "what": shelf.what}
    return render(request, "archive/_status.html", context)


@login_required
def download(request, pk, year, shelf):
    owner = shelf.owner(request, pk)
    item = shelf.item(owner, year)
    if item is None or item.status != item.Status.READY or not item.file:
        raise Http404
    try:
        handle = pdf.pdf_storage().open(item.file, "rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = shelf.filename(owner, year)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=shelf.content_type)
