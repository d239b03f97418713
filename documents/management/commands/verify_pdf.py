from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from documents import signing


class Command(BaseCommand):
    help = (
        "Checks the digital signatures of a PDF against the committees' stored certificates and their CAs: "
        "verify_pdf FILE.pdf. Exits 1 when the file has no signature or one is not intact, not trusted or "
        "does not cover the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        try:
            verdicts = signing.verify(path.read_bytes())
        except ValueError as error:
            raise CommandError(f"{file}: {error}") from None
        if not verdicts:
            raise CommandError(f"{file}: not digitally signed.")
        for verdict in verdicts:
            when = (
                timezone.localtime(verdict.signed_at).strftime("%H:%M %d/%m/%Y") if verdict.signed_at else "?"
            )
            self.stdout.write(
                f"{verdict.field}: signed by {verdict.signer or '?'} at {when}\n"
                f"  intact: {'yes' if verdict.intact else 'NO'}; "
                f"trusted: {'yes' if verdict.trusted else 'NO'}; "
                f"covers the whole file: {'yes' if verdict.whole_file else 'NO'} ({verdict.summary})"
            )
        if not all(v.valid for v in verdicts):
            raise CommandError(f"{file}: the signature is NOT valid.")
        self.stdout.write(self.style.SUCCESS(f"{file}: the signature is valid."))
