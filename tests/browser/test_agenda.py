"""The agenda put in order by drag and drop, and the irreversible steps that ask once (#18 items 7 and 3):
publishing a prepared agenda from the landing page in at most four clicks, the confirmation included; an item
dragged to its place stays there after a reload; "add here" between items; closing and adopting the minutes
each confirmed by a dialog that names what it locks and what still follows."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from meetings import live
from meetings.models import Meeting, Vote
from meetings.services import plan_regular_meeting

from ..meetings.conftest import DECEMBER
from ..meetings.pages import vi
from .axe import horizontal_overflow, serious_violations
from .conftest import at
from .test_live_meeting import open_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Sinh hoạt thường kỳ tháng 12/2026"


class Clicks:
    """Every click a person makes, counted: clicks(locator) clicks it and adds one."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator) -> None:
        self.count += 1
        locator.click()


def agenda_titles(page) -> list[str]:
    return page.locator("#agenda li.agenda-item strong").all_inner_texts()


def stored_titles(meeting) -> list[str]:
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


# Where the dragged item's placeholder stands among the items (SortableJS moves it as the pointer goes).
PLACEHOLDER_AT = """place => [...document.querySelectorAll('#agenda li.agenda-item')]
    .findIndex(item => item.classList.contains('sortable-ghost')) === place"""


def drag(page, source, target, place: int) -> None:
    """Holds the item's handle and moves it, in small steps as a hand does, onto the target's upper half
    (both on the screen: the target scrolled to the top), and lets go once the placeholder shows it at
    `place`, as a person watches it before letting go (a busy machine draws the steps late)."""
    target.evaluate("element => element.scrollIntoView({block: 'start', behavior: 'instant'})")
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2 - 8, steps=4)
    page.mouse.move(end["x"] + 60, end["y"] + end["height"] * 0.3, steps=25)
    for share in (0.25, 0.2, 0.3, 0.15):  # a small correction of the hand, until the place is right
        page.mouse.move(end["x"] + 60, end["y"] + end["height"] * share, steps=5)
        try:
            page.wait_for_function(PLACEHOLDER_AT, arg=place, timeout=1500)
            break
        except PlaywrightTimeoutError:
            continue
    page.mouse.up()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_a_prepared_agenda_is_published_in_at_most_four_clicks(browse, world, clock, shoot, phone):
    clock.set(at(2026, 11, 28, 9, 0))
    meeting, _created = plan_regular_meeting(cell=world.cell, period=DECEMBER)
    clicks = Clicks()
    page = browse.open("secretary", phone=phone)  # the landing page

    clicks(page.get_by_role("link", name=TITLE).first)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    shoot(page, "agenda")
    assert serious_violations(page) == []
    assert horizontal_overflow(page) <= 0

    clicks(page.get_by_role("button", name=vi("Publish"), exact=True))
    dialog = page.get_by_role("dialog", name=vi("Publish the agenda?"))
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(
        vi(
            "The agenda and its documents go to every member of the cell and to the superior officer, and the "
            "agenda is locked: changing it afterwards means reopening it with a reason, which is recorded, and "
            "publishing again."
        )
    )
    shoot(page, "confirm-publish")
    assert serious_violations(page) == []
    clicks(dialog.get_by_role("button", name=vi("Publish the agenda")))

    expect(page.get_by_role("status")).to_have_text(
        vi("The agenda was published to the cell's members and the superior officer.")
    )
    assert clicks.count <= 4, f"{clicks.count} clicks to publish"
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PREPARED


def test_going_back_from_the_confirmation_publishes_nothing(browse, world, clock):
    clock.set(at(2026, 11, 28, 9, 0))
    meeting, _created = plan_regular_meeting(cell=world.cell, period=DECEMBER)
    page = browse.open("secretary", f"/meetings/{meeting.pk}/")

    page.get_by_role("button", name=vi("Publish"), exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name=vi("Go back")).click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


@pytest.mark.parametrize(("phone", "source"), [(False, 8), (True, 6)], ids=["desktop", "phone"])
def test_an_item_dragged_to_its_place_stays_there_after_a_reload(browse, world, clock, shoot, phone, source):
    clock.set(at(2026, 11, 20, 9, 0))
    meeting, _created = plan_regular_meeting(cell=world.cell, period=DECEMBER)
    before = stored_titles(meeting)
    page = browse.open("secretary", f"/meetings/{meeting.pk}/", phone=phone)
    expect(
        page.get_by_text(vi("Drag an item by its handle ⠿ to put it in its place, or use the ↑ ↓ buttons."))
    ).to_be_visible()
    page.evaluate("() => { window.sameDocument = true; }")

    # An item dragged onto the 5th place in one movement (the ↑ button takes one click per place).
    items = page.locator("#agenda li.agenda-item")
    with page.expect_response(re.compile(r"/agenda/reorder/$")) as saved:  # one post for the whole order
        drag(page, items.nth(source).locator(".agenda-handle"), items.nth(4), place=4)
    assert saved.value.status == 200

    wanted = [*before[:4], before[source], *before[4:source], *before[source + 1 :]]
    expect(page.locator("#agenda li.agenda-item strong").nth(4)).to_have_text(before[source])
    assert stored_titles(meeting) == wanted
    assert page.evaluate("() => window.sameDocument") is True  # saved without reloading the page

    page.reload()
    assert agenda_titles(page) == wanted
    shoot(page, "agenda-reordered")


