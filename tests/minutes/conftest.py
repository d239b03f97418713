"""A closed meeting with a full record, on top of tests/conftest.py's `world`.

Chi bộ A1 (place Cần Thơ, code CB, term 2025–2030) meets on 05/11/2026 at 14:00. The secretary Phạm Quốc
Hùng chairs; Võ Thị Ngọc Hân is the meeting secretary (thư ký, persona "fellow"). Besides the world's four
members of the cell the roll has an exempt member who stays away, one away on business (excused), one who
never came (unexcused) and one on temporary activity here. The superior officer Lê Văn Phúc is a guest.
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from documents import minutes
from meetings import dues, live
from meetings.models import Attendance, Guest, Meeting, Task, Vote
from meetings.services import plan_regular_meeting, publish_meeting
from members.models import StatusPeriod

from ..clock import Clock, at
from ..factories import MemberFactory, StatusPeriodFactory, post_comment
from .pages import vi

NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture
def clock(monkeypatch):
    """django.utils.timezone.now (and so localtime/localdate) reads this clock; clock.set(at(...)) moves it."""
    return Clock(monkeypatch, at(2026, 11, 5, 13, 30))


def hold(cell, period, *, chair, clerk, present, clock=None, by) -> Meeting:
    """Plans, publishes, opens and closes a cell's regular meeting with `present` in the room, and records
    the cell's vote adopting the minutes (every official member present in favour)."""
    meeting, _created = plan_regular_meeting(cell=cell, period=period)
    publish_meeting(meeting=meeting, by=by)
    if clock:
        clock.set(meeting.scheduled_at)
    live.open_meeting(meeting=meeting, chair=chair, clerk=clerk, by=by)
    for member in present:
        live.mark_attendance(
            attendance=meeting.attendances.get(member=member), status=Attendance.Status.PRESENT
        )
    if clock:
        clock.set(meeting.scheduled_at + dt.timedelta(minutes=100))
    live.close_meeting(meeting=meeting, by=by)
    adopt_vote(meeting, by=by)
    return meeting


def adopt_vote(meeting, *, by, votes_for=None) -> Vote:
    voters = len(live.quorum(meeting).voters)
    return live.record_vote(
        meeting=meeting,
        kind=Vote.Kind.MINUTES,
        question="Thông qua biên bản",
        totals=(voters if votes_for is None else votes_for, 0, 0),
        by=by,
    )


def comment(meeting, item, speaker, said, *, by):
    return post_comment(meeting, speaker, said, agenda_item=item, by=by)


@dataclass
class Record:
    meeting: Meeting
    exempt: object
    away: object
    missing: object
    visiting: object
    report: object  # the agenda item "Report on last month..."
    discussion: object
    version: object = None  # the adopted MinutesVersion


@pytest.fixture
def cell(world):
    world.cell.place = "Cần Thơ"
    world.cell.term = "2025–2030"
    world.cell.save(update_fields=["place", "term"])
    return world.cell


