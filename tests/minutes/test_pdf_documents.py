"""The official PDFs read back with poppler: every Vietnamese letter intact, the header of a party
document, page numbers from page 2, and only the bundled serif faces, embedded (DOMAIN.md §4.2)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from documents import minutes
from documents.models import GeneratedPdf

from ..conftest import require_service
from .conftest import NOTES, adopt_vote, at
from .pages import flat, pdf_text

# The chair's report, long enough to carry the minutes onto a second page.
LONG_OPENING = "\n".join(
    f"Đồng chí Phạm Quốc Hùng báo cáo mục {n}: chi bộ đã lãnh đạo thực hiện tốt nhiệm vụ chính trị, "
    "công tác phát triển đảng viên, học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; "
    "đảng viên gương mẫu, đoàn kết, giữ gìn kỷ luật, kỷ cương."
    for n in range(1, 9)
)


@pytest.fixture(autouse=True)
def _poppler():
    require_service(shutil.which("pdftotext") is not None, "poppler-utils pdftotext")


def stored(meeting, kind) -> Path:
    generated = GeneratedPdf.objects.get(meeting=meeting, kind=kind)
    assert generated.status == GeneratedPdf.Status.READY, generated.error
    return Path(settings.MEDIA_ROOT) / generated.file.name


@pytest.fixture
def rendered(django_capture_on_commit_callbacks):
    """rendered(meeting, kind): that PDF requested, rendered once the transaction commits, and its file."""

    def render(meeting, kind) -> Path:
        with django_capture_on_commit_callbacks(execute=True):
            minutes.request_pdf(meeting=meeting, kind=kind)
        return stored(meeting, kind)

    return render


@pytest.fixture
def minutes_pdf(closed, world, django_capture_on_commit_callbacks) -> Path:
    """The closed meeting's minutes adopted with a long opening; the minutes PDF rendered on commit."""
    notes = {**NOTES, "opening": LONG_OPENING}
    minutes.save_notes(meeting=closed.meeting, notes=notes, by=world.fellow.user)
    adopt_vote(closed.meeting, by=world.fellow.user)
    with django_capture_on_commit_callbacks(execute=True):
        minutes.adopt(meeting=closed.meeting, by=world.fellow.user)
    return stored(closed.meeting, GeneratedPdf.Kind.MINUTES)


def lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines()]


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def first_page_xml(path: Path) -> str:
    """pdftohtml's reading of page 1, which marks bold and italic runs with <b> and <i>."""
    done = subprocess.run(
        ["pdftohtml", "-xml", "-stdout", "-i", "-f", "1", "-l", "1", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_the_minutes_pdf_has_the_header_of_a_party_document(minutes_pdf):
    page_one = lines(pdf_text(minutes_pdf, first=1, last=1))

    for line in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ A",
        "CHI BỘ A1",
        "*",
        "Số 01-BB/CB",
        "Cần Thơ, ngày 05 tháng 11 năm 2026",
        "BIÊN BẢN",
        "sinh hoạt chi bộ thường kỳ tháng 11 năm 2026",
    ):
        assert line in page_one, line


def test_the_party_name_and_cell_are_bold_and_the_place_and_date_italic(minutes_pdf):
    xml = first_page_xml(minutes_pdf)

    assert "<b>ĐẢNG CỘNG SẢN VIỆT NAM</b>" in xml
    assert "<b>CHI BỘ A1</b>" in xml
    assert "<i>Cần Thơ, ngày 05 tháng 11 năm 2026</i>" in xml


def test_the_minutes_pdf_keeps_every_vietnamese_letter_of_the_record(minutes_pdf):
    body = flat(pdf_text(minutes_pdf))

    for name in (
        "Phạm Quốc Hùng",
        "Võ Thị Ngọc Hân",
        "Nguyễn Hoàng Nam",
        "Dương Thị Mỹ Duyên",
        "Lê Văn Phúc",
    ):
        assert name in body, name
    assert "Đồng chí Nguyễn Hoàng Nam: Tổ kỹ thuật đã hoàn thành bảo trì trạm biến áp." in body
    assert "Đồng chí Dương Thị Mỹ Duyên: Đề nghị tăng cường học tập nghị quyết." in body
    assert "Vắng có lý do: Đặng Thị Thu Trang (Đi công tác Hà Nội)" in body
    assert "3/5 đồng chí tán thành (60,0%)" in body
    assert "Ẩn" not in body.split("Vắng không lý do:", 1)[1].split(".", 1)[0]
    assert "kết thúc lúc 16 giờ 05" in body
    signature_lines = lines(pdf_text(minutes_pdf))
    assert "THƯ KÝ" in signature_lines
    assert "CHỦ TRÌ" in signature_lines


def test_page_numbers_start_on_page_2(minutes_pdf):
    assert pages(minutes_pdf) >= 2

    assert "1" not in lines(pdf_text(minutes_pdf, first=1, last=1))
    assert "2" in lines(pdf_text(minutes_pdf, first=2, last=2))


def test_only_the_bundled_serif_faces_are_used_and_embedded(minutes_pdf):
    listing = subprocess.run(
        ["pdffonts", str(minutes_pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]

    fonts = [(row.split()[0].split("+", 1)[-1], row.split()[-5]) for row in listing if row.strip()]
    assert fonts
    assert {name for name, _emb in fonts} <= {
        "Chibo-Serif",
        "Chibo-Serif-Bold",
        "Chibo-Serif-Italic",
        "Chibo-Serif-BoldItalic",
    }
    assert all(embedded == "yes" for _name, embedded in fonts)


def test_the_resolution_pdf(adopted, rendered):
    path = rendered(adopted.meeting, GeneratedPdf.Kind.RESOLUTION)
    body = lines(pdf_text(path))
    assert "Số 01-NQ/CB" in body
    assert "NGHỊ QUYẾT" in body
    assert "T/M CHI BỘ" in body
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in body
    text = flat(pdf_text(path))
    assert "Hoàn thiện hồ sơ chuyển chính thức" in text
    assert "Võ Thị Ngọc Hân" in text
    assert NOTES["conclusion"] in text


def test_the_programme_pdf_lists_the_agenda(adopted, rendered):
    path = rendered(adopted.meeting, GeneratedPdf.Kind.PROGRAMME)
    text = flat(pdf_text(path))
    assert "CHƯƠNG TRÌNH" in text
    assert "14 giờ 00, ngày 05/11/2026" in text
    for item in adopted.meeting.agenda_items.all():
        assert item.title in text, item.title


def test_the_programme_is_dated_on_the_day_it_was_issued_not_on_the_meeting_day(adopted, rendered):
    meeting = adopted.meeting
    meeting.published_at = at(2026, 11, 2, 9, 30)  # published three days before the meeting of the 5th
    meeting.save(update_fields=["published_at"])

    text = flat(pdf_text(rendered(meeting, GeneratedPdf.Kind.PROGRAMME)))
    assert "ngày 02 tháng 11 năm 2026" in text
    assert "ngày 05 tháng 11 năm 2026" not in text
    assert "14 giờ 00, ngày 05/11/2026" in text  # the meeting it invites to keeps its own day
