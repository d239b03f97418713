"""Verification codes: every official PDF (an adopted version's minutes or resolution) carries a short code and
a QR code leading to the public page /xac-minh/<code>, which says whether that document is the current adopted
version, and whether a file someone holds is exactly that document (issue #20).

- A code is 10 characters from 31 that cannot be misread aloud or mistyped on a phone (no 0/O, 1/I/L),
  printed in groups as K7QX-M4TR-9B: 31^10 ≈ 8·10^14 codes, drawn by `secrets`, so guessing one is hopeless;
  the page also limits unknown codes per client address (GUESSES).
- One code per (adopted version, kind), made when the version is adopted (the minutes) or when the PDF is
  first rendered from it (the resolution); never for a draft, a closed meeting's resolution or a programme.
- The SHA-256 of the bytes actually stored is recorded beside the code (`record_file`, called where the
  render job stores the file). A file rendered again under the same code (asked for again, signed anew)
  keeps the earlier digests in `earlier_sha256`: a copy handed out before still checks as the document.
"""

from __future__ import annotations

import base64
import hashlib
import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from members import throttle

from .models import DocumentNumber, GeneratedPdf, MinutesVersion, VerificationCode

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed without doubt
LENGTH = 10
GROUPS = (4, 4, 2)
KINDS = (GeneratedPdf.Kind.MINUTES, GeneratedPdf.Kind.RESOLUTION)  # the programme is not an adopted text

# Per client address, in the cache, as members/throttle.py counts failed logins: 30 unknown codes or 30 file
# checks per 15 minutes. A code cannot be guessed anyway; this keeps a script from trying, and the hashing of
# many 20 MB uploads from costing the server. A room checking printed copies together stays far below.
GUESSES = throttle.Limit("verify-code", failures=30, window=15 * 60)
UPLOADS = throttle.Limit("verify-file", failures=30, window=15 * 60)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """What the user typed or the QR code carried, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in (typed or "").upper() if ch not in " -\t\n")


def is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def grouped(code: str) -> str:
    """K7QXM4TR9B → K7QX-M4TR-9B, as printed and read aloud."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(parts)


def page_url(code: str) -> str:
    """The page's absolute address, as printed and put in the QR code (settings.SITE_URL)."""
    return f"{settings.SITE_URL.rstrip('/')}/xac-minh/{grouped(code)}"


def code_for(version: MinutesVersion, kind: str) -> VerificationCode:
    """The version's code for that document, made once (a unique pair; a clash of codes draws again)."""
    existing = VerificationCode.objects.filter(version=version, kind=kind).first()
    if existing:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return VerificationCode.objects.create(version=version, kind=kind, code=new_code())
        except IntegrityError:  # the same pair made at the same moment, or (once in 10^14) a code drawn twice
            existing = VerificationCode.objects.filter(version=version, kind=kind).first()
            if existing:
                return existing
    raise RuntimeError("could not draw a verification code")


def printed_code(version: MinutesVersion) -> str:
    """The code printed on the version's minutes (K7QX-M4TR-9B), for the minutes page."""
    code = VerificationCode.objects.filter(version=version, kind=GeneratedPdf.Kind.MINUTES).first()
    return grouped(code.code) if code else ""


def stamp(meeting, kind: str, source: dict) -> VerificationCode | None:
    """The code an official PDF carries, put into what it is rendered from (so a new code is a new render).
    None for what is not an adopted text: a programme, a resolution before the minutes are adopted."""
    if kind not in KINDS:
        return None
    versions = MinutesVersion.objects.filter(minutes__meeting=meeting)
    # The minutes are rendered from one version (pdf_source names it); the resolution follows the latest.
    version = (
        versions.filter(version=source["version"]).first()
        if kind == GeneratedPdf.Kind.MINUTES and source.get("version")
        else versions.order_by("-version").first()
    )
    if version is None:
        return None
    code = code_for(version, kind)
    source["verification"] = {"code": grouped(code.code), "url": page_url(code.code), "qr": qr_data_uri(code)}
    return code


def qr_data_uri(code: VerificationCode) -> str:
    """The page's address as a QR code, an SVG data URI that WeasyPrint draws as vectors (no PNG, no Pillow)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        page_url(code.code),
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,  # a quiet zone of its own, whatever is printed beside it
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def record_file(code: VerificationCode | None, data: bytes) -> None:
    """The digest of the bytes stored under that code; the digests of files it replaced stay valid."""
    if code is None:
        return
    digest = sha256_of(data)
    with transaction.atomic():
        row = VerificationCode.objects.select_for_update().get(pk=code.pk)
        if row.sha256 == digest:
            return
        earlier = list(row.earlier_sha256 or [])
        if row.sha256 and row.sha256 not in earlier:
            earlier.append(row.sha256)
        row.sha256, row.earlier_sha256 = digest, earlier
        row.save(update_fields=["sha256", "earlier_sha256"])


# --- What the page says -------------------------------------------------------------------------------


class Status:
    VALID = "valid"
    SUPERSEDED = "superseded"
    UNKNOWN = "unknown"


class Match:
    EXACT = "exact"  # the very file issued under this code
    EARLIER = "earlier"  # a file of an earlier adopted version of the same document
    LATER = "later"  # a file of a later version: the code on the paper is older than the file
    NONE = "none"


@dataclass(frozen=True)
class Public:
    """All that an anonymous visitor learns of a code: its status, the document's number and date."""

    status: str
    kind: str
    kind_label: str
    number: str  # "Số 05-BB/CB"
    date: str  # dd/mm/yyyy, the document's date


def public(code: VerificationCode) -> Public:
    version = code.version
    latest = (
        MinutesVersion.objects.filter(minutes_id=version.minutes_id)
        .order_by("-version")
        .values_list("version", flat=True)[:1]
    )
    current = not latest or latest[0] == version.version
    return Public(
        status=Status.VALID if current else Status.SUPERSEDED,
        kind=code.kind,
        kind_label=str(GeneratedPdf.Kind(code.kind).label),
        number=number_of(code),
        date=(version.content or {}).get("date", ""),
    )


def number_of(code: VerificationCode) -> str:
    meeting_id = code.version.minutes.meeting_id
    kind = (
        DocumentNumber.Kind.MINUTES
        if code.kind == GeneratedPdf.Kind.MINUTES
        else DocumentNumber.Kind.RESOLUTION
    )
    if kind == DocumentNumber.Kind.MINUTES and (code.version.content or {}).get("number"):
        return f"Số {code.version.content['number']}"  # as the adopted text prints it
    number = (
        DocumentNumber.objects.select_related("organization").filter(meeting_id=meeting_id, kind=kind).first()
    )
    return str(number) if number else ""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def codes_of_file(digest: str) -> list[VerificationCode]:
    """Every code under which a file with this SHA-256 was issued (the shell's check: no code at hand)."""
    rows = VerificationCode.objects.select_related("version__minutes__meeting__cell")
    exact = list(rows.filter(sha256=digest))
    earlier = [row for row in rows.exclude(earlier_sha256=[]).exclude(sha256=digest) if digest in row.digests]
    return exact + earlier


def file_digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def match(code: VerificationCode, digest: str) -> str:
    """Whether a file's SHA-256 is the document of that code, another adopted version of it, or neither."""
    if digest in code.digests:
        return Match.EXACT
    siblings = VerificationCode.objects.filter(
        version__minutes_id=code.version.minutes_id, kind=code.kind
    ).select_related("version")
    for other in siblings:
        if other.pk != code.pk and digest in other.digests:
            return Match.EARLIER if other.version.version < code.version.version else Match.LATER
    return Match.NONE
