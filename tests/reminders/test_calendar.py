"""A private calendar address: the user's cell's meetings as iCalendar, readable by any calendar app that has
the address; a new address or a revoke makes the old one stop working."""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from meetings.models import Meeting
from notifications.models import CalendarFeed

from .conftest import SITE, at, meeting_of, page_text, vi

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def meetings(world, regular, clock):
    clock(at(2026, 12, 1, 9, 0))
    thematic = meeting_of(
        world.cell,
        at(2026, 12, 12, 15, 40),
        kind=Meeting.Kind.THEMATIC,
        topic="Chuyển đổi số",
        place="Phòng họp 3",
    )
    meeting_of(world.other_cell, at(2026, 12, 5, 8, 0), place="Nhà văn hóa khu phố")
    return regular, thematic


def address(client) -> str:
    client.post(reverse("notifications:calendar_renew"))
    return reverse(
        "notifications:calendar_feed",
        args=[CalendarFeed.objects.get(user=client.session["_auth_user_id"]).token],
    )


def events(url: str) -> dict[str, dict]:
    """The feed as a calendar app reads it (no login): summary → event."""
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return {str(e["SUMMARY"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_the_page_creates_a_private_address(login, meetings):
    client = login("member")
    assert vi("Create my calendar address") in page_text(client.get(reverse("notifications:calendar")))

    url = address(client)

    assert f"{url}" in page_text(client.get(reverse("notifications:calendar")))
    assert len(CalendarFeed.objects.get().token) >= 32


def test_the_feed_has_one_event_per_meeting_of_the_users_cell(login, meetings):
    regular, thematic = meetings

    feed = events(address(login("member")))

    regular_title = vi("Regular meeting %(month)s", month="12/2026")
    thematic_title = vi("Thematic meeting %(month)s: %(topic)s", month="12/2026", topic="Chuyển đổi số")
    assert sorted(feed) == sorted([f"{regular_title} — Chi bộ A1", f"{thematic_title} — Chi bộ A1"])
    event = feed[f"{regular_title} — Chi bộ A1"]
    start = event["DTSTART"].dt
    assert start == dt.datetime(2026, 12, 5, 14, 0, tzinfo=VIETNAM)
    assert (start.hour, start.utcoffset()) == (14, dt.timedelta(hours=7))  # written in Vietnam's time
    assert str(event["LOCATION"]) == "Hội trường tầng 2"
    assert str(event["URL"]) == f"{SITE}/meetings/{regular.pk}/"
    other = feed[f"{thematic_title} — Chi bộ A1"]
    assert other["DTSTART"].dt == dt.datetime(2026, 12, 12, 15, 40, tzinfo=VIETNAM)
    assert str(other["LOCATION"]) == "Phòng họp 3"


def test_nothing_from_other_cells(login, meetings):
    feed = events(address(login("outsider")))

    assert list(feed) == [f"{vi('Regular meeting %(month)s', month='12/2026')} — Chi bộ B1"]


def test_a_new_address_or_a_revoke_kills_the_old_one(login, meetings):
    client = login("member")
    old = address(client)

    new = address(client)
    assert new != old
    assert Client().get(old).status_code == 404
    assert events(new)

    client.post(reverse("notifications:calendar_revoke"))
    assert Client().get(new).status_code == 404
    assert vi("Create my calendar address") in page_text(client.get(reverse("notifications:calendar")))
