"""Digital signatures (PAdES, pyHanko) on a meeting's adopted minutes and resolution.

Which certificate: the nearest committee above the cell that has a certificate valid today (the issuing
committee). A committee's administrator uploads its PKCS#12 file in the admin (documents/admin.py); the file
is kept as uploaded and its passphrase only encrypted, with a Fernet key derived from settings.SIGNING_KEY.
Without that key (production must set it) or without a certificate, the PDF is produced unsigned, as before,
and the minutes page says why (`status`).

Signing is incremental, after WeasyPrint has written the PDF/A-2b file (documents/pdf.py): the signature
covers the whole file, with a visible block "Đã ký số bởi <CN> ngày dd/mm/yyyy" in the chair's signature
space (the element `#signature-area` of the templates, found in WeasyPrint's layout). Drafts and the
programme are never signed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone

from meetings.models import Meeting
from members.models import Organization

from .models import GeneratedPdf, SigningCertificate

log = logging.getLogger(__name__)

SIGNED_KINDS = (GeneratedPdf.Kind.MINUTES, GeneratedPdf.Kind.RESOLUTION)
FIELD_NAME = "ChiboSignature"
ANCHOR = "signature-area"  # the id of the chair's signature space in the templates
STAMP_FONT = settings.BASE_DIR / "static" / "fonts" / "stamp" / "ChiboStampSerif-Regular.ttf"
STAMP_TEXT = "Đã ký số bởi %(cn)s\nngày %(day)s"
# A fixed room for the CMS blob skips pyHanko's dry run (TOOLCHAIN.md): a P-256 or RSA-2048 signature with
# its chain fits well within it.
BYTES_RESERVED = 8192
CSS_PX_TO_PT = 0.75  # WeasyPrint writes 1 CSS px as 0.75 pt


class SigningUnavailable(Exception):
    """The certificate cannot be used here (no SIGNING_KEY, a key changed since upload, a broken file)."""


# --- The passphrase, encrypted at rest -----------------------------------------------------------------


def available() -> bool:
    return bool(getattr(settings, "SIGNING_KEY", ""))


def _fernet() -> Fernet:
    if not available():
        raise SigningUnavailable("SIGNING_KEY is not set")
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"chibo signing certificates", info=b"pkcs12 passphrase"
    ).derive(settings.SIGNING_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_passphrase(passphrase: str) -> str:
    return _fernet().encrypt(passphrase.encode()).decode()


def decrypt_passphrase(token: str) -> bytes:
    try:
        return _fernet().decrypt(token.encode())
    except InvalidToken:
        raise SigningUnavailable("the passphrase was encrypted with another SIGNING_KEY") from None


# --- Certificates ---------------------------------------------------------------------------------------


@dataclass
class CertificateFacts:
    subject_cn: str
    fingerprint: str
    chain_pem: str
    valid_from: object
    valid_until: object


def read_pkcs12(data: bytes, passphrase: str) -> CertificateFacts:
    """What the file holds, read with its passphrase. ValueError when it does not open with it or has no key
    and certificate."""
    key, certificate, others = pkcs12.load_key_and_certificates(data, passphrase.encode() or None)
    if key is None or certificate is None:
        raise ValueError("no private key or no certificate in the file")
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    chain = [certificate, *(others or [])]
    return CertificateFacts(
        subject_cn=str(names[0].value) if names else certificate.subject.rfc4514_string(),
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex(),
        chain_pem="".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in chain),
        valid_from=certificate.not_valid_before_utc,
        valid_until=certificate.not_valid_after_utc,
    )


def certificate_from(
    *, organization: Organization, data: bytes, passphrase: str, by=None, instance=None
) -> SigningCertificate:
    """A committee's PKCS#12 file as a (not yet saved) row, its passphrase encrypted. ValueError when the file
    does not open with the passphrase."""
    facts = read_pkcs12(data, passphrase)
    certificate = instance or SigningCertificate()
    certificate.organization = organization
    certificate.pkcs12 = data
    certificate.passphrase_encrypted = encrypt_passphrase(passphrase)
    certificate.subject_cn = facts.subject_cn
    certificate.fingerprint = facts.fingerprint
    certificate.chain_pem = facts.chain_pem
    certificate.valid_from = facts.valid_from
    certificate.valid_until = facts.valid_until
    certificate.uploaded_at = timezone.now()
    certificate.uploaded_by = by
    return certificate


def store_certificate(**kwargs) -> SigningCertificate:
    """Keeps a committee's PKCS#12 file, its passphrase encrypted (arguments of `certificate_from`)."""
    certificate = certificate_from(**kwargs)
    certificate.save()
    return certificate


