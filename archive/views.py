from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import access
from core.downloads import download_name
from core.forms import error_text
from documents import book, pdf
from documents.models import BookArchive, MinutesBook
from meetings.models import Meeting

from . import search

PER_PAGE = 20


@login_required
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


# --- minutes books ----------------------------------------------------------------------------------


@login_required
def cell_books(request, pk):
    cell, _may = access.organization_for(request.user, pk, need="keep_books")
    books = {b.year: b for b in MinutesBook.objects.filter(cell=cell)}
    years = [(year, count, books.get(year)) for year, count in book.book_years(cell).items()]
    return render(request, "archive/cell_books.html", {"cell": cell, "years": years})


def _ask(request, prepare, message, back):
    """Asks Celery for a file; a refusal (nothing to put in it) is said in Vietnamese on the page."""
    try:
        prepare()
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.info(request, message)
    return back


def _status(request, item, owner, year, what):
    return render(request, "archive/_status.html", {"item": item, "owner": owner, "year": year, "what": what})


@login_required
@require_POST
def book_request(request, pk, year):
    cell, _may = access.organization_for(request.user, pk, need="keep_books")
    return _ask(
        request,
        lambda: book.request_book(cell=cell, year=year, by=request.user),
        _("The minutes book is being prepared; this page updates itself."),
        redirect("archive:cell_books", cell.pk),
    )


@login_required
def book_status(request, pk, year):
    cell, _may = access.organization_for(request.user, pk, need="keep_books")
    return _status(request, MinutesBook.objects.filter(cell=cell, year=year).first(), cell, year, "book")


def _file_response(item, filename, content_type):
    if item is None or item.status != item.Status.READY or not item.file:
        raise Http404
    try:
        handle = pdf.pdf_storage().open(item.file, "rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


@login_required
def book_download(request, pk, year):
    cell, _may = access.organization_for(request.user, pk, need="keep_books")
    item = MinutesBook.objects.filter(cell=cell, year=year).first()
    return _file_response(
        item, download_name("so-bien-ban", cell.code or cell.pk, year, extension="pdf"), "application/pdf"
    )


@login_required
def committee_books(request, pk):
    organization, _may = access.organization_for(request.user, pk, need="review")
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
    return render(request, "archive/committee_books.html", {"organization": organization, "years": rows})


@login_required
@require_POST
def archive_request(request, pk, year):
    organization, _may = access.organization_for(request.user, pk, need="review")
    return _ask(
        request,
        lambda: book.request_archive(organization=organization, year=year, by=request.user),
        _("The books are being prepared; this page updates itself."),
        redirect("archive:committee_books", organization.pk),
    )


@login_required
def archive_status(request, pk, year):
    organization, _may = access.organization_for(request.user, pk, need="review")
    item = BookArchive.objects.filter(organization=organization, year=year).first()
    return _status(request, item, organization, year, "archive")


@login_required
def archive_download(request, pk, year):
    organization, _may = access.organization_for(request.user, pk, need="review")
    item = BookArchive.objects.filter(organization=organization, year=year).first()
    return _file_response(item, f"so-bien-ban-{organization.pk}-{year}.zip", "application/zip")
