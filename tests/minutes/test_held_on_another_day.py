"""A meeting planned for 05/12 and opened on 06/12 at 10:30: the minutes (opening sentence, date line,
closing sentence) and the resolution state the real date and time; opening it asks the secretary to confirm
that it was moved, and the record keeps both dates."""

import datetime as dt

import pytest
from django.urls import reverse

from documents import minutes
from meetings import live
from meetings.models import Attendance, Meeting, MeetingEvent, Vote
from meetings.services import plan_regular_meeting, publish_meeting
from members.models import Member

from ..factories import MemberFactory
from .conftest import NOTES, adopt_vote, at
from .pages import text, vi

DECEMBER = dt.date(2026, 12, 1)


@pytest.fixture
def december(cell, world, clock) -> Meeting:
    """December's meeting, planned for 05/12/2026 at 14:00 and published."""
    clock.set(at(2026, 12, 1, 9, 0))
    meeting, _created = plan_regular_meeting(cell=cell, period=DECEMBER)
    publish_meeting(meeting=meeting, by=world.secretary.user)
    assert meeting.scheduled_at == at(2026, 12, 5, 14, 0)
    return meeting


@pytest.fixture
def held_late(december, world, clock) -> Meeting:
    """Opened on 06/12 at 10:30, closed at 12:15, minutes adopted."""
    by = world.secretary.user
    clock.set(at(2026, 12, 6, 10, 30))
    live.open_meeting(
        meeting=december, chair=world.secretary, clerk=world.fellow, by=by, moved_reason="Mưa bão"
    )
    for member in (world.secretary, world.member, world.fellow):
        live.mark_attendance(
            attendance=december.attendances.get(member=member), status=Attendance.Status.PRESENT
        )
    clock.set(at(2026, 12, 6, 12, 15))
    live.close_meeting(meeting=december, by=by)
    minutes.save_notes(meeting=december, notes=NOTES, by=world.fellow.user)
    adopt_vote(december, by=world.fellow.user)
    minutes.adopt(meeting=december, by=world.fellow.user)
    december.refresh_from_db()
    return december


def test_the_minutes_state_the_day_and_time_the_meeting_really_opened_and_closed(held_late, login):
    doc = minutes.latest_version(held_late).content

    assert (doc["date"], doc["started"]) == ("06/12/2026", "10 giờ 30")
    assert "ngày 06 tháng 12 năm 2026" in doc["place_date"]
    assert (doc["ended_date"], doc["ended"]) == ("06/12/2026", "12 giờ 15")
    page = text(login("member").get(reverse("documents:minutes", args=[held_late.pk])))
    assert "Vào lúc 10 giờ 30 ngày 06/12/2026" in page
    assert "05/12/2026" in page  # the planned day is stated as such
    assert (
        vi("The meeting had been planned for %(planned)s and was moved to this day.", planned="05/12/2026")
        in page
    )
    assert (
        vi(
            "The minutes were read to the cell and adopted. The meeting closed at %(end)s on %(day)s.",
            end="12 giờ 15",
            day="06/12/2026",
        )
        in page
    )


def test_the_resolution_states_the_real_date(held_late):
    assert minutes.pdf_source(held_late, "resolution")["date"] == "06/12/2026"


def test_the_record_keeps_both_dates(held_late):
    assert held_late.scheduled_at == at(2026, 12, 5, 14, 0)
    assert held_late.started_at == at(2026, 12, 6, 10, 30)
    event = held_late.events.get(action=MeetingEvent.Action.MOVE)
    assert (
        event.note
        == vi("Held on %(held)s instead of %(planned)s", held="06/12/2026", planned="14:00 05/12/2026")
        + ": Mưa bão"
    )


def test_opening_on_another_day_asks_to_confirm_that_the_meeting_was_moved(december, world, login, clock):
    clock.set(at(2026, 12, 6, 10, 30))
    client = login("secretary")
    url = reverse("meetings:open", args=[december.pk])

    response = client.post(url, {"chair": world.secretary.pk, "clerk": world.fellow.pk})

    assert response.status_code == 422  # refused: the form again, with what was typed
    assert vi(
        "This meeting was planned for %(planned)s. Confirm that it is held today instead.",
        planned="05/12/2026",
    ) in text(response)
    december.refresh_from_db()
    assert december.status == Meeting.Status.PREPARED

    client.post(
        url, {"chair": world.secretary.pk, "clerk": world.fellow.pk, "moved": "on", "moved_reason": "Mưa bão"}
    )

    december.refresh_from_db()
    assert december.status == Meeting.Status.IN_PROGRESS
    assert december.events.filter(action=MeetingEvent.Action.MOVE, note__endswith="Mưa bão").exists()


def test_opening_on_the_planned_day_asks_nothing(december, world, login, clock):
    clock.set(at(2026, 12, 5, 13, 55))
    login("secretary").post(reverse("meetings:open", args=[december.pk]), {"chair": world.secretary.pk})

    december.refresh_from_db()
    assert december.status == Meeting.Status.IN_PROGRESS
    assert not december.events.filter(action=MeetingEvent.Action.MOVE).exists()


def test_a_recognition_voted_a_day_late_is_dated_on_the_day_of_the_vote(december, world, clock):
    probationary = MemberFactory(cell=world.cell, status=Member.Status.PROBATIONARY)
    clock.set(at(2026, 12, 6, 10, 30))
    live.open_meeting(meeting=december, chair=world.secretary, clerk=world.fellow, by=None)
    for member in (world.secretary, world.member, world.fellow, world.target):
        live.mark_attendance(
            attendance=december.attendances.get(member=member), status=Attendance.Status.PRESENT
        )

    vote = live.record_vote(
        meeting=december,
        kind=Vote.Kind.RECOGNITION,
        question="Công nhận đảng viên chính thức",
        subject=probationary,
        totals=(len(live.quorum(december).voters), 0, 0),
        by=None,
    )

    probationary.refresh_from_db()
    assert vote.passed
    assert probationary.recognition_proposed_on == dt.date(2026, 12, 6)