def issuing_committee(cell: Organization) -> Organization | None:
    """The committee directly above the cell: the one named when no certificate is found."""
    return Organization.objects.get_parent(cell) if cell.depth > 1 else None


def certificate_for_cell(cell: Organization) -> SigningCertificate | None:
    """The certificate of the nearest committee above the cell that has one valid now."""
    if not available() or cell.depth <= 1:
        return None
    now = timezone.now()
    above = Organization.objects.get_ancestors(cell)
    found = (
        SigningCertificate.objects.filter(organization__in=above, valid_from__lte=now, valid_until__gte=now)
        .select_related("organization")
        .order_by("-organization__depth", "-valid_until", "-pk")
        .first()
    )
    return found


def certificate_for(meeting: Meeting, kind: str) -> SigningCertificate | None:
    """The certificate that signs this PDF, or None: only adopted minutes and resolutions are signed."""
    if kind not in SIGNED_KINDS or meeting.status != Meeting.Status.ADOPTED:
        return None
    return certificate_for_cell(meeting.cell)


def source_digest(digest: str, certificate: SigningCertificate | None) -> str:
    """The stored file's source hash: with the certificate, so that a new certificate signs the next render."""
    if certificate is None:
        return digest
    return hashlib.sha256(f"{digest} signed {certificate.pk} {certificate.fingerprint}".encode()).hexdigest()


def status(meeting: Meeting) -> dict:
    """For the minutes page: who signs this meeting's official PDFs, or why they are not signed."""
    committee = issuing_committee(meeting.cell)
    certificate = certificate_for_cell(meeting.cell)
    return {
        "available": available(),
        "certificate": certificate,
        "committee": certificate.organization if certificate else committee,
    }


# --- Signing --------------------------------------------------------------------------------------------

_signers: dict = {}
_font = None


def _signer(certificate: SigningCertificate):
    """The pyHanko signer of a certificate, loaded once per process (keyed by its content)."""
    from pyhanko.sign import signers

    key = (certificate.pk, certificate.fingerprint, certificate.passphrase_encrypted, settings.SIGNING_KEY)
    if key not in _signers:
        passphrase = decrypt_passphrase(certificate.passphrase_encrypted)
        signer = signers.SimpleSigner.load_pkcs12_data(bytes(certificate.pkcs12), [], passphrase=passphrase)
        if signer is None:
            raise SigningUnavailable("the PKCS#12 file does not load")
        _signers.clear()  # one committee's certificate at a time is the common case: keep the cache small
        _signers[key] = signer
    return _signers[key]


def _stamp_style():
    global _font
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    if _font is None:
        _font = GlyphAccumulatorFactory(str(STAMP_FONT))
    # No background image and no transparency: the file stays PDF/A; the font is embedded (subset).
    return TextStampStyle(
        stamp_text=STAMP_TEXT,
        text_box_style=TextBoxStyle(font=_font, font_size=11, leading=14),
        border_width=1,
        background=None,
    )


