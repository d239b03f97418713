"""A large, realistic data set for dashboards and benchmarks: seed_scale --cells 1000 --months 60.

Everything is written with bulk inserts, so 60,000 meetings with their roll calls, comments, votes, scores
and monthly indicators take minutes on PostgreSQL. Every meeting is adopted as the record requires it
(chair, meeting secretary, minutes numbered in the committee term and printing the day held, a score for each
criterion): `check_records` finds nothing in it. The data lives under its own root ("Đảng ủy Khối quy mô")
and a second run with the same size does nothing.

The rows skip the audit history (plain bulk_create, no django-simple-history records): they are synthetic
benchmark data that nobody entered, and doubling millions of inserts would only slow the seeding down.
"""

import datetime as dt
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from archive import index
from core.months import month_start, previous_month
from documents.minutes import content_hash
from documents.models import DocumentNumber, Minutes, MinutesVersion
from evaluations import alerts
from evaluations.models import CellMonth, Criterion, Evaluation, Rubric, Score
from meetings.models import Attendance, Comment, CommitteeSession, Meeting, Vote
from members import rules
from members.models import Member, Membership, Organization, Role
from ops.demo.meetings import carried

ROOT = "Đảng ủy Khối quy mô"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô", "Hồ"]
MIDDLE = ["Văn", "Thị", "Minh", "Quốc", "Thanh", "Ngọc", "Hoàng", "Thu", "Kim"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hạnh",
    "Hương",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phong",
    "Quang",
    "Tâm",
    "Thảo",
    "Vy",
]
COMMENTS = [
    "Đề nghị bổ sung kết quả thực hiện nghị quyết tháng trước vào báo cáo.",
    "Thống nhất phương hướng nhiệm vụ tháng tới, đề nghị phân công cụ thể.",
    "Cần quan tâm công tác phát triển đảng viên và bồi dưỡng quần chúng ưu tú.",
    "Đề nghị tăng cường nắm bắt tình hình tư tưởng đảng viên.",
    "Đề xuất thực hiện mô hình chi bộ bốn tốt, nâng cao chất lượng sinh hoạt.",
    "Về đảng phí: đề nghị các đồng chí đóng đúng hạn qua cổng dịch vụ công.",
]
TERM = "2025–2030"
# The grassroots congresses of mid-2025 opened the current committee term; minutes before it were numbered
# in the previous one (numbers restart at 01 in each term, DOMAIN.md §4.2).
TERM_START, PREVIOUS_TERM = dt.date(2025, 7, 1), "2020–2025"
LEVEL = [(90, "tot"), (70, "kha"), (50, "tb"), (0, "kem")]
# Each meeting passed its resolution and adopted its minutes, by the official members present.
VOTES = [(Vote.Kind.RESOLUTION, "Thông qua nghị quyết"), (Vote.Kind.MINUTES, "Thông qua biên bản")]
SCORE_QUESTION = "Thông qua kết quả tự đánh giá chất lượng"


