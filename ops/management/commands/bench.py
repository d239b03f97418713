"""`make bench`: every performance figure of the project, each beside a baseline measured in the same run.

Figures are server times measured in-process with Django's test client (no network), so they compare the
app's own work: the dashboard against the bare SQL of its figures, the comment post / live poll / login
against a bare Django view, the PDF against WeasyPrint on a one-line page, the beat run against the bare SQL
of its main query. Results are printed one per line and written to bench-results.json.

`evening_2000_cores` is the exception: the cores an evening of 2,000 phones needs over the push path, from
the CPU per request that `scripts/load.py --push --split --cost` measures on real servers (gunicorn,
PostgreSQL and Redis clusters of its own, needs PostgreSQL) beside a bare WSGI app in the same run.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from access import poll_token
from archive import index, search
from archive.models import SearchEntry
from documents import book, minutes, pdf, signing
from evaluations.models import CellMonth
from meetings.models import Comment, Meeting
from members.models import Member, Organization, Role
from members.services import create_member
from notifications import reminders
from notifications.models import Notification
from ops import live_meeting
from ops.demo import signing as signing_demo

from .seed_scale import ROOT

# The hashers production uses, read before handle() swaps in a fast one for the rest of the figures.
PRODUCTION_HASHERS = list(settings.PASSWORD_HASHERS)

PASSWORD = "bench-password-2026"


def _stats(samples_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def _time(fn, n: int) -> list[float]:
    samples = []
    for _i in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


class Command(BaseCommand):
    help = "Measures the project's performance figures and writes bench-results.json."

    def add_arguments(self, parser):
        parser.add_argument("--cells", type=int, default=1000)
        parser.add_argument("--months", type=int, default=60)
        parser.add_argument(
            "--repeat", type=int, default=30, help="Requests per figure (more for the cheap ones)."
        )
        parser.add_argument("--out", default=str(settings.BASE_DIR / "bench-results.json"))
        parser.add_argument(
            "--only",
            default="",
            help="Comma-separated figures to measure (e.g. dashboard,search); the others in --out are kept.",
        )

    @override_settings(
        ALLOWED_HOSTS=["*"],
        SECURE_SSL_REDIRECT=False,
        DEBUG=False,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    def handle(self, *args, cells, months, repeat, out, only, **options):
        started = time.monotonic()
        if not Organization.objects.filter(name=ROOT).exists():
            call_command("seed_scale", cells=cells, months=months, stdout=self.stdout)
        root = Organization.objects.get(name=ROOT)
        held = Organization.objects.under(root).cells().count()
        if held != cells:
            raise CommandError(
                f"This database was seeded with {held} cells, not {cells}: give another one for this size "
                "(scripts/bench: BENCH_DB=<name>)."
            )
        self.results = {}
        self.stdout.write(
            f"database: {connection.vendor}; data: {Organization.objects.under(root).cells().count()} cells, "
            f"{Meeting.objects.filter(cell__path__startswith=root.path).count()} meetings"
        )
        reviewer, member, meeting = self._fixtures(root)
        wanted = set(filter(None, only.split(",")))

        def measure(name):
            return not wanted or name in wanted

        bare = self._bare_view(repeat * 4)
        if measure("dashboard"):
            self._dashboard(root, reviewer, repeat)
        if measure("comment"):
            self._comments(meeting, member, repeat * 3, bare)
        if measure("poll"):
            self._poll(meeting, member, repeat * 6, bare)
        if measure("login"):
            self._login(member, repeat, bare)
        if measure("search"):
            self._search(root, reviewer, member, repeat)
        if measure("pdf"):
            self._pdf(repeat)
        if measure("beat"):
            self._beat(root)
        if measure("rebuild"):
            self._rebuild(root)
        if measure("evening"):
            self._evening(repeat * 3)
        if wanted and Path(out).exists():
            self.results = {**json.loads(Path(out).read_text()), **self.results}
        Path(out).write_text(json.dumps(self.results, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write(f"wrote {out} in {time.monotonic() - started:.0f}s")

    # --- fixtures ---------------------------------------------------------------------------------------

    def _fixtures(self, root):
        User = get_user_model()
        reviewer_user, _created = User.objects.get_or_create(
            username="bench.reviewer", defaults={"password": make_password(PASSWORD)}
        )
        reviewer = Member.objects.filter(user=reviewer_user).first()
        first_cell = Organization.objects.under(root).cells().order_by("path").first()
        if reviewer is None:
            reviewer = create_member(
                member=Member(full_name="Người đánh giá", user=reviewer_user), cell=first_cell, by=None
            )
            Role.objects.create(
                member=reviewer, organization=root, kind=Role.Kind.REVIEWER, starts_on=dt.date(2020, 1, 1)
            )
        member_user, _created = User.objects.get_or_create(
            username="bench.member", defaults={"password": make_password(PASSWORD)}
        )
        member = Member.objects.filter(user=member_user).first() or create_member(
            member=Member(full_name="Đảng viên đo", user=member_user), cell=first_cell, by=None
        )
        meeting = Meeting.objects.filter(cell=first_cell, status=Meeting.Status.IN_PROGRESS).first()
        if meeting is None:
            meeting = live_meeting.open_now(first_cell, topic="Đo hiệu năng", place="", chair=member, by=None)
        return reviewer_user, member_user, meeting

    def _client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def _record(self, name, samples, baseline_name, baseline_median, unit="ms", **extra):
        median, p95 = _stats(samples)
        ratio = median / baseline_median if baseline_median else None
        self.results[name] = {
            "median": round(median, 2),
            "p95": round(p95, 2),
            "unit": unit,
            "baseline": baseline_name,
            "ratio": round(ratio, 2) if ratio is not None else None,
            **extra,
        }
        more = " ".join(f"{k} {v}" for k, v in extra.items())
        self.stdout.write(
            f"{name:<28} median {median:8.2f} {unit}  p95 {p95:8.2f} {unit}  "
            f"baseline {baseline_name} {baseline_median:.2f} {unit}  ratio {ratio:.2f} {more}".rstrip()
        )

    # --- figures -----------------------------------------------------------------------------------------

    def _bare_view(self, n):
        client = Client()
        samples = _time(lambda: client.get("/livez"), n)
        median, p95 = _stats(samples)
        self.results["bare_view"] = {
            "median": round(median, 2),
            "p95": round(p95, 2),
            "unit": "ms",
            "baseline": "itself",
            "ratio": 1.0,
        }
        self.stdout.write(f"{'bare_view':<28} median {median:8.2f} ms  p95 {p95:8.2f} ms")
        return median

    def _dashboard(self, root, reviewer, n):
        period = CellMonth.objects.filter(cell__path__startswith=root.path).latest("period").period
        client = self._client(reviewer)
        url = reverse("evaluations:dashboard", args=[root.pk]) + f"?period={period:%Y-%m}"
        client.get(url)
        samples = _time(lambda: client.get(url), n)
        sql = (
            "SELECT o.name, m.held, m.committee_session, m.attendance_rate, m.speakers, m.present, m.comments,"
            " m.party_share, m.duration, m.score, m.level, m.members_at_risk, m.overdue_recognitions"
            " FROM evaluations_cellmonth m JOIN members_organization o ON o.id = m.cell_id"
            " WHERE m.period = %s AND o.path LIKE %s ORDER BY m.score DESC, o.name"
        )
        trend = (
            "SELECT m.period, AVG(m.score), COUNT(*) FROM evaluations_cellmonth m JOIN members_organization o"
            " ON o.id = m.cell_id WHERE m.period >= %s AND m.period <= %s AND o.path LIKE %s GROUP BY m.period"
        )
        start = (period - dt.timedelta(days=335)).replace(day=1)

        def bare():
            with connection.cursor() as cursor:
                cursor.execute(sql, [period, root.path + "%"])
                cursor.fetchall()
                cursor.execute(trend, [start, period, root.path + "%"])
                cursor.fetchall()

        bare()
        baseline = _stats(_time(bare, n))[0]
        self._record("dashboard", samples, "bare SQL of the same figures", baseline)

    def _search(self, root, reviewer, member, n):
        """Accent-insensitive search by a reviewer of every cell and by a member of one cell: common words
        (one comment in six says "bốn tốt"), a phrase, a person's name, with and without diacritics."""

        if not SearchEntry.objects.filter(cell__path__startswith=root.path).exists():
            started = time.monotonic()
            rows = index.rebuild(meetings=Meeting.objects.filter(cell__path__startswith=root.path))
            self.stdout.write(f"search index built: {rows} rows in {time.monotonic() - started:.0f}s")
        name = Comment.objects.filter(meeting__cell__path__startswith=root.path).values_list(
            "speaker__full_name", flat=True
        )[:1][0]
        queries = [
            "bon tot",
            "đảng phí",
            "phat trien dang vien",
            "tư tưởng đảng viên",
            name,
            "nghi quyet thang",
        ]
        url = reverse("archive:search")
        for label, user in (("search_reviewer", reviewer), ("search_member", member)):
            client = self._client(user)
            client.get(url, {"q": queries[0]})
            samples = []
            for _i in range(max(1, n // len(queries))):
                for q in queries:
                    samples += _time(lambda q=q, client=client: client.get(url, {"q": q}), 1)

            # The bare SQL: the same full-text match (or whole-word match on SQLite), the first page and
            # the capped count, without permissions, highlighting or the page.
            def bare():
                for q in queries:
                    rows = search.matching(SearchEntry.objects.all(), q)
                    list(rows.order_by("-date", "-id").values_list("pk", "title", "text")[:20])
                    search.count(rows)

            bare()
            baseline = _stats(_time(bare, max(3, n // len(queries))))[0] / len(queries)
            self._record(label, samples, "bare SQL of the same search", baseline, queries=len(queries))

    def _comments(self, meeting, member_user, n, bare):
        client = self._client(member_user)
        url = reverse("meetings:comment_post", args=[meeting.pk])

        def post():
            client.post(
                url,
                {"text": "Ý kiến đo hiệu năng", "kind": "opinion", "client_id": str(uuid.uuid4())},
                HTTP_ACCEPT="application/json",
            )

        self._record("comment_post", _time(post, n), "bare Django view", bare)

    def _poll(self, meeting, member_user, n, bare):

        client = self._client(member_user)
        meeting.refresh_from_db()
        last = (
            Comment.objects.filter(meeting=meeting).order_by("-pk").values_list("pk", flat=True).first() or 0
        )
        answers = Comment.objects.filter(meeting=meeting, answered_at__isnull=False).count()
        url = (
            reverse("meetings:poll", args=[meeting.pk])
            + f"?t={poll_token(meeting, member_user)}&after={last}"
            f"&item={meeting.current_item_id or ''}&status={meeting.status}&answers={answers}"
        )
        assert client.get(url).status_code == 204
        self._record("live_poll_nothing_new", _time(lambda: client.get(url), n), "bare Django view", bare)

    def _login(self, member_user, n, bare):
        """With the production password hashers (Argon2id, core/hashers.py): the hash is what a login
        costs, so the rest of the benchmark's fast hasher would hide it."""
        with override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS):
            member_user.set_password(PASSWORD)
            member_user.save(update_fields=["password"])

            def login():
                response = Client().post(
                    reverse("login"), {"username": member_user.username, "password": PASSWORD}
                )
                assert response.status_code == 302, response.status_code

            self._record("login", _time(login, n), "bare Django view", bare)

    def _pdf(self, n):
        one_line = "<html><body><p>Một dòng tiếng Việt.</p></body></html>"
        html_class = pdf._html_class()
        html_class(string=one_line).write_pdf()
        baseline = _stats(_time(lambda: html_class(string=one_line).write_pdf(), max(5, n // 3)))[0]
        article = Meeting.objects.filter(
            cell__name__startswith="Chi bộ Điện", period=dt.date(2026, 11, 1)
        ).first()
        if article is None:
            call_command("seed_demo", stdout=open("/dev/null", "w"))
            article = Meeting.objects.filter(
                cell__name__startswith="Chi bộ Điện", period=dt.date(2026, 11, 1)
            ).first()
        for name, source in (
            ("pdf_minutes_article", minutes.pdf_source(article, "minutes")),
            ("pdf_minutes_long", self._long_source(article)),
        ):
            samples = _time(lambda s=source: pdf.render_bytes("minutes", s), max(5, n // 3))
            tracemalloc.start()  # once, apart from the timing: tracing slows Python down several times
            pdf.render_bytes("minutes", source)
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            self._record(name, samples, "WeasyPrint on a one-line page", baseline, peak_mb=round(peak, 1))
        self._signed(article, baseline, n)
        self._book(article, baseline)

    def _signed(self, article, baseline, n):
        """The article's minutes as adoption stores them: PDF/A signed with the committee's certificate (the
        demo's, a P-256 key; a throw-away one of the same kind when the demo has none or SIGNING_KEY is unset).
        Target: median under 1.5 s."""
        source = minutes.pdf_source(article, "minutes")
        with override_settings(SIGNING_KEY=settings.SIGNING_KEY or "bench-only-signing-key"):
            certificate = signing.certificate_for_cell(article.cell) or signing.certificate_from(
                organization=signing.issuing_committee(article.cell),
                data=signing_demo.make_pkcs12("Bench", signing_demo.make_authority()),
                passphrase=signing_demo.DEMO_PASSPHRASE,
            )
            samples = _time(lambda: pdf.render_bytes("minutes", source, certificate), max(5, n // 3))
        self._record(
            "pdf_minutes_article_signed", samples, "WeasyPrint on a one-line page", baseline, target_ms=1500
        )

    def _book(self, article, baseline):
        """The minutes book of a year with 14 meetings (the issue's 12 regular and 2 thematic): the model
        cell's adopted minutes of 2026, repeated to fourteen."""

        data = book.source(article.cell, 2026)
        real = data["entries"]
        data["entries"] = [{**real[i % len(real)], "anchor": f"m{i}"} for i in range(14)]
        samples, pages = [], 0
        for _i in range(3):
            started = time.perf_counter()
            _content, pages = book.render_book_bytes(data)
            samples.append((time.perf_counter() - started) * 1000)
        self._record("pdf_minutes_book_14", samples, "WeasyPrint on a one-line page", baseline, pages=pages)

    def _long_source(self, article):
        """The article's minutes stretched to a long meeting: 40 comments and 3 votes."""
        source = minutes.pdf_source(article, "minutes")
        content = json.loads(json.dumps(source["minutes"]))
        sample = {
            "speaker": "Nguyễn Văn Thành",
            "kind": "Ý kiến",
            "text": "Đề nghị chi bộ tiếp tục đổi mới nội dung sinh hoạt, "
            "tăng cường nắm bắt tình hình tư tưởng đảng viên và nâng cao chất lượng phát triển đảng viên.",
            "answer": "",
        }
        for i, item in enumerate(content["items"]):
            item["comments"] = [dict(sample, speaker=f"Đảng viên {i}-{j}") for j in range(4)]
        while sum(len(item["comments"]) for item in content["items"]) < 40:
            content["items"][-1]["comments"].append(dict(sample))
        content["votes"] = (content["votes"] * 3)[:3]
        return {**source, "minutes": content}

    def _beat(self, root):
        cells = list(Organization.objects.under(root).cells())
        self._beat_fixtures(root, cells)
        when = timezone.now() + dt.timedelta(days=1)

        def run():
            Notification.objects.filter(kind="committee_session").delete()
            reminders.run(now=when - dt.timedelta(days=4))

        samples = _time(run, 5)
        created = Notification.objects.filter(kind="committee_session").count()

        def bare():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT m.id, m.cell_id FROM meetings_meeting m LEFT JOIN meetings_committeesession s ON s.meeting_id = m.id"
                    " WHERE m.status IN ('planned', 'prepared') AND s.id IS NULL AND m.scheduled_at >= %s",
                    [timezone.now()],
                )
                cursor.fetchall()

        baseline = _stats(_time(bare, 5))[0]
        self._record(
            "beat_reminders",
            samples,
            "bare SQL of its main query",
            baseline,
            cells=len(cells),
            notifications=created,
        )

    def _rebuild(self, root):
        """The nightly indicator rebuild (`evaluations.tasks.rebuild_indicators`: the last three months of
        every cell), once, against the bare SQL that reads those months' meetings."""
        from evaluations import indicators

        samples = _time(indicators.rebuild_recent, 1)
        since = (timezone.localdate().replace(day=1) - dt.timedelta(days=62)).replace(day=1)

        def bare():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT m.id, m.cell_id, m.status, m.started_at, m.ended_at FROM meetings_meeting m"
                    " WHERE m.period >= %s",
                    [since],
                )
                cursor.fetchall()

        baseline = _stats(_time(bare, 3))[0]
        self._record(
            "nightly_rebuild",
            samples,
            "bare SQL reading the three months' meetings",
            baseline,
            cells=Organization.objects.under(root).cells().count(),
            rows=CellMonth.objects.count(),
        )

    def _beat_fixtures(self, root, cells):
        """Every cell's bí thư gets a login, and every cell a meeting five days ahead with no chi ủy session."""
        User = get_user_model()
        secretaries = list(
            Member.objects.filter(
                roles__organization__in=cells, roles__kind=Role.Kind.SECRETARY, user__isnull=True
            )
        )
        if secretaries:
            password = make_password(PASSWORD)
            users = User.objects.bulk_create(
                [User(username=f"bench.bt{m.pk}", password=password) for m in secretaries], batch_size=2000
            )
            for m, u in zip(secretaries, users, strict=True):
                m.user = u
            Member.objects.bulk_update(secretaries, ["user"], batch_size=2000)
        when = timezone.now() + dt.timedelta(days=1)
        # A month far ahead that the scale data never uses, so the one-regular-meeting-a-month rule holds.
        period = (timezone.localdate() + dt.timedelta(days=400)).replace(day=1)
        have = set(
            Meeting.objects.filter(cell__in=cells, period=period, kind=Meeting.Kind.REGULAR).values_list(
                "cell_id", flat=True
            )
        )
        Meeting.objects.bulk_create(
            [
                Meeting(
                    cell=c,
                    kind=Meeting.Kind.REGULAR,
                    period=period,
                    scheduled_at=when,
                    status=Meeting.Status.PLANNED,
                )
                for c in cells
                if c.pk not in have
            ],
            batch_size=2000,
        )

    def _evening(self, n):
        """The 2,000-phone evening (#19): 100 cells of 20, a comment every 30 s per phone, 1,000 logins and
        2,000 live pages in the first minute, priced with the CPU per request of a small real run."""
        if connection.vendor != "postgresql":
            self.stdout.write("evening_2000_cores           skipped: scripts/load.py needs PostgreSQL")
            return
        script = settings.BASE_DIR / "scripts" / "load.py"
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "cost.json"
            command = [sys.executable, str(script), "--push", "--split", f"--cost={n}", "--cells=2"]
            command += ["--members=20", "--var-dir", tmp, "--json", str(report)]
            done = subprocess.run(command, env=os.environ.copy(), capture_output=True, text=True)
            if done.returncode != 0 or not report.exists():
                self.stdout.write(
                    f"evening_2000_cores           failed: {(done.stdout + done.stderr)[-400:]}"
                )
                return
            cost = json.loads(report.read_text())["cpu_ms"]
        sys.path.insert(0, str(script.parent))
        load = importlib.import_module("load")
        model = load.push_evening(cost, 2000, 20, 30, 1000, 60)
        bare = cost["bare WSGI app (gunicorn sync worker)"]
        # The same requests (comments and safety polls) answered by the bare app: the floor.
        requests_per_s = 2000 / 30 + 2000 / load.SAFETY_POLL_S
        floor = requests_per_s * bare / 1000
        self.results["evening_2000_cores"] = {
            "median": model["steady_cores"],
            "first_minute_extra": model["first_minute_extra_cores"],
            "unit": "cores",
            "baseline": "the same requests on a bare WSGI app, same run",
            "baseline_value": round(floor, 3),
            "ratio": round(model["steady_cores"] / floor, 1) if floor else None,
            "parts": model["steady_parts_cores"],
            "cpu_ms": cost,
        }
        self.stdout.write(
            f"{'evening_2000_cores':<28} steady {model['steady_cores']:.2f} cores, first minute "
            f"+{model['first_minute_extra_cores']:.2f}; bare WSGI {bare} ms a request ({floor:.3f} cores)"
        )
