from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from core import storage
from ops import backups


class Command(BaseCommand):
    help = "Replaces the database and the stored files with a backup made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup folder, e.g. var/backups/20261125-021500")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args, backup, interactive=True, **options):
        try:
            manifest = backups.read_backup(backup)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        database = connections["default"].settings_dict["NAME"]
        self.stdout.write(
            f"Backup of {manifest['created_at']}: {manifest['media']['files']} files.\n"
            f"This REPLACES the database {database} and every stored file in {storage.location()}.\n"
            "Stop the web server, worker and beat first."
        )
        if interactive and input("Type 'yes' to restore: ").strip().lower() != "yes":
            raise CommandError("Nothing restored.")
        try:
            backups.restore_backup(backup)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {backup}."))
