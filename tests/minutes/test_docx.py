"""The programme, the resolution and the minutes as Word files, read back with python-docx: the official
layout of the PDFs (DOMAIN.md §4.2), the same words, a copy mark on adopted documents and a draft mark on the
draft, and the PDF download's rules about who gets which file."""

import io
import shutil

import docx
import pytest
from django.urls import reverse
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from documents import minutes
from documents.models import GeneratedPdf
from meetings.models import Meeting
from meetings.services import plan_regular_meeting

from ..conftest import require_service
from .conftest import NOTES, NOVEMBER
from .pages import flat, pdf_text, vi
from .test_pdf_documents import stored

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
COPY = "Copy — the original is the adopted PDF"
ISSUED = "Copy — the original is the issued PDF"
DRAFT = "Draft — not adopted"


def url(meeting, kind):
    return reverse("documents:docx", args=[meeting.pk, kind])


def download(client, meeting, kind):
    response = client.get(url(meeting, kind))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == DOCX
    return response, docx.Document(io.BytesIO(b"".join(response.streaming_content)))


def cell_lines(cell) -> list[str]:
    return [paragraph.text for paragraph in cell.paragraphs]


def body_paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def marks(document) -> list[str]:
    section = document.sections[0]
    return [
        " ".join(p.text for p in header.paragraphs).strip()
        for header in (section.first_page_header, section.header)
    ]


def the_run(paragraph, text):
    return next(run for run in paragraph.runs if run.text == text)


@pytest.fixture
def rendered_pdf(django_capture_on_commit_callbacks):
    def render(meeting, kind):
        with django_capture_on_commit_callbacks(execute=True):
            minutes.request_pdf(meeting=meeting, kind=kind)
        return stored(meeting, kind)

    return render


# --- The official layout ------------------------------------------------------------------------------------


def test_the_adopted_minutes_read_back_with_the_header_number_date_title_and_signatures(adopted, login):
    response, document = download(login("member"), adopted.meeting, "minutes")

    assert response["Content-Disposition"] == 'attachment; filename="minutes-CB-2026-11.docx"'
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert cell_lines(left) == ["ĐẢNG BỘ A", "CHI BỘ A1", "*", "Số 01-BB/CB"]
    assert cell_lines(right) == ["ĐẢNG CỘNG SẢN VIỆT NAM", "Cần Thơ, ngày 05 tháng 11 năm 2026"]
    assert the_run(left.paragraphs[1], "CHI BỘ A1").bold
    party = the_run(right.paragraphs[0], "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert party.bold and party.underline and party.font.size == Pt(15)
    assert the_run(right.paragraphs[1], "Cần Thơ, ngày 05 tháng 11 năm 2026").italic
    body = body_paragraphs(document)
    assert body[:2] == ["BIÊN BẢN", "sinh hoạt chi bộ thường kỳ tháng 11 năm 2026"]
    signatures = document.tables[-1].rows[0].cells
    assert [cell_lines(c) for c in signatures] == [
        ["THƯ KÝ", "Võ Thị Ngọc Hân"],
        ["CHỦ TRÌ", "Phạm Quốc Hùng"],
    ]
    assert f"SHA-256 {adopted.version.sha256}" in body[-1]


def test_the_body_is_times_new_roman_14_on_a4_with_the_official_margins(adopted, login):
    _response, document = download(login("member"), adopted.meeting, "minutes")

    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    assert normal.paragraph_format.line_spacing == Pt(20)  # exact, as the PDF's line
    section = document.sections[0]
    size = (section.page_width, section.page_height)
    margins = (section.top_margin, section.right_margin, section.bottom_margin, section.left_margin)
    assert [round(length.mm) for length in size] == [210, 297]  # A4 (stored in twips: 210 mm is 11907)
    assert [round(length.mm) for length in margins] == [20, 15, 20, 30]
    # Nothing the text uses names a theme font: Word would otherwise fall back on its theme's Calibri.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for element in (document.element.body, defaults, normal.element):
        assert "theme" not in etree.tostring(element).decode().lower().replace("xmlns", "")


def test_the_word_file_states_what_the_pdf_states(adopted, login):
    require_service(shutil.which("pdftotext") is not None, "poppler-utils pdftotext")
    _response, document = download(login("member"), adopted.meeting, "minutes")
    pdf = flat(pdf_text(stored(adopted.meeting, GeneratedPdf.Kind.MINUTES)))

    paragraphs = body_paragraphs(document)
    assert len(paragraphs) > 20
    for paragraph in paragraphs:
        if paragraph != "-----":  # pdftotext joins a line of hyphens to the next, as a hyphenated word
            assert flat(paragraph) in pdf, paragraph
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for line in cell_lines(cell):
                    assert flat(line) in pdf, line
    assert NOTES["conclusion"] in paragraphs


def test_the_resolution_reads_back_with_its_number_and_signature(adopted, login, rendered_pdf):
    rendered_pdf(adopted.meeting, GeneratedPdf.Kind.RESOLUTION)

    response, document = download(login("member"), adopted.meeting, "resolution")

    assert response["Content-Disposition"] == 'attachment; filename="resolution-CB-2026-11.docx"'
    left, right = document.tables[0].rows[0].cells
    assert cell_lines(left)[-1] == "Số 01-NQ/CB"
    assert cell_lines(right)[-1] == "Cần Thơ, ngày 05 tháng 11 năm 2026"
    assert "NGHỊ QUYẾT" in body_paragraphs(document)
    assert NOTES["conclusion"] in body_paragraphs(document)
    tasks = document.tables[1]
    assert [c.text for c in tasks.rows[1].cells] == [
        "Hoàn thiện hồ sơ chuyển chính thức",
        "Võ Thị Ngọc Hân",
        "30/11/2026",
    ]
    recipients, signature = document.tables[-1].rows[0].cells
    assert cell_lines(signature) == ["T/M CHI BỘ", "BÍ THƯ", "Phạm Quốc Hùng"]
    assert marks(document) == [vi(COPY), vi(COPY)]


def test_the_programme_lists_the_agenda_and_is_a_copy_of_the_issued_pdf(adopted, login, rendered_pdf):
    rendered_pdf(adopted.meeting, GeneratedPdf.Kind.PROGRAMME)

    _response, document = download(login("member"), adopted.meeting, "programme")

    left, right = document.tables[0].rows[0].cells
    assert cell_lines(left) == ["ĐẢNG BỘ A", "CHI BỘ A1", "*"]  # a programme is not numbered
    assert "CHƯƠNG TRÌNH" in body_paragraphs(document)
    agenda = document.tables[1]
    titles = [row.cells[1].text for row in agenda.rows[1:]]
    assert titles == [item.title for item in adopted.meeting.agenda_items.all()]
    assert cell_lines(document.tables[-1].rows[0].cells[1]) == ["T/M CHI ỦY", "BÍ THƯ"]
    assert marks(document) == [vi(ISSUED), vi(ISSUED)]


# --- Copy and draft ---------------------------------------------------------------------------------------


def test_adopted_minutes_are_marked_as_a_copy_on_every_page(adopted, login):
    _response, document = download(login("member"), adopted.meeting, "minutes")

    assert marks(document) == [vi(COPY), vi(COPY)]  # the first page's header and the others'
    assert vi(DRAFT) not in document.sections[0].header.paragraphs[0].text


def test_the_draft_minutes_are_marked_as_a_draft_and_say_what_the_page_shows(closed, world, login):
    minutes.save_notes(meeting=closed.meeting, notes=NOTES, by=world.fellow.user)

    response, document = download(login("fellow"), closed.meeting, "minutes")

    assert response["Content-Disposition"] == 'attachment; filename="minutes-draft-CB-2026-11.docx"'
    assert marks(document) == [vi(DRAFT), vi(DRAFT)]
    left, _right = document.tables[0].rows[0].cells
    assert cell_lines(left) == ["ĐẢNG BỘ A", "CHI BỘ A1", "*"]  # numbered only when adopted
    body = body_paragraphs(document)
    assert NOTES["opening"] in body and NOTES["conclusion"] in body
    assert not any("SHA-256" in line for line in body)


# --- Who gets which file ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("officer", 403), ("outsider", 404), ("fellow", 200), ("secretary", 200)],
)
def test_the_draft_is_for_those_who_write_the_minutes(closed, login, persona, status):
    assert login(persona).get(url(closed.meeting, "minutes")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"), [("member", 200), ("officer", 200), ("reviewer", 200), ("outsider", 404)]
)
def test_adopted_minutes_are_for_everyone_who_reads_the_meeting(adopted, login, persona, status):
    assert login(persona).get(url(adopted.meeting, "minutes")).status_code == status


