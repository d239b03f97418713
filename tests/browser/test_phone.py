"""What a member on a 360 px phone reaches in one tap."""

import pytest
from playwright.sync_api import expect

from ..meetings.pages import vi

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_search_is_one_tap_from_any_page(browse, world):
    page = browse.open("member", "/", phone=True)

    page.get_by_role("link", name=vi("Search")).click()

    expect(page.locator("#q")).to_be_focused()  # ready to type: the phone's keyboard comes up
    box = page.get_by_role("link", name=vi("Search")).bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44


def test_on_a_phone_a_member_reaches_their_own_page_from_the_menu(browse, world, shoot):
    page = browse.open("member", "/", phone=True)

    page.get_by_role("button", name=vi("Menu")).click()
    page.get_by_role("link", name=vi("My page")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(vi("My page"))
    for heading in ("Next meeting", "My tasks", "Party dues", "My comments"):
        expect(page.get_by_role("heading", name=vi(heading))).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shoot(page, "my-page")
