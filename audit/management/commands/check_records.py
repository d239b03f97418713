"""`manage.py check_records [--cell ID] [--since DATE]`: every record that breaks an invariant of the
official record (audit/invariants.py), one line each, grouped by invariant, with a count. Exits with 1
when anything is found, so a script or CI can stop on it."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.invariants import CHECKS, Scope
from members.models import Organization


def parse_day(text: str) -> dt.date:
    """dd/mm/yyyy as the app writes dates, or ISO yyyy-mm-dd."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise CommandError(_("“%(text)s” is not a date: write it as dd/mm/yyyy or yyyy-mm-dd.") % {"text": text})


class Command(BaseCommand):
    help = "Lists every record that breaks an invariant of the official record; exits with 1 if any."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cell", type=int, help="An organisation's id: that cell, or every cell below it."
        )
        parser.add_argument("--since", help="Only meetings on or after this day (dd/mm/yyyy or yyyy-mm-dd).")

    def handle(self, *args, cell=None, since=None, **options):
        organization = None
        if cell is not None:
            organization = Organization.objects.filter(pk=cell).first()
            if organization is None:
                raise CommandError(_("No organisation has the id %(id)s.") % {"id": cell})
        scope = Scope(organization=organization, since=parse_day(since) if since else None)
        total = 0
        for _code, title, function in CHECKS:
            problems = list(function(scope))
            if not problems:
                continue
            total += len(problems)
            self.stdout.write(self.style.WARNING(f"{title} ({len(problems)})"))
            for problem in problems:
                self.stdout.write(f"  - {problem.text}")
        if not total:
            self.stdout.write(self.style.SUCCESS(_("No problem found (%(n)d checks).") % {"n": len(CHECKS)}))
            return
        summary = ngettext("%(n)d problem found.", "%(n)d problems found.", total) % {"n": total}
        self.stdout.write(self.style.ERROR(summary))
        raise CommandError(summary, returncode=1)
