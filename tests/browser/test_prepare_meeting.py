"""Journey a: the bí thư plans the month's meeting, records the chi ủy session, builds the agenda with the
htmx builder (add, a refused add that keeps its input, move, edit) and publishes it."""

import re

import pytest
from playwright.sync_api import expect

from meetings.models import CommitteeSession, Meeting

from ..meetings.pages import vi
from .conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STUDY = "Học tập chuyên đề: tấm gương đạo đức Hồ Chí Minh"


def agenda_titles(page) -> list[str]:
    return page.locator("#agenda li strong").all_inner_texts()


def test_secretary_prepares_and_publishes_the_meeting(browse, world, clock):
    clock.set(at(2026, 11, 20, 9, 0))
    page = browse.open("secretary")  # home: the cell's meetings

    page.get_by_role("button", name=vi("Plan the regular meeting of %(month)s", month="12/2026")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sinh hoạt thường kỳ tháng 12/2026")
    meeting = Meeting.objects.get(cell=world.cell, status=Meeting.Status.PLANNED)
    standard = agenda_titles(page)
    assert len(standard) == meeting.agenda_items.count() > 0

    # The chi ủy session, on its own form.
    page.get_by_role("link", name=vi("Record the committee session")).click()
    page.get_by_label(vi("held on")).fill("2026-11-28")
    page.get_by_label(world.secretary.full_name).check()
    page.get_by_label(vi("agreed content")).fill("Thống nhất nội dung sinh hoạt tháng 12, học tập chuyên đề.")
    page.get_by_label(vi("focus of discussion")).fill("Kế hoạch công tác quý I năm 2027.")
    page.get_by_role("button", name=vi("Save")).click()
    expect(page.get_by_role("status")).to_have_text(vi("The committee session was recorded."))
    expect(page.locator("#session-title + p")).to_contain_text("28/11/2026")
    session = CommitteeSession.objects.get(meeting=meeting)
    assert list(session.attendees.all()) == [world.secretary]

    # The agenda builder answers in place: the page under it is never reloaded.
    page.evaluate("() => { window.sameDocument = true; }")
    page.locator("#agenda summary").click()
    add = page.locator("#agenda form").last
    add.get_by_label(vi("planned minutes")).fill("25")
    add.get_by_role("button", name=vi("Add")).click()
    expect(page.locator("#agenda")).to_contain_text(vi("Give the item a title."))
    add = page.locator("#agenda form").last
    expect(add.get_by_label(vi("planned minutes"))).to_have_value("25")  # what was typed is kept

    add.get_by_label(vi("title")).fill(STUDY)
    add.get_by_label(vi("presenter")).select_option(label=world.fellow.full_name)
    add.get_by_role("button", name=vi("Add")).click()
    # Before the closing sections (superior officer, conclusion, evaluation, minutes), not after the minutes.
    expect(page.locator("#agenda li strong").nth(len(standard) - 4)).to_have_text(STUDY)
    assert agenda_titles(page) == [*standard[:-4], STUDY, *standard[-4:]]

    # Down one place, with the keyboard's button: after the superior officer's remarks.
    study = page.locator("#agenda li").filter(has_text=STUDY)
    study.get_by_role("button", name=vi("Move down")).click()
    expect(page.locator("#agenda li strong").nth(len(standard) - 3)).to_have_text(STUDY)
    assert agenda_titles(page) == [*standard[:-3], STUDY, *standard[-3:]]

    # Edit in place: 30 minutes, and the total follows.
    page.locator("#agenda li").filter(has_text=STUDY).get_by_role("link", name=vi("Edit")).click()
    edit = page.locator("#agenda form[action$='/edit/']")
    edit.get_by_label(vi("planned minutes")).fill("30")
    edit.get_by_role("button", name=vi("Save")).click()
    expect(page.locator("#agenda li").filter(has_text=STUDY)).to_contain_text(f"30 {vi('min')}")
    total = sum(i.planned_minutes for i in meeting.agenda_items.all())
    expect(page.locator("#agenda-total")).to_contain_text(
        vi(
            "Planned time: %(total)s minutes (at least %(minimum)s required)",
            total=total,
            minimum=meeting.min_minutes,
        )
    )
    assert page.evaluate("() => window.sameDocument") is True
    item = meeting.agenda_items.get(title=STUDY)
    assert (item.planned_minutes, item.presenter, item.position) == (30, world.fellow, len(standard) - 2)

    # Publish, after the confirmation the page asks for.
    page.get_by_role("button", name=vi("Publish")).click()
    page.get_by_role("dialog").get_by_role("button", name=vi("Publish the agenda")).click()
    expect(page.get_by_role("status")).to_have_text(
        vi("The agenda was published to the cell's members and the superior officer.")
    )
    expect(page.get_by_text(vi("Prepared"), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=vi("Add"))).to_have_count(0)  # the builder is gone
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PREPARED and meeting.published_at == at(2026, 11, 20, 9, 0)

    # A member of the cell now reads the published agenda, in its new order.
    member = browse.open("member", f"/meetings/{meeting.pk}/", phone=True)
    assert agenda_titles(member) == [*standard[:-3], STUDY, *standard[-3:]]
    expect(member.get_by_role("heading", name=re.compile(vi("Agenda")))).to_be_visible()
