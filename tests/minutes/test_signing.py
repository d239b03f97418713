"""Adopted minutes and resolutions signed with the issuing committee's certificate (PAdES, pyHanko), kept
as PDF/A-2b; the certificate uploaded in the admin, its passphrase encrypted at rest (issue #20)."""

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext

from documents import minutes, signing
from documents.admin import SigningCertificateForm
from documents.models import GeneratedPdf, SigningCertificate
from members.models import Organization
from ops.demo.signing import DEMO_PASSPHRASE, make_authority, make_pkcs12

from ..conftest import require_service
from .conftest import adopt_record
from .pages import pdf_text, pdfa_identification, text, vi

COMMITTEE_CN = "Đảng ủy Khối A — chữ ký số"


@pytest.fixture(autouse=True)
def signing_key(settings):
    require_service(shutil.which("pdfinfo") is not None, "poppler-utils pdfinfo")
    settings.SIGNING_KEY = "test-only-signing-key"


@pytest.fixture(scope="module")
def authority():
    return make_authority("CA thử nghiệm")


@pytest.fixture
def certificate(cell, authority):
    """The committee directly above the cell keeps a certificate issued by the test CA."""
    committee = Organization.objects.get_parent(cell)
    return signing.store_certificate(
        organization=committee, data=make_pkcs12(COMMITTEE_CN, authority), passphrase=DEMO_PASSPHRASE
    )


def ca_roots(authority):
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    return [asn1_x509.Certificate.load(authority[1].public_bytes(serialization.Encoding.DER))]


def stored(meeting, kind) -> Path:
    generated = GeneratedPdf.objects.get(meeting=meeting, kind=kind)
    assert generated.status == GeneratedPdf.Status.READY, generated.error
    return Path(settings.MEDIA_ROOT) / generated.file.name


adopt = adopt_record  # after the test has set up (or not) the committee's certificate


def pdf_version(path: Path) -> str:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return re.search(r"PDF version:\s+(\S+)", info).group(1)


