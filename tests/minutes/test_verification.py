"""The verification code on every official PDF and the public page /xac-minh/<code> (issue #20): anyone holding
the paper learns whether it is the current adopted version, with its number and date and nothing else; a user
who sees the meeting learns which it is; a file's bytes are compared with the file issued under the code."""

import hashlib
import io
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from documents import minutes, pdf, verification
from documents.models import GeneratedPdf, VerificationCode

from ..conftest import require_service
from .conftest import NOTES
from .pages import flat, pdf_text, vi

# What the record of the `adopted` meeting says and an anonymous visitor must never read.
NAMES = [
    "Phạm Quốc Hùng",  # chair, the cell's secretary
    "Võ Thị Ngọc Hân",  # meeting secretary
    "Nguyễn Hoàng Nam",
    "Dương Thị Mỹ Duyên",
    "Đặng Thị Thu Trang",
    "Lý Văn Tâm",
    "Bùi Quang Khải",
    "Trần Văn Ẩn",
    "Nguyễn Thị Lan",  # the guest
    "Lê Văn Phúc",  # the superior officer
]
CONTENT = [
    "Tổ kỹ thuật đã hoàn thành bảo trì trạm biến áp.",  # comments
    "Đề nghị tăng cường học tập nghị quyết.",
    *NOTES.values(),  # the minutes' own text
    "Hội trường tầng 3",  # the meeting's place
    "Hoàn thiện hồ sơ chuyển chính thức",  # a task
    "Đi công tác Hà Nội",  # an absence's reason
]


def stored(meeting, kind) -> Path:
    generated = GeneratedPdf.objects.get(meeting=meeting, kind=kind)
    assert generated.status == GeneratedPdf.Status.READY, generated.error
    return Path(settings.MEDIA_ROOT) / generated.file.name


def code_of(version, kind="minutes") -> VerificationCode:
    return VerificationCode.objects.get(version=version, kind=kind)


def page(client, code: VerificationCode, **kwargs):
    return client.get(reverse("documents:verify", args=[verification.grouped(code.code)]), **kwargs)


def check(client, code: VerificationCode, data: bytes, name="bien-ban.pdf"):
    url = reverse("documents:verify", args=[verification.grouped(code.code)])
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def status_of(response) -> str:
    found = re.search(r'data-status="(\w+)"', response.content.decode())
    return found.group(1) if found else ""


def match_of(response) -> str:
    found = re.search(r'data-match="(\w+)"', response.content.decode())
    return found.group(1) if found else ""


@pytest.fixture
def poppler():
    require_service(shutil.which("pdftotext") is not None, "poppler-utils pdftotext")


@pytest.fixture
def corrected(adopted, correction):
    """The adopted meeting after a correction adopted as version 2; both minutes PDFs' bytes kept."""
    adopted.v1_bytes = stored(adopted.meeting, "minutes").read_bytes()
    adopted.v2 = correction(adopted.meeting, reason="Ghi sót kết luận", conclusion="Kết luận đã sửa.")
    adopted.v2_bytes = stored(adopted.meeting, "minutes").read_bytes()
    return adopted


# --- the code and the PDF --------------------------------------------------------------------------------


def test_adoption_gives_the_minutes_a_code_that_reads_aloud_without_doubt(adopted):
    code = code_of(adopted.version).code

    assert len(code) == 10 and not set(code) & set("0O1IL")
    assert re.fullmatch(
        r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}", verification.grouped(code)
    )
    assert verification.normalise(" " + verification.grouped(code).lower() + " ") == code


def test_the_minutes_pdf_prints_its_code_and_address_and_the_code_keeps_the_files_sha256(adopted, poppler):
    code = code_of(adopted.version)
    path = stored(adopted.meeting, "minutes")

    text = flat(pdf_text(path))
    grouped = verification.grouped(code.code)
    url = f"{settings.SITE_URL.rstrip('/')}/xac-minh/{grouped}"
    assert vi("Verification code: %(code)s — %(url)s", code=grouped, url=url) in text  # "Mã xác minh: …"
    assert code.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_printed_address_opens_the_page_of_that_document(adopted, client):
    url = verification.page_url(code_of(adopted.version).code)

    response = client.get(url.removeprefix(settings.SITE_URL.rstrip("/")))

    assert response.status_code == 200 and status_of(response) == "valid"


