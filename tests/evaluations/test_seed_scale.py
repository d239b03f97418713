"""seed_scale: a large, realistic data set written in bulk; a second run does nothing."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from evaluations import indicators
from evaluations.models import CellMonth, Evaluation
from meetings.models import Attendance, Comment, CommitteeSession, Meeting, Vote
from members.models import Member, Organization, Role
from ops import live_meeting

ROOT = "Đảng ủy Khối quy mô"


def seed(**kw) -> str:
    out = io.StringIO()
    call_command("seed_scale", stdout=out, **kw)
    return out.getvalue()


def everything() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organization,
            Member,
            Role,
            Meeting,
            Attendance,
            Comment,
            Vote,
            CommitteeSession,
            Evaluation,
            CellMonth,
        )
    }


@pytest.fixture
def seeded(db, clock):
    seed(cells=5, months=3)
    return Organization.objects.get(name=ROOT)


def test_seed_scale_creates_the_tree_members_and_three_months_of_meetings(seeded):
    cells = list(Organization.objects.under(seeded).cells())
    assert len(cells) == 5
    assert (
        Organization.objects.under(seeded).exclude(kind__in=Organization.CELL_KINDS).count() == 2
    )  # root, branch
    for cell in cells:
        members = cell.members.count()
        assert members >= 3
        assert Role.objects.filter(organization=cell, kind=Role.Kind.SECRETARY).count() == 1
        assert cell.meeting_day

    meetings = Meeting.objects.filter(cell__in=cells)
    # The three months before the clock's (20/11/2026), a month skipped now and then.
    assert set(meetings.values_list("period", flat=True)) == {dt.date(2026, m, 1) for m in (8, 9, 10)}
    assert 12 <= meetings.count() <= 15
    assert set(meetings.values_list("status", flat=True)) == {Meeting.Status.ADOPTED}
    for meeting in meetings.annotate(n=Count("attendances")):
        assert meeting.n == meeting.cell.members.count()
    assert Comment.objects.filter(meeting__in=meetings).exists()
    assert Vote.objects.filter(meeting__in=meetings, kind=Vote.Kind.RESOLUTION).count() == meetings.count()
    assert Evaluation.objects.filter(meeting__in=meetings).count() == meetings.count()
    # One row per cell and month, a month without a meeting included: the dashboard names it.
    assert CellMonth.objects.filter(cell__in=cells).count() == 5 * 3
    for row in CellMonth.objects.filter(cell__in=cells, meeting=None):
        assert not row.held
        assert "no_meeting" in row.alerts.split()
    assert CommitteeSession.objects.filter(meeting__in=meetings).exists()


def test_a_second_run_does_nothing(seeded):
    before = everything()

    out = seed(cells=5, months=3)

    assert everything() == before
    assert "nothing to do" in out


def test_the_seeded_indicators_agree_with_the_seeded_record(seeded):
    """What the dashboard shows for a seeded cell is what refresh computes from its meetings."""
    cells = list(Organization.objects.under(seeded).cells())
    fields = (
        "held",
        "on_fixed_day",
        "committee_session",
        "published_ahead",
        "present",
        "speakers",
        "comments",
        "duration",
        "unexcused",
        "score",
        "level",
    )
    seeded_rows = {(r.cell_id, r.period): r for r in CellMonth.objects.filter(cell__in=cells)}

    for period in {p for _c, p in seeded_rows}:
        indicators.refresh(period, cells)

    for key, before in seeded_rows.items():
        after = CellMonth.objects.get(cell_id=key[0], period=key[1])
        assert {f: getattr(after, f) for f in fields} == {f: getattr(before, f) for f in fields}, key
        assert after.attendance_rate == pytest.approx(before.attendance_rate)


def test_the_seeded_record_passes_check_records(seeded):
    """Every seeded meeting is adopted with its roll call, chair, meeting secretary, numbered minutes
    printing the day held, and a score for each criterion: the command finds nothing."""
    out = io.StringIO()
    call_command("check_records", stdout=out)  # a problem would raise CommandError
    assert "  - " not in out.getvalue()


def test_a_meeting_opened_in_a_seeded_cell_has_every_member_on_its_roll(seeded):
    """The members come with their membership history, as the app records it: a meeting opened today (the
    benchmark's and the load test's live meeting) draws its roll call from it, and the record stays clean."""
    cell = Organization.objects.under(seeded).cells().order_by("path").first()
    chair = Member.objects.filter(cell=cell).first()

    meeting = live_meeting.open_now(cell, topic="Đo hiệu năng", place="", chair=chair, by=None)

    assert meeting.attendances.count() == Member.objects.filter(cell=cell).count() >= 3
    out = io.StringIO()
    call_command("check_records", stdout=out)
    assert "  - " not in out.getvalue()
