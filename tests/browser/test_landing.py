"""What a person lands on: the cell's page when the meeting's day has passed without it (overdue, to be held
now or moved), and the app's own page for an address that does not exist."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from meetings.models import Meeting
from meetings.services import plan_regular_meeting

from ..meetings.pages import vi
from .axe import horizontal_overflow, serious_violations
from .conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def overdue_meeting(world) -> Meeting:
    """December's meeting, published, planned for 05/12/2026 14:00 and not held."""
    meeting, _created = plan_regular_meeting(cell=world.cell, period=dt.date(2026, 12, 1))
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.PREPARED, published_at=at(2026, 11, 30, 9, 0), place="Hội trường tầng 2"
    )
    return meeting


@pytest.mark.parametrize("phone", [True, False], ids=["360px", "1280px"])
def test_the_secretary_sees_the_overdue_meeting_and_holds_it_now(browse, world, clock, shoot, phone):
    meeting = overdue_meeting(world)
    clock.set(at(2026, 12, 7, 8, 30))  # Monday: Saturday's meeting did not take place

    page = browse.open("secretary", "/", phone=phone)

    card = page.locator("section").filter(has=page.get_by_role("heading", name=vi("Meeting not held yet")))
    expect(card).to_contain_text(vi("Overdue"))
    expect(card).to_contain_text(vi("Planned for %(day)s; not held yet.", day="05/12/2026"))
    expect(card.get_by_role("link", name=vi("Move it to another day"))).to_be_visible()
    assert horizontal_overflow(page) <= 0
    assert serious_violations(page) == []
    shoot(page, "overdue")

    card.get_by_role("link", name=vi("Hold it now")).click()  # the opening form, which asks to confirm today
    expect(page.get_by_label(vi("Yes, the meeting was moved to today"))).to_be_visible()
    page.get_by_label(vi("Yes, the meeting was moved to today")).check()
    page.get_by_role("button", name=vi("Open the meeting")).click()
    expect(page.get_by_role("status")).to_have_text(vi("The meeting is open. Take the roll call."))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.IN_PROGRESS


def test_a_member_sees_the_meeting_is_overdue_without_the_committees_buttons(browse, world, clock):
    overdue_meeting(world)
    clock.set(at(2026, 12, 7, 8, 30))

    page = browse.open("member", "/", phone=True)

    expect(page.get_by_text(vi("The cell's committee will hold it or set a new day."))).to_be_visible()
    expect(page.get_by_role("link", name=vi("Hold it now"))).to_have_count(0)
    expect(page.get_by_role("link", name=vi("Move it to another day"))).to_have_count(0)


@pytest.mark.parametrize("phone", [True, False], ids=["360px", "1280px"])
def test_an_address_that_does_not_exist_shows_the_apps_own_page_and_a_way_home(browse, world, shoot, phone):
    page = browse.open("member", "/khong-co-trang-nay/", phone=phone)

    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Not found"))
    expect(page.get_by_text("URLconf")).to_have_count(0)  # not Django's debug page
    assert horizontal_overflow(page) <= 0
    assert serious_violations(page) == []
    shoot(page, "not-found")

    page.get_by_role("link", name=vi("Home"), exact=True).click()
    expect(page).to_have_url(f"{browse.base_url}/cells/{world.cell.pk}/meetings/")
