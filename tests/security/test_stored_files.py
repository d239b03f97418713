"""Uploaded files are stored under the extension of their checked type; download names cannot be cut."""

from pathlib import Path

from django.urls import reverse

from meetings.models import Document

from ..meetings.files import pdf, png, upload
from ..test_permission_matrix import _meeting, _ready_book, _ready_pdf

RLO = "\u202e"


def test_a_pdf_named_html_is_stored_and_downloaded_as_pdf(world, login):
    client = login("secretary")
    meeting = _meeting(world)

    upload(client, meeting, "poly.html", pdf(), browser_type="text/html")

    document = Document.objects.get()
    assert Path(document.file.name).suffix == ".pdf"
    response = client.get(reverse("meetings:document", args=[document.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="poly.pdf"'


def test_a_right_to_left_override_name_is_stored_and_downloaded_under_the_real_type(world, login):
    client = login("secretary")
    meeting = _meeting(world)

    upload(client, meeting, f"anh-the{RLO}gnp.exe", png(), browser_type="application/x-msdownload")

    document = Document.objects.get()
    assert Path(document.file.name).suffix == ".png"
    response = client.get(reverse("meetings:document", args=[document.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="anh-thegnp.png"'


def test_a_cell_code_with_a_slash_and_quotes_does_not_cut_the_minutes_pdf_name(world, login):
    world.cell.code = 'CB/"Ấp 1"'
    world.cell.save()
    meeting = _ready_pdf(world)

    response = login("secretary").get(reverse("documents:pdf", args=[meeting.pk, "minutes"]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="minutes-CB-Ap-1-{meeting.period:%Y-%m}.pdf"'
    )


def test_a_cell_code_with_a_slash_does_not_cut_the_minutes_book_name(world, login):
    world.cell.code = "CB/ĐUK"
    world.cell.save()
    cell = _ready_book(world)

    response = login("secretary").get(reverse("archive:book_download", args=[cell.pk, 2026]))

    assert response["Content-Disposition"] == 'attachment; filename="so-bien-ban-CB-DUK-2026.pdf"'