def fonts(path: Path) -> list[tuple[str, str]]:
    """(name, embedded) of each font in the file, as pdffonts reads them."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        columns = line.split()
        rows.append((columns[0], columns[-5]))  # name … emb sub uni object ID
    return rows


def test_adopted_minutes_are_signed_pdfa_and_validate_against_the_ca(
    closed, world, certificate, authority, django_capture_on_commit_callbacks
):
    adopt(closed, world, django_capture_on_commit_callbacks)
    path = stored(closed.meeting, GeneratedPdf.Kind.MINUTES)
    data = path.read_bytes()

    [verdict] = signing.verify(data, roots=ca_roots(authority))
    assert verdict.intact and verdict.trusted and verdict.whole_file, verdict.summary
    assert verdict.signer == COMMITTEE_CN
    assert "INTACT" in verdict.summary and "TRUSTED" in verdict.summary
    assert GeneratedPdf.objects.get(meeting=closed.meeting, kind="minutes").signed_by == COMMITTEE_CN
    # Still PDF/A-2b after the incremental signature, every font embedded (the stamp's too).
    assert pdfa_identification(path) == ("2", "B")
    assert pdf_version(path) == "1.7"  # PDF/A-2 is PDF 1.7: an EC key must not raise it to 2.0
    assert fonts(path) and all(embedded == "yes" for _name, embedded in fonts(path)), fonts(path)
    assert any("ChiboStampSerif" in name for name, _e in fonts(path))
    # The visible block, in Vietnamese, in the chair's signature space of the last page.
    body = " ".join(pdf_text(path).split())
    assert f"Đã ký số bởi {COMMITTEE_CN}" in body
    assert re.search(r"ngày \d\d/\d\d/\d{4}", body)


def test_one_byte_changed_in_the_signed_range_invalidates_the_signature(
    closed, world, certificate, authority, django_capture_on_commit_callbacks
):
    adopt(closed, world, django_capture_on_commit_callbacks)
    data = bytearray(stored(closed.meeting, GeneratedPdf.Kind.MINUTES).read_bytes())
    start, length = (int(n) for n in re.search(rb"/ByteRange \[\s*(\d+)\s+(\d+)", data).groups())
    assert start == 0
    # Inside the first signed segment (not the CMS blob in /Contents, which the digest leaves out), in
    # the page content the reader shows.
    position = length // 2
    data[position] ^= 0x01

    verdicts = signing.verify(bytes(data), roots=ca_roots(authority))
    assert verdicts and not verdicts[0].valid
    assert not verdicts[0].intact


def test_a_correction_is_signed_anew(
    closed, world, certificate, authority, correction, django_capture_on_commit_callbacks
):
    adopt(closed, world, django_capture_on_commit_callbacks)
    first = stored(closed.meeting, GeneratedPdf.Kind.MINUTES).read_bytes()

    closing = "Buổi sinh hoạt kết thúc lúc 16 giờ 05."
    version = correction(closed.meeting, reason="Ghi đúng giờ kết thúc", closing=closing)
    second = stored(closed.meeting, GeneratedPdf.Kind.MINUTES).read_bytes()

    assert version.version == 2
    assert first != second
    for data in (first, second):
        [verdict] = signing.verify(data, roots=ca_roots(authority))
        assert verdict.valid, verdict.summary
    assert "16 giờ 05" in " ".join(pdf_text_of(second).split())


def pdf_text_of(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_resolution_is_signed_once_the_minutes_are_adopted(
    closed, world, certificate, authority, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        minutes.request_pdf(meeting=closed.meeting, kind=GeneratedPdf.Kind.RESOLUTION)
    assert signing.verify(stored(closed.meeting, "resolution").read_bytes()) == []  # closed: a draft stage

    adopt(closed, world, django_capture_on_commit_callbacks)

    [verdict] = signing.verify(stored(closed.meeting, "resolution").read_bytes(), roots=ca_roots(authority))
    assert verdict.valid and verdict.signer == COMMITTEE_CN


def test_without_a_certificate_the_pdf_is_unsigned_and_the_page_says_so(
    closed, world, login, django_capture_on_commit_callbacks
):
    adopt(closed, world, django_capture_on_commit_callbacks)
    path = stored(closed.meeting, GeneratedPdf.Kind.MINUTES)

    assert signing.verify(path.read_bytes()) == []
    assert pdfa_identification(path) == ("2", "B")
    assert GeneratedPdf.objects.get(meeting=closed.meeting, kind="minutes").signed_by == ""
    page = text(login("secretary").get(reverse("documents:minutes", args=[closed.meeting.pk])))
    committee = Organization.objects.get_parent(closed.meeting.cell)
    assert vi("Not digitally signed: no certificate for %(committee)s.", committee=committee.name) in page


def test_with_a_certificate_the_page_names_the_signer(
    closed, world, login, certificate, django_capture_on_commit_callbacks
):
    adopt(closed, world, django_capture_on_commit_callbacks)
    page = text(login("secretary").get(reverse("documents:minutes", args=[closed.meeting.pk])))
    assert COMMITTEE_CN in page


def test_without_a_signing_key_nothing_is_signed_and_the_page_says_so(
    closed, world, login, certificate, settings, django_capture_on_commit_callbacks
):
    settings.SIGNING_KEY = ""
    adopt(closed, world, django_capture_on_commit_callbacks)

    assert signing.verify(stored(closed.meeting, GeneratedPdf.Kind.MINUTES).read_bytes()) == []
    page = text(login("secretary").get(reverse("documents:minutes", args=[closed.meeting.pk])))
    assert vi("Not digitally signed: digital signing is not set up on this server.") in page


def test_the_nearest_committee_with_a_valid_certificate_signs(cell, authority):
    committee = Organization.objects.get_parent(cell)
    root = Organization.objects.get_root(cell)
    assert signing.certificate_for_cell(cell) is None
    from_root = signing.store_certificate(
        organization=root, data=make_pkcs12("Đảng ủy cấp trên", authority, "a"), passphrase="a"
    )
    assert signing.certificate_for_cell(cell) == from_root
    nearest = signing.store_certificate(
        organization=committee, data=make_pkcs12("Đảng ủy gần nhất", authority, "b"), passphrase="b"
    )
    assert signing.certificate_for_cell(cell) == nearest
    SigningCertificate.objects.filter(pk=nearest.pk).update(valid_until=nearest.valid_from)  # expired
    assert signing.certificate_for_cell(cell) == from_root


def test_the_passphrase_is_not_stored_in_the_clear(certificate):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {SigningCertificate._meta.db_table} WHERE id = %s", [certificate.pk])
        row = cursor.fetchone()
    raw = b"".join(bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row)
    assert DEMO_PASSPHRASE.encode() not in raw
    assert signing.decrypt_passphrase(certificate.passphrase_encrypted) == DEMO_PASSPHRASE.encode()


def upload_form(committee, data, passphrase):
    return SigningCertificateForm(
        data={"organization": committee.pk, "passphrase": passphrase},
        files={"upload": SimpleUploadedFile("uy-ban.p12", data, content_type="application/x-pkcs12")},
    )


def test_the_admin_form_refuses_a_wrong_passphrase(cell, authority):
    committee = Organization.objects.get_parent(cell)
    form = upload_form(committee, make_pkcs12(COMMITTEE_CN, authority), "sai-mat-khau")

    assert not form.is_valid()
    assert form.errors["passphrase"] == [
        gettext("The file does not open with this passphrase, or it is not a PKCS#12 file with a key.")
    ]
    assert not SigningCertificate.objects.exists()


def test_the_admin_form_keeps_a_good_file_with_what_it_read(cell, authority):
    committee = Organization.objects.get_parent(cell)
    form = upload_form(committee, make_pkcs12(COMMITTEE_CN, authority), DEMO_PASSPHRASE)

    assert form.is_valid(), form.errors
    kept = form.save()
    assert kept.organization == committee and kept.subject_cn == COMMITTEE_CN
    assert kept.passphrase_encrypted and DEMO_PASSPHRASE not in kept.passphrase_encrypted


def test_the_admin_upload_page_stores_the_certificate(cell, authority, login):
    committee = Organization.objects.get_parent(cell)
    client = login("admin")
    response = client.post(
        reverse("admin:documents_signingcertificate_add"),
        {
            "organization": committee.pk,
            "passphrase": DEMO_PASSPHRASE,
            "upload": SimpleUploadedFile("uy-ban.p12", make_pkcs12(COMMITTEE_CN, authority)),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SigningCertificate.objects.get().subject_cn == COMMITTEE_CN


def test_render_minutes_and_verify_pdf_commands(
    closed, world, certificate, tmp_path, django_capture_on_commit_callbacks
):
    adopt(closed, world, django_capture_on_commit_callbacks)
    out = tmp_path / "bien-ban.pdf"
    said = io.StringIO()
    call_command("render_minutes", closed.meeting.pk, "--out", str(out), stdout=said)
    assert COMMITTEE_CN in said.getvalue()
    assert pdfa_identification(out) == ("2", "B")

    said = io.StringIO()
    call_command("verify_pdf", str(out), stdout=said)
    assert f"signed by {COMMITTEE_CN}" in said.getvalue()
    assert "the signature is valid" in said.getvalue()

    data = bytearray(out.read_bytes())
    length = int(re.search(rb"/ByteRange \[\s*0\s+(\d+)", data).group(1))
    data[length // 2] ^= 0x01
    tampered = tmp_path / "sua.pdf"
    tampered.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="NOT valid"):
        call_command("verify_pdf", str(tampered), stdout=io.StringIO())


def test_verify_pdf_refuses_an_unsigned_file(closed, world, tmp_path, django_capture_on_commit_callbacks):
    adopt(closed, world, django_capture_on_commit_callbacks)
    out = tmp_path / "bien-ban.pdf"
    call_command("render_minutes", closed.meeting.pk, "--out", str(out), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not digitally signed"):
        call_command("verify_pdf", str(out), stdout=io.StringIO())


def test_the_programme_is_never_signed(closed, certificate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        minutes.request_pdf(meeting=closed.meeting, kind=GeneratedPdf.Kind.PROGRAMME)
    path = stored(closed.meeting, GeneratedPdf.Kind.PROGRAMME)
    assert signing.verify(path.read_bytes()) == []


def test_the_minutes_book_is_pdfa_with_embedded_fonts(adopted, tmp_path):
    from documents import book

    content, pages = book.render_book_bytes(book.source(adopted.meeting.cell, adopted.meeting.period.year))
    path = tmp_path / "so-bien-ban.pdf"
    path.write_bytes(content)

    assert pages >= 2
    assert pdfa_identification(path) == ("2", "B")
    assert pdf_version(path) == "1.7"
    assert fonts(path) and all(embedded == "yes" for _name, embedded in fonts(path)), fonts(path)
    assert signing.verify(content) == []  # the book gathers adopted texts; it is not itself signed
