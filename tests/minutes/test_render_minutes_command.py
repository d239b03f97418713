"""`manage.py render_minutes MEETING_ID --out FILE.pdf`: the adopted minutes as the Celery job renders them."""

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from documents import minutes, pdf
from documents.models import GeneratedPdf
from meetings.models import Meeting

from ..conftest import require_service
from .pages import flat, pdf_text, vi

MODEL_CELL = "Chi bộ Điện - Điện tử - Viễn thông - Kỹ thuật cơ khí"


def test_the_command_writes_the_demo_meetings_minutes_as_the_job_does(db, tmp_path):
    require_service(shutil.which("pdftotext") is not None, "poppler-utils pdftotext")
    call_command("seed_demo", stdout=io.StringIO())
    meeting = Meeting.objects.get(
        cell__name=MODEL_CELL, kind=Meeting.Kind.REGULAR, period=dt.date(2026, 11, 1)
    )
    out = tmp_path / "bien-ban.pdf"

    call_command("render_minutes", meeting.pk, "--out", str(out), stdout=io.StringIO())

    generated = minutes.request_pdf(meeting=meeting, kind=GeneratedPdf.Kind.MINUTES)
    assert pdf.render(generated.pk) is True
    generated.refresh_from_db()
    by_the_job = Path(settings.MEDIA_ROOT) / generated.file.name
    assert out.read_bytes().startswith(b"%PDF")
    assert pdf_text(out) == pdf_text(by_the_job)
    body = flat(pdf_text(out))
    # The model cell adopted every month's minutes since December 2025, all in the 2025–2030 committee term
    # (numbering does not restart in January), and those of its thematic meetings of December, March, June
    # and September (each its own minutes): 12 + 3 before November 2026's, which is the sixteenth.
    assert "Số 16-BB/CB" in body
    assert "BIÊN BẢN" in body
    assert "Cần Thơ, ngày 05 tháng 11 năm 2026" in body
    assert "Phạm Quốc Hùng" in body and "Võ Thị Ngọc Hân" in body
    assert "đồng chí tán thành" in body


def test_an_unknown_meeting_is_a_clear_error(db, tmp_path):
    out = tmp_path / "x.pdf"

    with pytest.raises(CommandError, match="No meeting 987654"):
        call_command("render_minutes", 987654, "--out", str(out))

    assert not out.exists()


def test_a_meeting_without_adopted_minutes_is_a_clear_error(closed, tmp_path):
    out = tmp_path / "x.pdf"

    with pytest.raises(CommandError) as refused:
        call_command("render_minutes", closed.meeting.pk, "--out", str(out))

    assert str(refused.value) == vi("The minutes have not been adopted yet.")
    assert not out.exists()
