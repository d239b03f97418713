"""Documents are checked by their content, not their name, and only reach readers through the access check."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation

from meetings.models import Document, Guidance
from meetings.services import publish_guidance, publish_meeting

from .files import ELF, docx, pdf, plain_zip, png, upload, xlsx
from .pages import text, vi

NOT_ACCEPTED = "Only PDF, DOCX, XLSX, ODT and image (JPG, PNG, WEBP) files are accepted; this file is not one of them, whatever its name."


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("Dự thảo nghị quyết.pdf", pdf, "application/pdf"),
        (
            "Báo cáo tháng 11.docx",
            docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("Đảng phí quý IV.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("Ảnh hoạt động.png", png, "image/png"),
    ],
)
def test_a_real_document_is_attached(login, regular, name, make, content_type):
    client = login("secretary")
    content = make()

    response = upload(client, regular, name, content)

    assert response.status_code == 302
    document = Document.objects.get(meeting=regular)
    assert (document.title, document.original_name) == (name.rsplit(".", 1)[0], name)
    assert (document.content_type, document.size) == (content_type, len(content))
    with document.file.open("rb") as stored:
        assert stored.read() == content
    assert name not in document.file.name  # stored under a random name, never the uploader's
    assert document.title in text(client.get(regular.get_absolute_url()))


@pytest.mark.parametrize(
    ("name", "content", "browser_type"),
    [
        ("report.pdf", ELF, "application/pdf"),
        ("x.docx", plain_zip(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
    ids=["renamed-executable", "plain-zip"],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(
    login, regular, settings, name, content, browser_type
):
    response = upload(login("secretary"), regular, name, content, browser_type)

    assert response.status_code == 422
    assert vi(NOT_ACCEPTED) in text(response)
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_an_oversize_file_is_refused_with_both_sizes(login, regular, settings):
    settings.MAX_UPLOAD_SIZE = 1024
    content = pdf() + bytes(2048)

    response = upload(login("secretary"), regular, "Tài liệu dày.pdf", content)

    assert response.status_code == 422
    with translation.override("vi"):
        sizes = {"size": filesizeformat(len(content)), "limit": filesizeformat(1024)}
    assert vi("The file is %(size)s; the limit is %(limit)s.", **sizes) in text(response)
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_a_document_for_an_agenda_item_is_shown_under_it(login, regular):
    client = login("secretary")
    report = regular.agenda_items.get(section="report")

    upload(
        client,
        regular,
        "Báo cáo tháng 11.docx",
        docx(),
        agenda_item=report.pk,
        title="Báo cáo kết quả tháng 11",
    )

    assert Document.objects.get().agenda_item == report
    page = text(client.get(regular.get_absolute_url()))
    item_text = page.split(report.title, 1)[1]
    assert item_text.index("Báo cáo kết quả tháng 11") < item_text.index(vi("Documents"))


def test_nothing_is_attached_to_a_published_agenda(login, regular, settings):
    publish_meeting(meeting=regular, by=None)

    response = upload(login("secretary"), regular, "Muộn.pdf", pdf())

    assert response.status_code == 422
    assert vi("The agenda can only be changed before it is published; reopen it first.") in text(response)
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def attach(client, meeting, name="Dự thảo nghị quyết tháng 12.pdf"):
    upload(client, meeting, name, pdf())
    return Document.objects.get(original_name=name)


def test_a_member_downloads_a_document_of_a_published_meeting(login, regular):
    document = attach(login("secretary"), regular)
    publish_meeting(meeting=regular, by=None)

    response = login("member").get(reverse("meetings:document", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf()
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and quote("Dự thảo nghị quyết tháng 12.pdf") in disposition


def test_a_draft_meetings_document_is_the_committees_alone(login, regular):
    document = attach(login("secretary"), regular)
    url = reverse("meetings:document", args=[document.pk])

    assert login("secretary").get(url).status_code == 200
    assert login("member").get(url).status_code == 404


def test_the_outsider_never_gets_the_document(login, regular):
    document = attach(login("secretary"), regular)
    publish_meeting(meeting=regular, by=None)
    assert login("outsider").get(reverse("meetings:document", args=[document.pk])).status_code == 404


def test_guidance_documents_reach_the_cells_once_published(login, world, regular):
    guidance = Guidance.objects.create(
        organization=world.root, period=regular.period, title="Định hướng", text="…"
    )
    login("reviewer").post(
        reverse("meetings:guidance_document_add", args=[guidance.pk]),
        {"title": "Hướng dẫn kiểm điểm", "file": SimpleUploadedFile("hd.pdf", pdf())},
    )
    url = reverse("meetings:document", args=[Document.objects.get(guidance=guidance).pk])

    assert login("member").get(url).status_code == 404
    publish_guidance(guidance=guidance, by=None)
    assert login("member").get(url).status_code == 200
