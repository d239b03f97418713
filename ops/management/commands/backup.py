from django.core.management.base import BaseCommand, CommandError

from ops import backups


class Command(BaseCommand):
    help = (
        "Writes a consistent copy of the database (pg_dump custom format, or SQLite's online backup) and of"
        " every stored file (MEDIA_ROOT or the S3 bucket) into BACKUP_DIR/<timestamp>/ and prints that folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Folder to write into (default: BACKUP_DIR, var/backups/).")
        parser.add_argument("--keep", type=int, default=0, help="Afterwards keep only the newest N backups.")

    def handle(self, *args, dir=None, keep=0, **options):
        try:
            folder = backups.create_backup(root=dir, keep=keep)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        manifest = backups.read_backup(folder)
        self.stderr.write(
            f"Backed up the {manifest['database']['engine']} database and {manifest['media']['files']} files."
        )
        self.stdout.write(str(folder))
