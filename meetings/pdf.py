"""Rendering party documents to PDF with WeasyPrint, in the official layout (DOMAIN.md §4.2).

The font (Liberation Serif: metric-compatible with Times New Roman, every Vietnamese letter) is bundled under
static/fonts and loaded by @font-face, so the output is the same on every host.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import minutes
from .models import GeneratedPdf

log = logging.getLogger(__name__)
TEMPLATES = {
    GeneratedPdf.Kind.MINUTES: "documents/minutes.html",
    GeneratedPdf.Kind.RESOLUTION: "documents/resolution.html",
    GeneratedPdf.Kind.PROGRAMME: "documents/programme.html",
}
_weasyprint = None


def _html_class():
    """WeasyPrint takes about a second to import: once per worker process, not per document."""
    global _weasyprint
    if _weasyprint is None:
        import weasyprint

        _weasyprint = weasyprint
    return _weasyprint.HTML


def pdf_storage() -> FileSystemStorage:
    """Generated files keep a fixed name per meeting and kind; regenerating overwrites, never piles up."""
    return FileSystemStorage(location=settings.MEDIA_ROOT, allow_overwrite=True)


def render_html(kind: str, source: dict) -> str:
    with translation.override("vi"):
        return render_to_string(TEMPLATES[kind], {"doc": source.get("minutes", source), "source": source})


def render_bytes(kind: str, source: dict) -> bytes:
    html = render_html(kind, source)
    return _html_class()(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()


def render(pdf_id: int) -> bool:
    """Renders one requested PDF. Returns False when the stored file already matches its source."""
    pdf = GeneratedPdf.objects.select_related("meeting__cell").filter(pk=pdf_id).first()
    if pdf is None:
        return False
    source = minutes.pdf_source(pdf.meeting, pdf.kind)
    source_hash = minutes.content_hash(source)
    storage = pdf_storage()
    name = f"pdf/{pdf.meeting_id}/{pdf.kind}.pdf"
    if pdf.status == GeneratedPdf.Status.READY and pdf.source_hash == source_hash and storage.exists(name):
        return False
    try:
        data = render_bytes(pdf.kind, source)
    except Exception as error:
        GeneratedPdf.objects.filter(pk=pdf.pk).update(
            status=GeneratedPdf.Status.FAILED, error=str(error)[:500]
        )
        raise
    storage.save(name, ContentFile(data))
    GeneratedPdf.objects.filter(pk=pdf.pk).update(
        file=name,
        size=len(data),
        source_hash=source_hash,
        status=GeneratedPdf.Status.READY,
        rendered_at=timezone.now(),
        error="",
    )
    log.info("rendered %s for meeting %s (%d bytes)", pdf.kind, pdf.meeting_id, len(data))
    return True