def test_the_draft_is_there_from_the_opening_of_the_meeting(in_progress, login):
    _response, document = download(login("fellow"), in_progress.meeting, "minutes")

    assert marks(document) == [vi(DRAFT), vi(DRAFT)]
    assert "- Đồng chí Nguyễn Hoàng Nam: Tổ kỹ thuật đã hoàn thành bảo trì trạm biến áp." in body_paragraphs(
        document
    )


def test_there_is_no_draft_before_the_meeting_opens(world, cell, login):
    meeting, _created = plan_regular_meeting(cell=cell, period=NOVEMBER)

    assert login("secretary").get(url(meeting, "minutes")).status_code == 404


def test_the_resolution_and_the_programme_wait_for_their_pdf(adopted, login):
    client = login("secretary")

    assert client.get(url(adopted.meeting, "resolution")).status_code == 404
    assert client.get(url(adopted.meeting, "programme")).status_code == 404
    assert client.get(url(adopted.meeting, "book")).status_code == 404


def test_an_unpublished_programme_is_the_committees_only(world, cell, login):
    meeting, _created = plan_regular_meeting(cell=cell, period=NOVEMBER)
    GeneratedPdf.objects.create(meeting=meeting, kind="programme", status="ready", file="pdf/x/programme.pdf")
    assert meeting.status == Meeting.Status.PLANNED

    assert login("member").get(url(meeting, "programme")).status_code == 404
    assert login("outsider").get(url(meeting, "programme")).status_code == 404
    assert login("secretary").get(url(meeting, "programme")).status_code == 200


# --- Where the links are --------------------------------------------------------------------------------------


def test_the_word_file_is_offered_beside_each_ready_pdf(adopted, login, rendered_pdf):
    rendered_pdf(adopted.meeting, GeneratedPdf.Kind.PROGRAMME)
    client = login("member")

    minutes_page = client.get(reverse("documents:minutes", args=[adopted.meeting.pk])).content.decode()
    meeting_page = client.get(reverse("meetings:meeting", args=[adopted.meeting.pk])).content.decode()

    assert f'href="{url(adopted.meeting, "minutes")}"' in minutes_page
    assert f'href="{url(adopted.meeting, "resolution")}"' not in minutes_page  # its PDF is not prepared
    assert f'href="{url(adopted.meeting, "programme")}"' in meeting_page


def test_the_draft_is_offered_on_the_minutes_page_of_a_closed_meeting(closed, login):
    page = login("fellow").get(reverse("documents:minutes", args=[closed.meeting.pk])).content.decode()

    assert f'href="{url(closed.meeting, "minutes")}"' in page