class Command(BaseCommand):
    help = "Creates a large data set: --cells N --months M (default 1000 × 60)."

    def add_arguments(self, parser):
        parser.add_argument("--cells", type=int, default=1000)
        parser.add_argument("--months", type=int, default=60)
        parser.add_argument("--members", type=int, default=12, help="Members per cell (average).")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, cells, months, members, seed, **options):
        started = time.monotonic()
        root = Organization.objects.filter(name=ROOT).first()
        if root is not None:
            existing = Organization.objects.under(root).cells().count()
            if existing >= cells:
                self.stdout.write(f"{ROOT}: {existing} cells already there; nothing to do.")
                return
            self.stdout.write(
                f"{ROOT}: {existing} cells, fewer than asked; run on an empty database to rebuild."
            )
            return
        rng = random.Random(seed)
        with transaction.atomic():
            root, cell_list = self._tree(cells)
            by_cell = self._members(cell_list, members, rng)
            self.stdout.write(
                f"tree and {sum(len(v) for v in by_cell.values())} members: {time.monotonic() - started:.1f}s"
            )
        periods = self._periods(months)
        rubric = (
            Rubric.objects.filter(kind=Rubric.Kind.MEETING, organization__isnull=True)
            .order_by("-effective_from")
            .first()
        )
        criteria = list(Criterion.objects.filter(group__rubric=rubric)) if rubric else []
        for i in range(0, len(cell_list), 100):
            chunk = cell_list[i : i + 100]
            with transaction.atomic():
                self._meetings(chunk, by_cell, periods, rng, rubric)
                self._minutes_and_scores(chunk, criteria)
            self.stdout.write(f"cells {i + len(chunk)}/{len(cell_list)}: {time.monotonic() - started:.1f}s")
        rows = index.rebuild(meetings=Meeting.objects.filter(cell__path__startswith=root.path))
        self.stdout.write(f"search index, {rows} rows: {time.monotonic() - started:.1f}s")
        if connection.vendor == "postgresql":
            # Fresh planner statistics, as autovacuum would gather soon after a bulk load.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f}s"))

    def _tree(self, n_cells):
        root = Organization.objects.add_root(
            instance=Organization(name=ROOT, code="ĐUK", kind=Organization.Kind.BLOC, place="Cần Thơ")
        )
        per_branch = 20
        n_branches = max(1, (n_cells + per_branch - 1) // per_branch)
        branches = [
            Organization(
                name=f"Đảng bộ cơ sở số {b + 1}",
                code="ĐU",
                kind=Organization.Kind.GRASSROOTS,
                place="Cần Thơ",
                path=Organization._get_path(root.path, 2, b + 1),
                depth=2,
                numchild=0,
            )
            for b in range(n_branches)
        ]
        cells = []
        for b, branch in enumerate(branches):
            count = min(per_branch, n_cells - b * per_branch)
            branch.numchild = count
            for c in range(count):
                cells.append(
                    Organization(
                        name=f"Chi bộ {b + 1}.{c + 1}",
                        code="CB",
                        kind=Organization.Kind.CELL,
                        term=TERM,
                        place="Cần Thơ",
                        meeting_day=1 + (b + c) % 28,
                        meeting_time=dt.time(14, 0),
                        meeting_place="Hội trường",
                        path=Organization._get_path(branch.path, 3, c + 1),
                        depth=3,
                        numchild=0,
                    )
                )
        Organization.objects.bulk_create(branches, batch_size=1000)
        Organization.objects.filter(pk=root.pk).update(numchild=n_branches)
        Organization.objects.bulk_create(cells, batch_size=1000)
        return root, list(Organization.objects.under(root).cells().order_by("path"))

    def _members(self, cells, per_cell, rng):
        rows = []
        for cell in cells:
            for _i in range(max(3, per_cell + rng.randint(-4, 6))):
                official = rng.random() > 0.1
                admitted = dt.date(rng.randint(1985, 2025), rng.randint(1, 12), rng.randint(1, 28))
                rows.append(
                    Member(
                        full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                        cell=cell,
                        admission_decision_date=admitted,
                        admission_date=admitted,
                        status=Member.Status.OFFICIAL if official else Member.Status.PROBATIONARY,
                        dues_basis=rng.randrange(6_000_000, 20_000_000, 100_000),
                    )
                )
        Member.objects.bulk_create(rows, batch_size=5000)
        by_cell = {}
        memberships = []
        for member in Member.objects.filter(cell__in=cells).only("pk", "cell_id", "status", "admission_date"):
            by_cell.setdefault(member.cell_id, []).append(member)
            # The membership history the app keeps (a roll call is drawn from it, not from Member.cell).
            memberships.append(
                Membership(member=member, cell_id=member.cell_id, started_on=member.admission_date)
            )
        Membership.objects.bulk_create(memberships, batch_size=5000)
        Role.objects.bulk_create(
            [
                Role(
                    member=ms[0],
                    organization_id=cid,
                    kind=Role.Kind.SECRETARY,
                    term=TERM,
                    starts_on=dt.date(2020, 1, 1),
                )
                for cid, ms in by_cell.items()
            ],
            batch_size=5000,
        )
        return by_cell

    def _periods(self, months):
        period = month_start(timezone.localdate())
        periods = []
        for _i in range(months):
            period = previous_month(period)
            periods.append(period)
        return list(reversed(periods))

    def _meetings(self, cells, by_cell, periods, rng, rubric):
        meetings = []
        for cell in cells:
            quality = rng.uniform(0.5, 1.0)  # some cells are simply better run than others
            for period in periods:
                if rng.random() > 0.97:
                    continue  # a month without a meeting
                day = (
                    cell.meeting_day if rng.random() < 0.85 else min(28, cell.meeting_day + rng.randint(1, 5))
                )
                start = timezone.make_aware(dt.datetime.combine(period.replace(day=day), dt.time(14, 0)))
                duration = int(rng.uniform(60, 130) * (0.8 + 0.3 * quality))
                m = Meeting(
                    cell=cell,
                    kind=Meeting.Kind.REGULAR,
                    period=period,
                    scheduled_at=start,
                    started_at=start,
                    ended_at=start + dt.timedelta(minutes=duration),
                    status=Meeting.Status.ADOPTED,
                    published_at=start - dt.timedelta(days=rng.choice([0, 1, 2, 3]), hours=3),
                    place="Hội trường",
                    chair=by_cell[cell.pk][0],  # the secretary chairs
                    clerk=by_cell[cell.pk][1],  # another member keeps the minutes
                )
                m._quality = quality
                meetings.append(m)
        Meeting.objects.bulk_create(meetings, batch_size=5000)
        attendance, comments, votes, sessions, evaluations, months = [], [], [], [], [], []
        now = timezone.now()
        fixed_day = {c.pk: c.meeting_day for c in cells}
        for m in meetings:
            roll = by_cell[m.cell_id]
            statuses = [
                "present"
                if position < 2  # the chair and the meeting secretary were there
                or rng.random() < 0.7 + 0.28 * m._quality
                else rng.choice(["excused", "excused", "unexcused"])
                for position in range(len(roll))
            ]
            # The minutes were adopted by vote: more than half of the official members were there.
            official = sum(1 for p in roll if p.status == "official")
            away = [i for i, p in enumerate(roll) if p.status == "official" and statuses[i] != "present"]
            official_present = official - len(away)
            while away and not rules.resolution_passes(
                m.rules, votes_for=official_present, adjusted=official
            ):
                statuses[away.pop()] = "present"
                official_present += 1
            present = []
            for member, status in zip(roll, statuses, strict=True):
                attendance.append(
                    Attendance(meeting=m, member=member, status=status, official=member.status == "official")
                )
                if status == "present":
                    present.append(member)
            speakers = rng.sample(
                present, k=min(len(present), max(0, int(len(present) * rng.uniform(0.1, 0.7) * m._quality)))
            )
            for i, member in enumerate(speakers + speakers[: len(speakers) // 3]):
                comments.append(
                    Comment(
                        meeting=m,
                        speaker=member,
                        text=rng.choice(COMMENTS),
                        created_at=m.started_at + dt.timedelta(minutes=20 + i),
                    )
                )
            votes += [
                carried(m, kind, question, official_present, official, at=m.ended_at)
                for kind, question in VOTES
            ]
            has_session = rng.random() < 0.5 + 0.5 * m._quality
            if has_session:
                sessions.append(
                    CommitteeSession(
                        meeting=m,
                        held_on=(m.scheduled_at - dt.timedelta(days=5)).date(),
                        content="Thống nhất nội dung",
                    )
                )
            total = Decimal(str(round(min(100, rng.uniform(35, 75) + 30 * m._quality), 1)))
            level = next(code for minimum, code in LEVEL if total >= minimum)
            if rubric:
                score_vote = carried(
                    m, Vote.Kind.SCORE, SCORE_QUESTION, official_present, official, at=m.ended_at
                )
                votes.append(score_vote)
                evaluations.append(
                    Evaluation(
                        meeting=m,
                        rubric=rubric,
                        total=total,
                        level=level,
                        level_label=level,
                        adopted_vote=score_vote,
                        adopted_at=m.ended_at,
                    )
                )
            rate = len(present) / len(roll) if roll else None
            months.append(
                CellMonth(
                    cell_id=m.cell_id,
                    period=m.period,
                    meeting=m,
                    held=True,
                    on_fixed_day=timezone.localtime(m.scheduled_at).day == fixed_day[m.cell_id],
                    committee_session=has_session,
                    published_ahead=(m.scheduled_at - m.published_at).days >= 1,
                    attendance_rate=rate,
                    present=len(present),
                    speakers=len(speakers),
                    comments=len(speakers) + len(speakers) // 3,
                    party_share=rng.uniform(0.35, 0.9),
                    duration=int((m.ended_at - m.started_at).total_seconds() // 60),
                    thematic_in_quarter=rng.random() < 0.7,
                    minutes_adopted=rng.random() < 0.9,
                    score=total,
                    level=level,
                    superior_present=rng.random() < 0.3,
                    unexcused=sum(1 for a in attendance[-len(roll) :] if a.status == "unexcused"),
                    members_at_risk=1 if rng.random() < 0.05 else 0,
                    refreshed_at=now,
                )
            )
        Attendance.objects.bulk_create(attendance, batch_size=10000)
        Comment.objects.bulk_create(comments, batch_size=10000)
        Vote.objects.bulk_create(votes, batch_size=10000)
        CommitteeSession.objects.bulk_create(sessions, batch_size=10000)
        Evaluation.objects.bulk_create(evaluations, batch_size=10000)
        # A month without a meeting has its row too (the dashboard's "no meeting" alert).
        had = {(row.cell_id, row.period) for row in months}
        months += [
            CellMonth(cell_id=cell.pk, period=period, refreshed_at=now)
            for cell in cells
            for period in periods
            if (cell.pk, period) not in had
        ]
        by_pk = {cell.pk: cell for cell in cells}
        today = timezone.localdate()
        for row in months:
            row.cell = by_pk[row.cell_id]
            row.alerts = " ".join(alerts.alerts_for(row, today))
        CellMonth.objects.bulk_create(months, batch_size=10000)

    def _minutes_and_scores(self, cells, criteria):
        """What an adopted meeting leaves behind, so that `check_records` finds the data clean: the adopted
        minutes (a short text with the number, the day held and the heading's date line), the number issued
        in the cell's committee term, and a score for every criterion of each adopted sheet."""
        meetings = list(
            Meeting.objects.filter(cell__in=cells).select_related("cell").order_by("cell_id", "scheduled_at")
        )
        minutes = Minutes.objects.bulk_create([Minutes(meeting=m) for m in meetings], batch_size=5000)
        numbers, versions, counters = [], [], {}
        for m, row in zip(meetings, minutes, strict=True):
            term = TERM if m.period >= TERM_START else PREVIOUS_TERM
            counters[(m.cell_id, term)] = number = counters.get((m.cell_id, term), 0) + 1
            numbers.append(
                DocumentNumber(
                    organization_id=m.cell_id,
                    term=term,
                    kind="BB",
                    number=number,
                    meeting=m,
                    issued_at=m.ended_at,
                )
            )
            day = timezone.localtime(m.started_at)
            content = {
                "cell": m.cell.name.upper(),
                "cell_code": m.cell.code,
                "number": f"{number:02d}-BB/{m.cell.code}",
                "place_date": f"{m.cell.place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}",
                "title": f"sinh hoạt chi bộ thường kỳ tháng {m.period:%m} năm {m.period:%Y}",
                "date": f"{day:%d/%m/%Y}",
                "started": f"{day:%H} giờ {day:%M}",
                "ended": timezone.localtime(m.ended_at).strftime("%H giờ %M"),
                "place": m.place,
            }
            versions.append(
                MinutesVersion(
                    minutes=row,
                    version=1,
                    content=content,
                    sha256=content_hash(content),
                    created_at=m.ended_at,
                )
            )
        DocumentNumber.objects.bulk_create(numbers, batch_size=5000)
        MinutesVersion.objects.bulk_create(versions, batch_size=5000)
        scores = []
        for evaluation in Evaluation.objects.filter(meeting__cell__in=cells).only("pk", "total"):
            share = evaluation.total / 100
            for criterion in criteria:
                points = min(criterion.max_points, (criterion.max_points * share).quantize(Decimal("0.1")))
                scores.append(
                    Score(
                        evaluation=evaluation,
                        criterion=criterion,
                        points=points,
                        prefilled=bool(criterion.fact),
                    )
                )
        Score.objects.bulk_create(scores, batch_size=10000)
