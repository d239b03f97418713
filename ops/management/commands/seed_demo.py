from django.core.management.base import BaseCommand
from django.db.models import Max

from archive import index, signals
from evaluations.tasks import refresh_suspended
from meetings.models import Meeting
from ops.demo import evaluations as evaluations_demo
from ops.demo import meetings as meetings_demo
from ops.demo import members as demo
from ops.demo import signing as signing_demo


class Command(BaseCommand):
    help = "Loads the demo data (the seed article's Đảng ủy Khối, its cells and a year of meetings) once."

    def handle(self, *args, **options):
        before = Meeting.objects.aggregate(last=Max("pk"))["last"] or 0
        # One search index pass and one indicators pass at the end (ops.demo.evaluations), not one per meeting.
        with signals.suspended(), refresh_suspended():
            loaded = demo.seed()
            loaded |= meetings_demo.seed()
            loaded |= evaluations_demo.seed()
            loaded |= signing_demo.seed()
        if loaded:
            index.rebuild(meetings=Meeting.objects.filter(pk__gt=before))
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        if not signing_demo.signing.available():
            self.stdout.write("SIGNING_KEY is not set: the demo's PDFs are not digitally signed.")
        self.stdout.write(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
        for username, persona, name in demo.PERSONAS:
            self.stdout.write(f"  {username:<16} {persona}{f' — {name}' if name else ''}")
