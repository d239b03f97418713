from django.core.management.base import BaseCommand

from archive import index


class Command(BaseCommand):
    help = "Writes the search index again for every meeting (after a restore or an import done in bulk)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, batch, **options):
        def progress(done, total):
            self.stdout.write(f"{min(done, total)}/{total} meetings")

        rows = index.rebuild(batch=batch, progress=progress if options["verbosity"] > 1 else None)
        self.stdout.write(self.style.SUCCESS(f"{rows} search rows written."))
