"""Rendering party documents to PDF with WeasyPrint, in the official layout (DOMAIN.md §4.2).

The font (Liberation Serif: metric-compatible with Times New Roman, every Vietnamese letter) is bundled under
static/fonts and loaded by @font-face, so the output is the same on every host.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.storage import Storage
from django.template.loader import render_to_string
from django.utils import translation

from core.jobs import failure_recorded
from core.storage import generated_storage

from . import minutes, signing, verification
from .models import GeneratedPdf

log = logging.getLogger(__name__)
TEMPLATES = {
    GeneratedPdf.Kind.MINUTES: "documents/minutes.html",
    GeneratedPdf.Kind.RESOLUTION: "documents/resolution.html",
    GeneratedPdf.Kind.PROGRAMME: "documents/programme.html",
}
# Archivable (ISO 19005-2, level B): XMP identification, sRGB output intent, every font embedded. The
# templates use no transparency. The signature (documents/signing.py) is added incrementally on top.
PDF_VARIANT = "pdf/a-2b"
_weasyprint = None


def _html_class():
    """WeasyPrint takes about a second to import: once per worker process, not per document."""
    global _weasyprint
    if _weasyprint is None:
        import weasyprint

        _weasyprint = weasyprint
    return _weasyprint.HTML


def pdf_storage() -> Storage:
    """Generated files keep a fixed name per meeting and kind; regenerating replaces the file whole (on disk:
    written beside it, renamed into place when complete; in a bucket: one PUT), never piles up, never leaves
    half a file."""
    return generated_storage()


def render_html(kind: str, source: dict) -> str:
    context = {"doc": source.get("minutes", source), "source": source, "signature_area": True}
    with translation.override("vi"):
        return render_to_string(TEMPLATES[kind], context)


def render_bytes(kind: str, source: dict, certificate=None) -> bytes:
    """The PDF/A file; signed with `certificate` (a SigningCertificate) when one is given."""
    html = render_html(kind, source)
    document = _html_class()(string=html, base_url=str(settings.BASE_DIR / "static")).render()
    data = document.write_pdf(pdf_variant=PDF_VARIANT)
    if certificate is not None:
        data = signing.sign(data, certificate, signing.signature_area(document))
    return data


def render(pdf_id: int) -> bool:
    """Renders one requested PDF. Returns False when the stored file already matches its source."""
    pdf = GeneratedPdf.objects.select_related("meeting__cell").filter(pk=pdf_id).first()
    if pdf is None:
        return False
    source = minutes.pdf_source(pdf.meeting, pdf.kind)
    code = verification.stamp(pdf.meeting, pdf.kind, source)  # an adopted text's code and QR, printed on it
    certificate = signing.certificate_for(pdf.meeting, pdf.kind)  # None: unsigned, as a draft or programme
    digest = signing.source_digest(minutes.content_hash(source), certificate)
    name = f"pdf/{pdf.meeting_id}/{pdf.kind}.pdf"
    if pdf.is_current(name, digest):
        return False
    with failure_recorded(GeneratedPdf, pdf.pk):  # the file written too: a full disk is a failure shown
        try:
            data = render_bytes(pdf.kind, source, certificate)
        except signing.SigningUnavailable as error:  # e.g. SIGNING_KEY changed since the upload
            log.error("cannot sign %s of meeting %s: %s", pdf.kind, pdf.meeting_id, error)
            certificate, digest = None, minutes.content_hash(source)
            data = render_bytes(pdf.kind, source)
        pdf.store(name, data, digest, signed_by=certificate.subject_cn if certificate else "")
        verification.record_file(code, data)  # the SHA-256 of the very bytes stored, for /xac-minh/
    log.info("rendered %s for meeting %s (%d bytes)", pdf.kind, pdf.meeting_id, len(data))
    return True
