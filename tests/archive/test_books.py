"""The yearly minutes book of a cell and the ZIP of the books under a committee, rendered by Celery (eager
here) and read back as the archivist reads them: with poppler's pdftotext."""

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from documents import book, minutes
from documents.models import BookArchive, MinutesBook

from ..conftest import require_service
from ..minutes.pages import text, vi
from .conftest import held, held_and_adopted, hold

YEAR = 2026
MARCH, JULY, OCTOBER, DECEMBER = (dt.date(YEAR, m, 1) for m in (3, 7, 10, 12))

# A line of the contents: "Số 02-BB/CB · 05/03/2026 · Sinh hoạt chi bộ thường kỳ tháng 03 năm 2026 .....3"
CONTENTS_LINE = re.compile(r"^\s*Số (\d\d-BB/CB) · (\d\d/\d\d/\d{4}) · (.+?)\s*\.{2,}\s*(\d+)\s*$")


@pytest.fixture
def poppler():
    require_service(shutil.which("pdftotext") is not None, "poppler-utils pdftotext")


def pdf_page(path: Path, number: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(number), "-l", str(number), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def contents(path: Path) -> list[tuple[str, str, int]]:
    """(number, date, page) of each line of the table of contents, on page 2."""
    page = pdf_page(path, 2)
    assert "MỤC LỤC" in page
    return [(m[1], m[2], int(m[4])) for m in map(CONTENTS_LINE.match, page.splitlines()) if m]


def downloaded(response, path: Path) -> Path:
    assert response.status_code == 200
    path.write_bytes(b"".join(response.streaming_content))
    return path


def book_url(name, cell, year=YEAR):
    return reverse(f"archive:{name}", args=[cell.pk, year])


def ask_for_the_book(client, cell, capture, year=YEAR):
    """The secretary presses "Prepare the book"; Celery (eager) renders it when the request commits."""
    with capture(execute=True):
        return client.post(book_url("book_request", cell, year), follow=True)


def test_the_book_has_a_cover_contents_with_true_page_numbers_and_the_minutes_in_date_order(
    world, cell, clock, login, poppler, tmp_path, django_capture_on_commit_callbacks
):
    # Adopted out of date order: October's minutes get number 01, March's 02, July's 03.
    for period in (OCTOBER, MARCH, JULY):
        held_and_adopted(world, cell, period, clock)
    client = login("secretary")

    response = ask_for_the_book(client, cell, django_capture_on_commit_callbacks)

    # The page shown after the request says the book is being prepared; its status line then polls.
    page = text(response)
    assert vi("The minutes book is being prepared; this page updates itself.") in page
    assert vi("preparing the PDF…") in page
    status = text(client.get(book_url("book_status", cell)))
    assert vi("Download PDF") in status and "8 trang" in status
    saved = MinutesBook.objects.get(cell=cell, year=YEAR)
    assert (saved.status, saved.entries) == (MinutesBook.Status.READY, 3)

    response = client.get(book_url("book_download", cell))
    assert response["Content-Type"] == "application/pdf"
    assert f"so-bien-ban-{cell.code or cell.pk}-{YEAR}.pdf" in response["Content-Disposition"]
    pdf = downloaded(response, tmp_path / "book.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")

    cover = pdf_page(pdf, 1)
    for line in (
        "ĐẢNG BỘ A",
        "CHI BỘ A1",
        "SỔ BIÊN BẢN SINH HOẠT CHI BỘ",
        "Năm 2026",
        "3 biên bản đã thông qua",
    ):
        assert line in cover

    listed = contents(pdf)
    assert [(number, day) for number, day, _page in listed] == [
        ("02-BB/CB", "05/03/2026"),
        ("03-BB/CB", "05/07/2026"),
        ("01-BB/CB", "05/10/2026"),
    ]
    pages = [page for _number, _day, page in listed]
    assert pages == sorted(pages) and pages[0] == 3
    for number, day, page in listed:
        month = day[3:5]
        header = f"Cần Thơ, ngày 05 tháng {month} năm {YEAR}"
        begins = pdf_page(pdf, page)
        assert f"Số {number}" in begins and "BIÊN BẢN" in begins and header in begins, (number, page)
        assert f"sinh hoạt chi bộ thường kỳ tháng {month} năm {YEAR}" in begins
        assert header not in pdf_page(pdf, page - 1), f"minutes {number} begins before page {page}"
    assert saved.pages >= pages[-1]

    # Nothing changed: asked again (as the committee's ZIP does), the stored book is kept as it is.
    rendered_at = saved.rendered_at
    assert book.render_book(saved.pk) is False
    saved.refresh_from_db()
    assert saved.rendered_at == rendered_at

    # December's minutes are adopted: the book is rendered again, with four minutes.
    held_and_adopted(world, cell, DECEMBER, clock)
    assert book.render_book(saved.pk) is True
    saved.refresh_from_db()
    assert saved.entries == 4
    again = downloaded(client.get(book_url("book_download", cell)), tmp_path / "again.pdf")
    assert [(number, day) for number, day, _page in contents(again)][-1] == ("04-BB/CB", "05/12/2026")


def test_the_book_is_kept_by_the_committee_and_those_above_not_by_members(
    world, cell, clock, login, poppler, django_capture_on_commit_callbacks
):
    held_and_adopted(world, cell, OCTOBER, clock)
    ask_for_the_book(login("secretary"), cell, django_capture_on_commit_callbacks)
    secretary_copy = b"".join(login("secretary").get(book_url("book_download", cell)).streaming_content)
    assert secretary_copy.startswith(b"%PDF")
    cell_books = reverse("archive:cell_books", args=[cell.pk])

    # The officer supervising the cell and the reviewer of the bloc read and download the same book.
    for persona in ("officer", "reviewer"):
        client = login(persona)
        assert "2026" in text(client.get(cell_books))
        response = client.get(book_url("book_download", cell))
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == secretary_copy

    # An ordinary member of the cell does not keep the book: no list, no download, no request.
    member = login("member")
    assert member.get(cell_books).status_code == 403
    assert member.get(book_url("book_download", cell)).status_code == 403
    assert member.post(book_url("book_request", cell)).status_code == 403

    # Nor does the secretary of another cell.
    outsider = login("outsider")
    assert outsider.get(cell_books).status_code in (403, 404)
    assert outsider.get(book_url("book_download", cell)).status_code in (403, 404)

    assert MinutesBook.objects.get(cell=cell, year=YEAR).requested_by == world.secretary.user


def test_a_year_without_adopted_minutes_has_no_book(
    world, cell, clock, login, django_capture_on_commit_callbacks
):
    # October's meeting was held and closed, but its minutes were never adopted.
    held(world, cell, OCTOBER, clock)
    client = login("secretary")

    for year in (YEAR, YEAR - 1):
        response = ask_for_the_book(client, cell, django_capture_on_commit_callbacks, year=year)
        assert vi("The cell has no adopted minutes in %(year)s.", year=year) in text(response)

    assert not MinutesBook.objects.exists()
    assert client.get(book_url("book_download", cell)).status_code == 404
    assert vi("No minutes have been adopted yet.") in text(
        client.get(reverse("archive:cell_books", args=[cell.pk]))
    )


# --- the committee's ZIP -------------------------------------------------------------------------------


def test_the_committee_zip_holds_one_book_per_cell_with_adopted_minutes(
    world, cell, clock, login, poppler, tmp_path, django_capture_on_commit_callbacks
):
    held_and_adopted(world, cell, OCTOBER, clock)
    outsider = {"chair": world.outsider, "clerk": world.outsider, "present": [world.outsider]}
    b1 = hold(world.other_cell, OCTOBER, clock=clock, by=world.outsider.user, **outsider)
    minutes.adopt(meeting=b1, by=world.outsider.user)
    # Chi bộ A2 held a meeting whose minutes were not adopted: it has no book.
    hold(
        world.cell_a2,
        OCTOBER,
        chair=world.officer,
        clerk=world.officer,
        present=[world.officer],
        clock=clock,
        by=world.officer.user,
    )

    reviewer = login("reviewer")
    listing = text(reviewer.get(reverse("archive:committee_books", args=[world.root.pk])))
    assert "2026 · 2 chi bộ" in listing

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(reverse("archive:archive_request", args=[world.root.pk, YEAR]), follow=True)
    assert vi("The books are being prepared; this page updates itself.") in text(response)
    assert BookArchive.objects.get(organization=world.root, year=YEAR).books == 2

    response = reviewer.get(reverse("archive:archive_download", args=[world.root.pk, YEAR]))
    assert response["Content-Type"] == "application/zip"
    zipped = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(zipped.namelist())
    assert len(names) == 2
    by_cell = {int(re.search(r"-(\d+)\.pdf$", name)[1]): name for name in names}
    assert set(by_cell) == {cell.pk, world.other_cell.pk}
    for organization, heading in ((cell, "CHI BỘ A1"), (world.other_cell, "CHI BỘ B1")):
        path = tmp_path / f"{organization.pk}.pdf"
        path.write_bytes(zipped.read(by_cell[organization.pk]))
        assert heading in pdf_page(path, 1)
        assert "Năm 2026" in pdf_page(path, 1)

    # A member of a cell below gets none of it: the committees above are not even shown to them (404, as
    # every page of an organization they do not see), and a cell has no committee ZIP (403).
    member = login("member")
    for organization, refused in ((world.root, 404), (world.branch_a, 404), (cell, 403)):
        assert member.get(reverse("archive:committee_books", args=[organization.pk])).status_code == refused
        assert (
            member.get(reverse("archive:archive_download", args=[organization.pk, YEAR])).status_code
            == refused
        )
        assert (
            member.post(reverse("archive:archive_request", args=[organization.pk, YEAR])).status_code
            == refused
        )
    assert BookArchive.objects.count() == 1
