"""What a member on a 360 px phone reaches in one tap."""

import pytest
from playwright.sync_api import expect

from ..meetings.pages import vi
from .offline import signal_off, signal_on
from .waits import wait_until

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
    page.get_by_role("link", name=vi("My page"), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(vi("My page"))
    for heading in ("Next meeting", "My tasks", "Party dues", "My comments"):
        expect(page.get_by_role("heading", name=vi(heading))).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shoot(page, "my-page")


def test_the_app_installs_and_a_meeting_page_opened_online_reads_offline(browse, world):
    from django.utils import timezone

    from meetings.services import plan_regular_meeting, publish_meeting

    meeting, _created = plan_regular_meeting(cell=world.cell, period=timezone.localdate().replace(day=1))
    publish_meeting(meeting=meeting, by=world.secretary.user)
    page = browse.open("member", "/", phone=True)

    manifest = page.request.get("/manifest.webmanifest")
    assert manifest.ok and manifest.headers["content-type"].startswith("application/manifest+json")
    assert manifest.json()["short_name"] == "Chi bộ"
    worker = page.request.get("/sw.js")
    assert worker.ok and "javascript" in worker.headers["content-type"]

    # The service worker takes the page; Chromium then finds nothing missing to install the app.
    wait_until(page, "navigator.serviceWorker.controller !== null")
    session = page.context.new_cdp_session(page)
    errors = {e["errorId"] for e in session.send("Page.getInstallabilityErrors")["installabilityErrors"]}
    # Playwright's contexts are incognito ones, where Chromium installs nothing: every other check passes.
    assert errors <= {"in-incognito"}

    # The meeting's page, opened once online, is there in a basement hall without a connection.
    page.goto(f"/meetings/{meeting.pk}/")
    title = meeting.agenda_items.order_by("position").first().title
    expect(page.get_by_text(title).first).to_be_visible()
    # Changed on the server meanwhile: the phone without a connection shows the copy it kept, not the server's.
    meeting.agenda_items.filter(title=title).update(title="Tiêu đề đã đổi trên máy chủ")
    signal_off(page.context)
    try:
        page.reload()
        expect(page.get_by_text(title).first).to_be_visible()
        expect(page.get_by_text("Tiêu đề đã đổi trên máy chủ")).to_have_count(0)
    finally:
        signal_on(page.context)