def test_the_resolution_of_adopted_minutes_has_its_own_code_and_number(
    adopted, poppler, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        minutes.request_pdf(meeting=adopted.meeting, kind=GeneratedPdf.Kind.RESOLUTION)
    code = code_of(adopted.version, "resolution")

    assert code.code != code_of(adopted.version).code
    assert verification.grouped(code.code) in flat(pdf_text(stored(adopted.meeting, "resolution")))
    html = page(client, code).content.decode()
    assert "Số 01-NQ/CB" in html and "05/11/2026" in html


def test_drafts_and_programmes_carry_no_code(closed, poppler, django_capture_on_commit_callbacks):
    """A closed meeting's resolution is not an adopted text yet; a programme never is."""
    with django_capture_on_commit_callbacks(execute=True):
        minutes.request_pdf(meeting=closed.meeting, kind=GeneratedPdf.Kind.RESOLUTION)
        minutes.request_pdf(meeting=closed.meeting, kind=GeneratedPdf.Kind.PROGRAMME)

    assert not VerificationCode.objects.exists()
    for kind in ("resolution", "programme"):
        assert "xac-minh" not in pdf_text(stored(closed.meeting, kind))


def test_a_resolution_rendered_before_adoption_is_rendered_again_with_its_code(
    closed, world, poppler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        minutes.request_pdf(meeting=closed.meeting, kind=GeneratedPdf.Kind.RESOLUTION)
    minutes.save_notes(meeting=closed.meeting, notes=NOTES, by=world.fellow.user)
    from .conftest import adopt_vote

    adopt_vote(closed.meeting, by=world.fellow.user)
    with django_capture_on_commit_callbacks(execute=True):
        version = minutes.adopt(meeting=closed.meeting, by=world.fellow.user)

    code = code_of(version, "resolution")
    assert verification.grouped(code.code) in flat(pdf_text(stored(closed.meeting, "resolution")))


# --- what the page says, and to whom -------------------------------------------------------------------


def test_an_anonymous_visitor_learns_valid_number_and_date_and_nothing_of_the_cell(adopted, client):
    response = page(client, code_of(adopted.version))

    assert response.status_code == 200
    assert status_of(response) == "valid"
    html = response.content.decode()
    assert "Số 01-BB/CB" in html and "05/11/2026" in html
    for secret in [*NAMES, *CONTENT]:
        assert secret not in html, secret
    assert "chi bộ a1" not in html.lower()  # the cell's name, in any case
    assert reverse("documents:minutes", args=[adopted.meeting.pk]) not in html


def test_the_earlier_code_says_superseded_once_a_correction_is_adopted(corrected, client):
    old, new = code_of(corrected.version), code_of(corrected.v2)

    assert old.code != new.code
    assert status_of(page(client, old)) == "superseded"
    assert status_of(page(client, new)) == "valid"
    assert "Số 01-BB/CB" in page(client, old).content.decode()  # a correction keeps the number


def test_an_unknown_code_is_answered_unknown(adopted, client):
    for typed in ("K7QX-M4TR-9B", "not-a-code"):
        response = client.get(reverse("documents:verify", args=[typed]))

        assert response.status_code == 404
        assert status_of(response) == "unknown"


def test_a_member_of_the_cell_also_sees_the_cell_the_meeting_and_the_version(adopted, login):
    response = page(login("member"), code_of(adopted.version))

    html = response.content.decode()
    assert status_of(response) == "valid"
    assert "Chi bộ A1" in html
    assert reverse("documents:minutes", args=[adopted.meeting.pk]) in html
    assert reverse("documents:minutes_version", args=[adopted.version.pk]) in html


def test_a_secretary_of_another_cell_sees_only_what_anyone_sees(adopted, login):
    response = page(login("outsider"), code_of(adopted.version))

    html = response.content.decode()
    assert status_of(response) == "valid" and "Số 01-BB/CB" in html
    assert "chi bộ a1" not in html.lower()
    assert reverse("documents:minutes", args=[adopted.meeting.pk]) not in html
    for secret in NAMES:
        assert secret not in html, secret


def test_the_form_sends_a_typed_code_to_its_page(adopted, client):
    code = code_of(adopted.version).code
    typed = verification.grouped(code).lower().replace("-", " ")

    response = client.get(reverse("documents:verify_form"), {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == reverse("documents:verify", args=[verification.grouped(code)])
    assert client.get(reverse("documents:verify_form"), {"code": "K7QX-0000"}).status_code == 422


# --- checking a file ---------------------------------------------------------------------------------------


def test_the_stored_file_matches_and_one_changed_byte_does_not(adopted, client):
    code = code_of(adopted.version)
    data = stored(adopted.meeting, "minutes").read_bytes()
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01

    assert match_of(check(client, code, data)) == "exact"
    assert match_of(check(client, code, bytes(changed))) == "none"


def test_the_earlier_versions_file_is_named_an_earlier_version(corrected, client):
    old, new = code_of(corrected.version), code_of(corrected.v2)

    assert match_of(check(client, new, corrected.v1_bytes)) == "earlier"
    assert match_of(check(client, new, corrected.v2_bytes)) == "exact"
    response = check(client, old, corrected.v1_bytes)  # the old paper and its own file: exact, yet superseded
    assert match_of(response) == "exact" and status_of(response) == "superseded"
    assert match_of(check(client, old, corrected.v2_bytes)) == "later"


def test_a_file_handed_out_before_the_pdf_was_rendered_again_still_matches(
    adopted, client, monkeypatch, django_capture_on_commit_callbacks
):
    """Asked for again (or signed anew), the same version gives other bytes under the same code."""
    code = code_of(adopted.version)
    first = stored(adopted.meeting, "minutes").read_bytes()
    render_bytes = pdf.render_bytes
    monkeypatch.setattr(pdf, "render_bytes", lambda *args: render_bytes(*args) + b"\n%again\n")
    with django_capture_on_commit_callbacks(execute=True):
        minutes.request_pdf(meeting=adopted.meeting, kind=GeneratedPdf.Kind.MINUTES)
    second = stored(adopted.meeting, "minutes").read_bytes()

    assert second != first
    assert match_of(check(client, code, first)) == "exact"
    assert match_of(check(client, code, second)) == "exact"


def test_a_file_over_the_limit_is_refused_with_a_message(adopted, client, settings):
    settings.MAX_UPLOAD_SIZE = 1024

    response = check(client, code_of(adopted.version), b"%PDF-1.7" + b"0" * 2048)

    assert response.status_code == 422
    assert response.context["form"].errors["file"]
    assert match_of(response) == ""


def test_nothing_uploaded_is_kept(adopted, client):
    media = Path(settings.MEDIA_ROOT)
    before = sorted(p for p in media.rglob("*") if p.is_file())

    check(client, code_of(adopted.version), b"%PDF-1.7 not the document")

    assert sorted(p for p in media.rglob("*") if p.is_file()) == before


# --- guessing ----------------------------------------------------------------------------------------------


def test_an_address_that_guesses_codes_is_refused_even_the_right_one(adopted, client):
    for n in range(verification.GUESSES.failures):
        assert client.get(reverse("documents:verify", args=[f"K7QX-M4TR-{n:02d}"])).status_code == 404

    response = page(client, code_of(adopted.version))

    assert response.status_code == 429
    assert status_of(response) == "throttled"
    assert "Số 01-BB/CB" not in response.content.decode()


def test_file_checks_are_limited_per_address(adopted, client):
    code = code_of(adopted.version)
    for _n in range(verification.UPLOADS.failures):
        assert check(client, code, b"%PDF-1.7 x").status_code == 200

    assert check(client, code, b"%PDF-1.7 x").status_code == 429
    assert page(client, code).status_code == 200  # reading the page is not checking a file


def test_the_file_written_by_render_minutes_carries_the_code_and_checks_as_the_document(
    adopted, poppler, tmp_path, client
):
    out = tmp_path / "bien-ban.pdf"

    call_command("render_minutes", adopted.meeting.pk, "--out", str(out), stdout=io.StringIO())

    code = code_of(adopted.version)
    assert verification.grouped(code.code) in flat(pdf_text(out))
    assert match_of(check(client, code, out.read_bytes())) == "exact"


def test_verify_file_names_the_code_of_a_file_and_refuses_a_changed_one(corrected, tmp_path):
    old, new = code_of(corrected.version), code_of(corrected.v2)
    first, changed = tmp_path / "v1.pdf", tmp_path / "v1-changed.pdf"
    first.write_bytes(corrected.v1_bytes)
    changed.write_bytes(corrected.v1_bytes[:-10] + b"0" * 10)
    out = io.StringIO()

    call_command("verify_file", str(first), stdout=out)

    assert out.getvalue().startswith(
        f"{verification.grouped(old.code)}: superseded — Số 01-BB/CB, 05/11/2026"
    )
    with pytest.raises(CommandError, match="no document issued by the app"):
        call_command("verify_file", str(changed), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not the document of this code"):
        call_command(
            "verify_file", str(first), "--code", verification.grouped(new.code), stdout=io.StringIO()
        )


def test_the_minutes_page_names_the_code_of_the_adopted_version(corrected, login):
    html = login("member").get(reverse("documents:minutes", args=[corrected.meeting.pk])).content.decode()

    new = verification.grouped(code_of(corrected.v2).code)
    assert reverse("documents:verify", args=[new]) in html
    assert verification.grouped(code_of(corrected.version).code) not in html
