"""The demo's documents: the seed article's minutes as `manage.py render_minutes` and the Celery job write
them, signed by the model cell's committee with the demo's certificate."""

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from documents import minutes, pdf, signing
from documents.models import GeneratedPdf, SigningCertificate
from meetings.models import Meeting
from members.models import Organization
from ops.demo.members import MODEL_CELL
from ops.demo.signing import DEMO_PASSPHRASE

from ..conftest import require_service
from ..minutes.pages import flat, pdf_text, pdfa_identification
from .conftest import SIGNING_KEY


@pytest.fixture
def meeting(demo_data, db, settings, tmp_path):
    require_service(shutil.which("pdftotext") is not None, "poppler-utils pdftotext")
    settings.SIGNING_KEY = SIGNING_KEY
    return Meeting.objects.get(cell__name=MODEL_CELL, kind=Meeting.Kind.REGULAR, period=dt.date(2026, 11, 1))


def test_the_command_writes_the_demo_meetings_minutes_as_the_job_does(meeting, tmp_path):
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


def test_the_demo_signs_its_committees_adopted_minutes(meeting, tmp_path):
    """`make run` seeds the demo with SIGNING_KEY: the model cell's committee has a certificate from the demo
    CA, the article's minutes come out signed, and verify_pdf trusts them through the stored CA."""
    kept = SigningCertificate.objects.get()
    assert kept.organization == Organization.objects.get_parent(meeting.cell)
    assert DEMO_PASSPHRASE not in kept.passphrase_encrypted

    out = tmp_path / "bien-ban.pdf"
    call_command("render_minutes", meeting.pk, "--out", str(out), stdout=io.StringIO())
    [verdict] = signing.verify(out.read_bytes())  # the trust roots: the CA stored with the demo's file
    assert verdict.valid, verdict.summary
    assert verdict.signer == kept.subject_cn == "Đảng bộ Trường ĐH Kỹ thuật - CN Cần Thơ"
    assert pdfa_identification(out) == ("2", "B")
    said = io.StringIO()
    call_command("verify_pdf", str(out), stdout=said)
    assert "trusted: yes" in said.getvalue()
