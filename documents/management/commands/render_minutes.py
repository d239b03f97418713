from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.forms import error_text
from documents import minutes, pdf, signing, verification
from documents.models import GeneratedPdf
from meetings.models import Meeting


class Command(BaseCommand):
    help = (
        "Renders a meeting's adopted minutes to PDF/A, signed with the issuing committee's certificate when it "
        "has one, as the Celery job does: render_minutes ID --out FILE.pdf"
    )

    def add_arguments(self, parser):
        parser.add_argument("meeting_id", type=int)
        parser.add_argument("--out", required=True, help="Where to write the PDF.")
        parser.add_argument(
            "--kind",
            default=GeneratedPdf.Kind.MINUTES,
            choices=GeneratedPdf.Kind.values,
            help="minutes (default), resolution or programme.",
        )

    def handle(self, *args, meeting_id, out, kind, **options):
        meeting = Meeting.objects.select_related("cell").filter(pk=meeting_id).first()
        if meeting is None:
            raise CommandError(f"No meeting {meeting_id}.")
        try:
            source = minutes.pdf_source(meeting, kind)
            code = verification.stamp(meeting, kind, source)  # the same code and QR as the job's file
            certificate = signing.certificate_for(meeting, kind)
            data = pdf.render_bytes(kind, source, certificate)
        except ValidationError as error:
            raise CommandError(error_text(error)) from None
        except signing.SigningUnavailable as error:
            raise CommandError(
                f"Cannot sign with the certificate of {certificate.organization}: {error}"
            ) from None
        Path(out).write_bytes(data)
        verification.record_file(code, data)  # a file issued under the code: /xac-minh/ recognises it
        signed = f"signed by {certificate.subject_cn}" if certificate else "not digitally signed"
        self.stdout.write(f"{out}: {len(data)} bytes, PDF/A-2b, {signed}")