def signature_area(document) -> tuple[int, tuple[float, float, float, float]] | None:
    """Where the visible block goes: the page and box (PDF points, origin bottom left) of the chair's
    signature space in WeasyPrint's laid-out document; None when the template has none."""
    for index, page in enumerate(document.pages):
        if ANCHOR in page.anchors:
            x1, y1, x2, y2 = (v * CSS_PX_TO_PT for v in page.anchors[ANCHOR])
            height = page.height * CSS_PX_TO_PT
            inset = 4
            return index, (x1 + inset, height - y2 + 2, x2 - inset, height - y1 - 2)
    return None


_pdfa_signer = None


def _pdfa_signer_class():
    """pyHanko's PdfSigner, keeping the file at PDF 1.7 as PDF/A-2 requires: with an EC key pyHanko would
    declare ISO 32002 and raise the file to PDF 2.0. PAdES's ESIC extension (allowed in PDF 1.7) is kept."""
    global _pdfa_signer
    if _pdfa_signer is None:
        from pyhanko.sign import signers
        from pyhanko.sign.fields import SigSeedSubFilter
        from pyhanko.sign.signers import constants

        class PdfASigner(signers.PdfSigner):
            def register_extensions(self, pdf_out, *, md_algorithm):
                if self.signature_meta.subfilter == SigSeedSubFilter.PADES:
                    pdf_out.ensure_output_version(version=(1, 7))
                    if pdf_out.output_version < (2, 0):
                        pdf_out.register_extension(constants.ESIC_EXTENSION_1)

        _pdfa_signer = PdfASigner
    return _pdfa_signer


def sign(data: bytes, certificate: SigningCertificate, area=None, *, day=None) -> bytes:
    """The PDF signed incrementally with the certificate (whole file covered, PAdES baseline)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _signer(certificate)
    day = day or timezone.localdate()
    page, box = area if area else (0, (0, 0, 0, 0))  # no space in the template: an invisible signature
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=certificate.subject_cn,
        location=certificate.organization.place or None,
    )
    pdf_signer = _pdfa_signer_class()(
        metadata,
        signer=signer,
        stamp_style=_stamp_style(),
        new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=page, box=box),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    output = pdf_signer.sign_pdf(
        writer,
        bytes_reserved=BYTES_RESERVED,
        appearance_text_params={"cn": certificate.subject_cn, "day": day.strftime("%d/%m/%Y")},
    )
    return output.getvalue()


# --- Verifying ------------------------------------------------------------------------------------------


@dataclass
class Verdict:
    field: str
    signer: str
    signed_at: object
    intact: bool
    trusted: bool
    whole_file: bool
    summary: str

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted and self.whole_file


def trust_roots() -> list:
    """Every certificate kept with the committees' PKCS#12 files (their CAs and the signers themselves)."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    roots, seen = [], set()
    for chain in SigningCertificate.objects.values_list("chain_pem", flat=True):
        for _type, _headers, der in pem.unarmor(chain.encode(), multiple=True):
            if der not in seen:
                seen.add(der)
                roots.append(asn1_x509.Certificate.load(der))
    return roots


def verify(data: bytes, roots=None) -> list[Verdict]:
    """Each signature of the file, checked offline against `roots` (default: the stored certificates).
    ValueError when the file cannot be read as a PDF."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError) as error:
        raise ValueError(f"not a readable PDF: {error}") from None
    context = ValidationContext(trust_roots=trust_roots() if roots is None else roots, allow_fetching=False)
    verdicts = []
    for embedded in signatures:
        try:
            result = validate_pdf_signature(embedded, context)
        except Exception as error:  # noqa: BLE001 — a mangled signature is an invalid one, said as such
            verdicts.append(Verdict(embedded.field_name, "", None, False, False, False, f"INVALID: {error}"))
            continue
        cn = result.signing_cert.subject.native.get("common_name", "") if result.signing_cert else ""
        verdicts.append(
            Verdict(
                field=embedded.field_name,
                signer=cn,
                signed_at=result.signer_reported_dt,
                intact=bool(result.intact and result.valid),
                trusted=bool(result.trusted),
                whole_file=result.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                summary=result.summary(),
            )
        )
    return verdicts
