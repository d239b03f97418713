"""Evaluation fixtures on top of tests/conftest.py's `world`.

Chi bộ A1 meets on the 5th at 14:00; the clock stands at 20/11/2026 09:00 (Vietnam time) unless a test moves
it, so November 2026 is the month being scored and the HD 42-era rubric (28/10/2025) is in force.

Records are written straight to the tables here (a closed meeting with its roll call, comments, votes …) so
each test states exactly what the record holds; the live flow itself is exercised where the test is about it.
"""

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from evaluations import services
from evaluations.models import Rubric
from meetings import live
from meetings.models import AgendaItem, Attendance, Category, Comment, CommitteeSession, Meeting, Vote
from meetings.services import plan_regular_meeting, publish_meeting
from members.models import Member, Organization

from ..clock import Clock, at
from ..factories import MemberFactory, make_org

NOVEMBER = dt.date(2026, 11, 1)
OCTOBER = dt.date(2026, 10, 1)
DECEMBER = dt.date(2026, 12, 1)


@pytest.fixture
def clock(monkeypatch):
    """django.utils.timezone.now (and so localtime/localdate) reads this clock; clock.set(at(...)) moves it."""
    return Clock(monkeypatch, at(2026, 11, 20, 9, 0))


def vi(message: str, **params) -> str:
    with translation.override("vi"):
        text = gettext(message)
    text = text % params if params else text
    return " ".join(text.split())


def text(response) -> str:
    """The page as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def new_cell(parent: Organization, name: str, **extra) -> Organization:
    parent.refresh_from_db()
    cell = make_org(name, Organization.Kind.CELL, parent, **extra)
    cell.refresh_from_db()
    return cell


def members_of(cell: Organization, n: int, **extra) -> list[Member]:
    return [
        MemberFactory(full_name=f"Đảng viên {cell.name} số {i + 1}", cell=cell, **extra) for i in range(n)
    ]


def hold(
    cell: Organization,
    period: dt.date = NOVEMBER,
    *,
    minutes: int | None = 100,
    published_days: int | None = 2,
    status: str = Meeting.Status.CLOSED,
    day: int | None = None,
) -> Meeting:
    """The cell's regular meeting of the month with its standard agenda, held (started and ended) as told."""
    meeting, _created = plan_regular_meeting(cell=cell, period=period)
    start = meeting.scheduled_at
    if day is not None:
        start = start.replace(day=day)
    Meeting.objects.filter(pk=meeting.pk).update(
        scheduled_at=start,
        status=status,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=minutes) if minutes is not None else None,
        published_at=start - dt.timedelta(days=published_days) if published_days is not None else None,
    )
    meeting.refresh_from_db()
    return meeting


def roll(meeting: Meeting, *, present=(), excused=(), unexcused=()) -> None:
    for status, members in (
        (Attendance.Status.PRESENT, present),
        (Attendance.Status.EXCUSED, excused),
        (Attendance.Status.UNEXCUSED, unexcused),
    ):
        for m in members:
            Attendance.objects.create(
                meeting=meeting, member=m, status=status, official=m.status == Member.Status.OFFICIAL
            )


def speak(meeting: Meeting, speakers, *, times: int = 1) -> None:
    for m in speakers:
        for i in range(times):
            Comment.objects.create(meeting=meeting, speaker=m, text=f"Ý kiến {i + 1} của {m.full_name}")


def session(meeting: Meeting, *, days_before: int = 5, draft: str = "") -> CommitteeSession:
    held_on = timezone.localtime(meeting.scheduled_at).date() - dt.timedelta(days=days_before)
    return CommitteeSession.objects.create(
        meeting=meeting, held_on=held_on, content="Thống nhất nội dung sinh hoạt", draft_resolution=draft
    )


def vote(meeting: Meeting, kind: str, *, passed: bool = True) -> Vote:
    return Vote.objects.create(
        meeting=meeting,
        kind=kind,
        question=f"Biểu quyết {kind}",
        votes_for=3 if passed else 1,
        votes_against=0 if passed else 2,
        eligible=3,
        base=3,
        passed=passed,
        recorded_at=meeting.ended_at or meeting.scheduled_at,
    )


def professional_item(meeting: Meeting, minutes: int) -> AgendaItem:
    return AgendaItem.objects.create(
        meeting=meeting,
        position=99,
        section="report",
        title="Chuyên môn: kế hoạch sản xuất quý",
        planned_minutes=minutes,
        category=Category.PROFESSIONAL,
    )


def open_live(world, clock, *, present=()) -> Meeting:
    """Chi bộ A1's November meeting through the live flow: published on the 2nd, opened by the secretary at
    14:00 on the 5th (the clock stands there), `present` marked present."""
    meeting, _created = plan_regular_meeting(cell=world.cell, period=NOVEMBER)
    clock.set(at(2026, 11, 2, 9, 0))
    publish_meeting(meeting=meeting, by=world.secretary.user)
    clock.set(at(2026, 11, 5, 14, 0))
    live.open_meeting(meeting=meeting, chair=world.secretary, clerk=world.fellow, by=world.secretary.user)
    for member in present:
        live.mark_attendance(
            attendance=meeting.attendances.get(member=member), status=Attendance.Status.PRESENT
        )
    return meeting


@pytest.fixture
def default(db) -> Rubric:
    """The national meeting rubric (HD 42 era)."""
    return Rubric.objects.get(kind=Rubric.Kind.MEETING, organization=None)


def full_marks_for_top(default, world) -> Rubric:
    """Đảng bộ A requires full marks on attendance, duration, participation and minutes (its own version)."""
    return services.issue_local_rubric(
        rubric=default,
        organization=world.branch_a,
        effective_from=dt.date(2026, 1, 1),
        source_number="09-HD/ĐU",
        source_date=dt.date(2025, 12, 20),
        source_issuer="Đảng ủy Đảng bộ A",
    )


@pytest.fixture
def band_cell(world):
    """Chi bộ Băng: twenty official members, for rates that fall exactly on a band's edge."""
    cell = new_cell(world.branch_a, "Chi bộ Băng", meeting_day=10)
    return cell, members_of(cell, 20)
