"""A thematic meeting held in the same session as the regular one takes the session's roll call, chair and
meeting secretary; it has its own content, number and minutes, and appears in the year's minutes book."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents import book, minutes
from meetings import dues, live
from meetings.models import Attendance, Meeting
from meetings.services import plan_regular_meeting, publish_meeting

from ..factories import thematic_meeting
from .conftest import NOTES, adopt_vote, at
from .pages import vi


@pytest.fixture
def thematic(in_progress, world) -> Meeting:
    meeting = thematic_meeting(
        world.cell,
        topic="Văn hóa ứng xử trên mạng xã hội",
        scheduled_at=at(2026, 11, 5, 15, 40),
        shares_session_with=in_progress.meeting,
        published=True,
    )
    return meeting


def test_the_thematic_meeting_takes_the_sessions_roll_call_chair_and_secretary(in_progress, thematic, world):
    live.open_meeting(meeting=thematic, chair=world.member, clerk=None, by=world.secretary.user)

    thematic.refresh_from_db()
    assert (thematic.chair, thematic.clerk) == (world.secretary, world.fellow)
    roll = {a.member_id: (a.status, a.reason) for a in thematic.attendances.all()}
    session = {a.member_id: (a.status, a.reason) for a in in_progress.meeting.attendances.all()}
    assert roll == session
    assert roll[in_progress.away.pk] == (Attendance.Status.EXCUSED, "Đi công tác Hà Nội")
    assert live.quorum(thematic).present == live.quorum(in_progress.meeting).present == 5


def test_the_thematic_meeting_is_opened_after_the_regular_one(world, cell, clock):
    regular, _ = plan_regular_meeting(cell=cell, period=at(2026, 11, 1, 0, 0).date())
    publish_meeting(meeting=regular, by=None)
    thematic = thematic_meeting(
        cell,
        topic="Chuyên đề",
        scheduled_at=at(2026, 11, 5, 16, 0),
        shares_session_with=regular,
        published=True,
    )

    with pytest.raises(ValidationError) as refused:
        live.open_meeting(meeting=thematic, chair=world.secretary, clerk=None, by=None)

    assert refused.value.messages == [
        vi(
            "Open the regular meeting first: a thematic meeting in the same session takes its roll call, chair "
            "and meeting secretary."
        )
    ]


def test_its_own_minutes_have_a_number_and_appear_in_the_book(in_progress, thematic, world, clock):
    by = world.fellow.user
    live.open_meeting(meeting=thematic, chair=None, clerk=None, by=by)
    clock.set(at(2026, 11, 5, 16, 5))
    for meeting in (in_progress.meeting, thematic):
        live.close_meeting(meeting=meeting, by=by)
        minutes.save_notes(meeting=meeting, notes=NOTES, by=by)
        adopt_vote(meeting, by=by)
        minutes.adopt(meeting=meeting, by=by)

    doc = minutes.latest_version(thematic).content
    assert doc["number"] == "02-BB/CB"
    assert doc["topic"] == "Văn hóa ứng xử trên mạng xã hội"
    assert (doc["chair"], doc["clerk"]) == (world.secretary.full_name, world.fellow.full_name)
    assert doc["totals"]["present"] == 5
    numbers = [e["doc"]["number"] for e in book.source(world.cell, 2026)["entries"]]
    assert numbers == ["01-BB/CB", "02-BB/CB"]


def test_the_months_dues_are_stated_in_the_regular_minutes_only(in_progress, thematic, world, clock):
    regular = in_progress.meeting
    members = [a.member for a in regular.attendances.select_related("member")]
    entry = dues.ensure_ledger(cell=world.cell, period=regular.period, members=members)[0]
    dues.record_payment(entry=entry, method="cash", by=world.secretary.user, meeting=regular)
    live.open_meeting(meeting=thematic, chair=None, clerk=None, by=world.fellow.user)

    assert minutes.assemble(regular)["dues"]["due"] > 0
    assert minutes.assemble(thematic)["dues"] == {"due": 0, "paid": 0, "payers": 0}


def test_the_open_form_of_a_shared_thematic_meeting_asks_for_no_chair(in_progress, thematic, world, login):
    # The browser sends its CSRF token and nothing else: no chair, no meeting secretary.
    login("secretary").post(reverse("meetings:open", args=[thematic.pk]), {"csrfmiddlewaretoken": "x"})

    thematic.refresh_from_db()
    assert thematic.status == Meeting.Status.IN_PROGRESS
    assert (thematic.chair, thematic.clerk) == (world.secretary, world.fellow)
