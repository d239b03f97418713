"""Accessibility of the main pages: axe-core finds nothing serious or critical; text enlarged to 200% on a
360 px phone keeps each page's key button usable and nothing scrolls sideways; the live page's buttons
are big enough for a finger (44×44 CSS px)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from evaluations import indicators
from meetings import live
from meetings.models import Comment
from meetings.services import plan_regular_meeting, publish_meeting

from ..factories import post_comment
from ..meetings.pages import vi
from .axe import enlarge_text, horizontal_overflow, serious_violations
from .conftest import at
from .test_dashboard import hold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OCTOBER, NOVEMBER, DECEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)


@pytest.fixture
def meetings(world, clock):
    """October's meeting held and closed, November's in progress with a question to the chair, December's
    planned (agenda open)."""
    october = hold(world, clock, OCTOBER)
    clock.set(at(2026, 11, 1, 9, 0))
    november, _created = plan_regular_meeting(cell=world.cell, period=NOVEMBER)
    publish_meeting(meeting=november, by=world.secretary.user)
    clock.set(at(2026, 11, 5, 14, 0))
    live.open_meeting(meeting=november, chair=world.secretary, clerk=world.fellow, by=world.secretary.user)
    post_comment(
        november,
        world.member,
        "Đề nghị chi ủy cho biết kế hoạch kết nạp đảng viên mới?",
        kind=Comment.Kind.QUESTION,
        by=world.member.user,
    )
    december, _created = plan_regular_meeting(cell=world.cell, period=DECEMBER)
    indicators.refresh(OCTOBER)
    indicators.refresh(NOVEMBER)
    return october, november, december


def main_pages(world, meetings):
    """name → (persona, path, checked by axe on a phone?, the page's key control as (role, English name))."""
    october, november, december = meetings
    return {
        "login": (None, "/accounts/login/", True, ("button", "Log in")),
        "cell meetings": ("member", f"/cells/{world.cell.pk}/meetings/", True, ("link", "Join the meeting")),
        "meeting": ("member", f"/meetings/{november.pk}/", False, ("link", "Join the meeting")),
        "agenda builder": ("secretary", f"/meetings/{december.pk}/", False, ("button", "Publish")),
        "live meeting": (
            "member",
            f"/meetings/{november.pk}/live/",
            True,
            ("button", "I am here — check in"),
        ),
        "live meeting, chair": (
            "secretary",
            f"/meetings/{november.pk}/live/",
            False,
            ("button", "Send comment"),
        ),
        "minutes": ("secretary", f"/meetings/{october.pk}/minutes/", False, ("button", "Save the draft")),
        "minutes read out": (
            "secretary",
            f"/meetings/{october.pk}/minutes/read/",
            True,
            ("link", "Back to the minutes"),
        ),
        "dashboard": ("reviewer", f"/dashboard/{world.root.pk}/?period=2026-10", False, ("button", "Show")),
        "cell indicators": ("reviewer", f"/cells/{world.cell.pk}/indicators/", False, ("link", "Meeting")),
        # The officer's "To do": November's meeting was published without a chi ủy session.
        "inbox": ("officer", "/inbox/", True, ("link", "See the meeting")),
    }


def test_main_pages_pass_axe_and_take_200_percent_text(browse, world, meetings):
    violations, overflow = {}, {}
    for name, (who, path, phone, (role, key)) in main_pages(world, meetings).items():
        page = browse.open(who, path, phone=phone)
        if name == "agenda builder":
            page.locator("#agenda summary").click()  # the add form, open
        if found := serious_violations(page):
            violations[name] = found
        if not phone:
            page.close()
            page = browse.open(who, path, phone=True)
        # Text at 200% on a 360 px phone: the key control still shows and takes a tap; nothing scrolls sideways.
        enlarge_text(page)
        control = page.get_by_role(role, name=vi(key)).first
        expect(control).to_be_visible()
        control.click(trial=True)  # visible, enabled, not covered by anything: a tap would reach it
        if wider := horizontal_overflow(page):
            overflow[name] = wider
        page.close()
    assert violations == {}
    assert overflow == {}


def test_live_page_buttons_fit_a_finger_on_a_phone(browse, world, meetings):
    _october, november, _december = meetings
    small = {}
    for who in ("member", "fellow"):  # a member; the meeting secretary, who has the chair's controls too
        page = browse.open(who, f"/meetings/{november.pk}/live/", phone=True)
        targets = page.locator("button:visible, select:visible, .nav-link:visible, textarea:visible")
        for i in range(targets.count()):
            target = targets.nth(i)
            box = target.bounding_box()
            if box["width"] < 44 or box["height"] < 44:
                small[f"{who}: {target.evaluate('e => e.outerHTML')[:80]}"] = (box["width"], box["height"])
        page.close()
    assert small == {}