def test_add_here_puts_the_new_item_between_two_items(browse, world, clock):
    clock.set(at(2026, 11, 20, 9, 0))
    meeting, _created = plan_regular_meeting(cell=world.cell, period=DECEMBER)
    before = stored_titles(meeting)
    page = browse.open("secretary", f"/meetings/{meeting.pk}/")

    page.locator("#agenda .agenda-gap").nth(2).get_by_role("link", name=re.compile(vi("Add here"))).click()
    form = page.locator("#add-here")
    expect(form).to_contain_text(vi("New item, in place %(n)s", n=4))
    form.get_by_label(vi("title")).fill("Học tập Nghị quyết 57-NQ/TW")
    form.get_by_label(vi("planned minutes")).fill("15")
    form.get_by_role("button", name=vi("Add")).click()

    expect(page.locator("#agenda li.agenda-item strong").nth(3)).to_have_text("Học tập Nghị quyết 57-NQ/TW")
    assert stored_titles(meeting) == [*before[:3], "Học tập Nghị quyết 57-NQ/TW", *before[3:]]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_closing_and_adopting_each_ask_once_naming_what_they_lock(browse, world, clock, shoot, phone):
    meeting = open_meeting(world, world.secretary, world.member, world.fellow)
    page = browse.open("secretary", f"/meetings/{meeting.pk}/live/", phone=phone)

    page.get_by_role("button", name=vi("Close the meeting")).click()
    dialog = page.get_by_role("dialog", name=vi("Close the meeting?"))
    expect(dialog).to_be_visible()
    # What still follows, instead of "voting ends": the minutes are adopted by a vote after closing.
    expect(dialog).to_contain_text(vi("Still to do after closing:"))
    expect(dialog).to_contain_text(
        vi(
            "read the draft minutes to the cell, record its vote adopting them, then adopt and lock the minutes."
        )
    )
    shoot(page, "confirm-close")
    assert serious_violations(page) == []
    dialog.get_by_role("button", name=vi("Close the meeting")).click()
    expect(page.get_by_role("status").filter(has_text=vi("The meeting is closed."))).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED

    live.record_vote(
        meeting=meeting, kind=Vote.Kind.MINUTES, question="Thông qua biên bản", by=None, totals=(3, 0, 0)
    )
    page.goto(f"/meetings/{meeting.pk}/minutes/")
    page.get_by_role("button", name=vi("Adopt and lock the minutes")).click()
    dialog = page.get_by_role("dialog", name=vi("Adopt and lock the minutes?"))
    expect(dialog).to_contain_text(
        vi(
            "The minutes get their number and are locked with this text, and so is the meeting's record: the roll "
            "call, guests, votes and the rest can no longer be changed. A later change is a correction the cell "
            "adopts by its own vote."
        )
    )
    shoot(page, "confirm-adopt")
    assert serious_violations(page) == []
    dialog.get_by_role("button", name=vi("Adopt and lock")).click()
    expect(page.get_by_role("status")).to_contain_text("SHA-256")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ADOPTED


def test_without_javascript_the_confirmation_is_a_page(browser, live_server, world, clock):
    """A browser without JavaScript: the button leads to the same confirmation as a page, then publishes."""
    from .conftest import DESKTOP, log_in

    clock.set(at(2026, 11, 28, 9, 0))
    meeting, _created = plan_regular_meeting(cell=world.cell, period=DECEMBER)
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", java_script_enabled=False, **DESKTOP
    )
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        log_in(page, "secretary")
        page.goto(f"/meetings/{meeting.pk}/")
        page.get_by_role("button", name=vi("Publish"), exact=True).click()
        expect(page.get_by_role("heading", name=vi("Publish the agenda?"))).to_be_visible()
        page.get_by_role("button", name=vi("Publish the agenda")).click()
        expect(page.get_by_role("status")).to_have_text(
            vi("The agenda was published to the cell's members and the superior officer.")
        )
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.PREPARED
    finally:
        context.close()
