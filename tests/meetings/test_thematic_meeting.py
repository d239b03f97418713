"""A thematic meeting is planned by hand; held in one session with the regular meeting it needs 120 minutes."""

import datetime as dt

from django.urls import reverse

from meetings.models import Meeting
from meetings.services import plan_regular_meeting

from ..clock import at
from ..factories import thematic_meeting
from .conftest import DECEMBER
from .pages import text, vi

TOPIC = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"


def minimum_shown(client, meeting) -> bool:
    """The page states the planned time against the minimum; returns the minimum it shows."""
    page = text(client.get(meeting.get_absolute_url()))
    for minimum in (90, 120):
        if (
            vi(
                "Planned time: %(total)s minutes (at least %(minimum)s required)",
                total=meeting.planned_minutes(),
                minimum=minimum,
            )
            in page
        ):
            return minimum
    raise AssertionError("the page does not show the planned time against a minimum")


def plan_thematic(client, world, **extra):
    data = {"topic": TOPIC, "date": "05/12/2026", "time": "15:40", "place": "Phòng họp B1"} | extra
    return client.post(reverse("meetings:thematic_create", args=[world.cell.pk]), data)


def test_secretary_plans_a_thematic_meeting_with_its_topic(login, world):
    client = login("secretary")
    response = plan_thematic(client, world)

    meeting = Meeting.objects.get(kind=Meeting.Kind.THEMATIC)
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    assert (meeting.topic, meeting.scheduled_at, meeting.period) == (TOPIC, at(2026, 12, 5, 15, 40), DECEMBER)
    page = text(client.get(meeting.get_absolute_url()))
    assert vi("Thematic meeting %(month)s: %(topic)s", month="12/2026", topic=TOPIC) in page
    # The topic is the heart of the draft agenda.
    assert TOPIC in [i.title for i in meeting.agenda_items.all()]


def test_on_its_own_it_needs_90_minutes(login, world):
    client = login("secretary")
    plan_thematic(client, world)
    meeting = Meeting.objects.get(kind=Meeting.Kind.THEMATIC)
    assert meeting.min_minutes == 90
    assert minimum_shown(client, meeting) == 90


def test_sharing_the_session_with_the_regular_meeting_needs_120_minutes(login, world, regular):
    client = login("secretary")
    plan_thematic(client, world, shares_session_with=regular.pk)

    thematic = Meeting.objects.get(kind=Meeting.Kind.THEMATIC)
    assert thematic.shares_session_with == regular
    assert thematic.min_minutes == regular.min_minutes == 120
    assert minimum_shown(client, thematic) == 120
    assert minimum_shown(client, regular) == 120


def test_before_guide_42_a_shared_session_needed_only_90_minutes(world):
    # Past meetings keep the rules of their day (HD 12-HD/BTCTW until 28/10/2025).
    regular, _ = plan_regular_meeting(cell=world.cell, period=dt.date(2025, 9, 1))
    thematic = thematic_meeting(
        world.cell,
        topic=TOPIC,
        scheduled_at=at(2025, 9, 5, 15, 40),
        shares_session_with=regular,
    )
    assert thematic.min_minutes == regular.min_minutes == 90


def test_cannot_share_a_session_with_another_cells_meeting(login, world):
    other, _ = plan_regular_meeting(cell=world.other_cell, period=DECEMBER)
    response = plan_thematic(login("secretary"), world, shares_session_with=other.pk)
    assert response.status_code == 422  # refused: the form again, with what was typed
    assert not Meeting.objects.filter(kind=Meeting.Kind.THEMATIC).exists()


def test_a_thematic_meeting_without_a_topic_is_not_planned(login, world):
    response = plan_thematic(login("secretary"), world, topic="")
    assert response.status_code == 422  # refused: the form again, with what was typed
    assert vi("This field is required.") in text(response)
    assert not Meeting.objects.filter(kind=Meeting.Kind.THEMATIC).exists()


def test_cancelling_the_shared_thematic_meeting_brings_the_regular_one_back_to_90(login, world, regular):
    client = login("secretary")
    plan_thematic(client, world, shares_session_with=regular.pk)
    thematic = Meeting.objects.get(kind=Meeting.Kind.THEMATIC)

    client.post(reverse("meetings:cancel", args=[thematic.pk]), {"reason": "Báo cáo viên bận công tác"})

    regular.refresh_from_db()
    assert regular.min_minutes == 90
    assert minimum_shown(client, regular) == 90
