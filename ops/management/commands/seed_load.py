"""Data for the load test (scripts/load.py): N cells of M members, each cell's meeting open and live.

Writes one JSON document to --out: for every member the username, the meeting and a session key (the
phones are already signed in when the meeting starts; the script's separate logins go through the form).
The sessions are made by Django's own login (through the test client's force_login), so whatever a login
puts into a session is there. Everyone is an ordinary member (the chair included): a committee account's
session rules and second step are not what this test measures.
Every user has the same password, given on the command line and hashed once (200 password hashes would take
longer than the rest of the set-up, whatever the hasher). Meetings are opened through the services, so the roll call
(`Attendance` rows), the guests and the audit history exist as they would in a real meeting.

Refuses a database that already holds party organisations: it is meant for the load test's own database.
"""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client

from members.models import Member, Membership, Organization
from ops import live_meeting

K = Organization.Kind
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hạnh", "Hương", "Lan", "Long", "Mai", "Nam", "Phong", "Tâm"]


class Command(BaseCommand):
    help = "Creates the load test's cells, members (with logins and sessions) and live meetings."

    def add_arguments(self, parser):
        parser.add_argument("--cells", type=int, default=10)
        parser.add_argument("--members", type=int, default=20, help="Members per cell (the first chairs).")
        parser.add_argument("--password", required=True, help="The password of every load user.")
        parser.add_argument(
            "--out", required=True, help="Where to write the members and their sessions (JSON)."
        )

    def handle(self, *args, cells, members, password, out, **options):
        if Organization.objects.exists():
            raise CommandError("seed_load runs only on an empty database (the load test's own).")
        with transaction.atomic():
            rows = self._seed(cells, members, password)
        Path(out).write_text(json.dumps({"members": rows}))

    def _seed(self, n_cells: int, n_members: int, password: str) -> list[dict]:
        User = get_user_model()
        encoded = make_password(password)
        since = dt.date(2015, 1, 1)
        root = Organization.objects.add_root(
            instance=Organization(name="Đảng ủy Khối kiểm tra tải", kind=K.BLOC, place="Cần Thơ")
        )
        branch = Organization.objects.add_child(
            root, instance=Organization(name="Đảng bộ tải", kind=K.GRASSROOTS)
        )
        rows = []
        for c in range(1, n_cells + 1):
            branch.refresh_from_db()
            cell = Organization.objects.add_child(
                branch,
                instance=Organization(
                    name=f"Chi bộ tải {c:02d}", kind=K.CELL, meeting_day=5, term="2025–2030"
                ),
            )
            people = []
            for m in range(1, n_members + 1):
                user = User.objects.create(username=f"load.{c:02d}.{m:02d}", password=encoded)
                member = Member.objects.create(
                    full_name=f"{FAMILY[(c + m) % len(FAMILY)]} Văn {GIVEN[m % len(GIVEN)]} {c:02d}.{m:02d}",
                    gender=Member.Gender.MALE,
                    birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=97 * m),
                    admission_decision_date=since,
                    admission_date=since,
                    official_date=since + dt.timedelta(days=365),
                    status=Member.Status.OFFICIAL,
                    dues_basis=10_000_000,
                    cell=cell,
                    user=user,
                )
                Membership.objects.create(member=member, cell=cell, started_on=since)
                people.append((user, member))
            chair = people[0][1]
            meeting = live_meeting.open_now(
                cell,
                topic="Kiểm tra tải: sinh hoạt trực tuyến",
                place="Hội trường",
                chair=chair,
                by=people[0][0],
            )
            for user, _member in people:
                phone = Client()
                phone.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
                rows.append(
                    {
                        "username": user.username,
                        "meeting": meeting.pk,
                        "session": phone.cookies[settings.SESSION_COOKIE_NAME].value,
                    }
                )
        return rows
