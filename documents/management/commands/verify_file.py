from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents import verification
from documents.models import VerificationCode


class Command(BaseCommand):
    help = (
        "Says whether a PDF is exactly a document issued by the app (its SHA-256 against the files issued "
        "under every verification code), and whether that document is still the adopted version: "
        "verify_file FILE.pdf [--code K7QX-M4TR-9B]"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--code", help="Compare with this code's document only, as /xac-minh/<code> does."
        )

    def handle(self, *args, file, code, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        digest = verification.sha256_of(path.read_bytes())
        if code:
            found = VerificationCode.objects.filter(code=verification.normalise(code)).first()
            if found is None:
                raise CommandError(f"Unknown code {code}.")
            answer = verification.match(found, digest)
            self.stdout.write(f"{self._describe(found)}: the file is {answer}")
            if answer != verification.Match.EXACT:
                raise CommandError("The file is not the document of this code.")
            return
        found = verification.codes_of_file(digest)
        if not found:
            raise CommandError(f"{path.name} (SHA-256 {digest}) is no document issued by the app.")
        for row in found:
            self.stdout.write(self._describe(row))

    def _describe(self, row: VerificationCode) -> str:
        public = verification.public(row)
        meeting = row.version.minutes.meeting
        return (
            f"{verification.grouped(row.code)}: {public.status} — {public.number}, {public.date}, "
            f"{row.kind} version {row.version.version} of meeting {meeting.pk} ({meeting.cell.code})"
        )