@pytest.fixture
def in_progress(world, cell, clock) -> Record:
    """November's meeting, open since 14:00, roll call taken, comments, a resolution vote, a task, dues."""
    exempt = MemberFactory(full_name="Trần Văn Ẩn", cell=cell)
    StatusPeriodFactory(member=exempt, kind=StatusPeriod.Kind.EXEMPT, reason="Tuổi cao, sức khỏe yếu")
    away = MemberFactory(full_name="Đặng Thị Thu Trang", cell=cell)
    missing = MemberFactory(full_name="Lý Văn Tâm", cell=cell)
    visiting = MemberFactory(full_name="Bùi Quang Khải", cell=cell)
    StatusPeriodFactory(member=visiting, kind=StatusPeriod.Kind.TEMPORARY_HERE, reason="Học tập")

    meeting, _created = plan_regular_meeting(cell=cell, period=NOVEMBER)
    meeting.place = "Hội trường tầng 3, số 2 Hùng Vương"
    meeting.save(update_fields=["place"])
    by = world.secretary.user
    publish_meeting(meeting=meeting, by=by)
    clock.set(at(2026, 11, 5, 14, 0))
    live.open_meeting(meeting=meeting, chair=world.secretary, clerk=world.fellow, by=by)
    Guest.objects.create(meeting=meeting, name="Nguyễn Thị Lan", position="Chủ tịch Công đoàn cơ sở")
    present = [world.secretary, world.member, world.fellow, world.target, visiting]
    for member in present:
        live.mark_attendance(
            attendance=meeting.attendances.get(member=member), status=Attendance.Status.PRESENT
        )
    live.mark_attendance(
        attendance=meeting.attendances.get(member=away),
        status=Attendance.Status.EXCUSED,
        reason="Đi công tác Hà Nội",
    )
    # `exempt` and `missing` are never marked when the meeting closes.
    report = meeting.agenda_items.get(section="report")
    discussion = meeting.agenda_items.get(section="discussion")
    comment(meeting, report, world.member, "Tổ kỹ thuật đã hoàn thành bảo trì trạm biến áp.", by=by)
    comment(meeting, discussion, world.target, "Đề nghị tăng cường học tập nghị quyết.", by=by)
    live.record_vote(
        meeting=meeting,
        kind=Vote.Kind.RESOLUTION,
        question="Thông qua nghị quyết tháng 11",
        totals=(3, 0, 0),
        by=by,
    )
    Task.objects.create(
        meeting=meeting,
        title="Hoàn thiện hồ sơ chuyển chính thức",
        assignee=world.fellow,
        due_on=dt.date(2026, 11, 30),
    )
    entries = dues.ensure_ledger(cell=cell, period=NOVEMBER, members=[world.secretary, world.member])
    for entry in entries:
        dues.record_payment(entry=entry, method="cash", by=by, meeting=meeting)
    return Record(meeting, exempt, away, missing, visiting, report, discussion)


def dues_line() -> str:
    """The minutes' dues sentence for `in_progress`'s meeting: the two comrades in the ledger paid all that was due."""
    return vi(
        "Party dues: %(n)s comrades paid %(paid)s of %(due)s đồng due.", n=2, paid="200.000", due="200.000"
    )


@pytest.fixture
def closed(in_progress, world, clock) -> Record:
    """The same meeting closed at 16:05."""
    clock.set(at(2026, 11, 5, 16, 5))
    live.close_meeting(meeting=in_progress.meeting, by=world.secretary.user)
    return in_progress


NOTES = {
    "opening": "Đồng chí Phạm Quốc Hùng tuyên bố lý do, giới thiệu đại biểu.",
    "conclusion": "Chi bộ thống nhất tập trung hoàn thành nhiệm vụ chuyên môn tháng 12.",
    "closing": "Buổi sinh hoạt kết thúc tốt đẹp.",
}


def adopt_record(record: Record, world, django_capture_on_commit_callbacks) -> Record:
    """The record's minutes, with the meeting secretary's text, voted on and adopted; the minutes PDF has
    been rendered (the transaction's on-commit jobs ran)."""
    minutes.save_notes(meeting=record.meeting, notes=NOTES, by=world.fellow.user)
    adopt_vote(record.meeting, by=world.fellow.user)
    with django_capture_on_commit_callbacks(execute=True):
        record.version = minutes.adopt(meeting=record.meeting, by=world.fellow.user)
    record.meeting.refresh_from_db()
    return record


@pytest.fixture
def adopted(closed, world, django_capture_on_commit_callbacks) -> Record:
    """The closed meeting's minutes adopted (`adopt_record`)."""
    return adopt_record(closed, world, django_capture_on_commit_callbacks)


def correct(meeting, *, notes, reason, by):
    """A correction as the cell makes it: drafted, voted on by the cell, adopted as a new version."""
    minutes.propose_correction(meeting=meeting, notes=notes, reason=reason, by=by)
    adopt_vote(meeting, by=by)
    return minutes.adopt_correction(meeting=meeting, by=by)


@pytest.fixture
def correction(world, django_capture_on_commit_callbacks):
    """`correction(meeting, reason=…, conclusion=…)`: a correction of the named sections (the others as
    NOTES) by the meeting secretary, adopted, and the jobs queued at its commit run (the PDFs are rendered
    again). Returns the new version."""

    def correct_and_render(meeting, *, reason: str, **sections):
        with django_capture_on_commit_callbacks(execute=True):
            return correct(meeting, notes={**NOTES, **sections}, reason=reason, by=world.fellow.user)

    return correct_and_render
