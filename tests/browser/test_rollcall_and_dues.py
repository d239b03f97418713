"""Journeys of issue #18 items 1 and 2, on the secretary's phone, counting what she does:

- the roll call of 17 members, 2 of them absent (one with a reason, one without), in at most 5 actions;
- the month's dues of 17 members, 16 of whom pay their standard amount, in at most 4 actions, in place.

Every click, fill and choice goes through `Person`, which counts it. Both screens are checked at 360 px (no
sideways scrolling, no serious or critical axe finding, no choice's text cut) and at 1280 px, and saved by
`shoot` for docs/screenshots."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from meetings import live
from meetings.models import Attendance, DuesEntry
from meetings.services import plan_regular_meeting, publish_meeting

from ..factories import MemberFactory
from ..meetings.pages import vi, vi_n
from .axe import horizontal_overflow, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOVEMBER = dt.date(2026, 11, 1)
S = Attendance.Status
OTHERS = [
    "Trần Văn An", "Lê Thị Bình", "Ngô Văn Cường", "Đặng Thị Dung", "Bùi Văn Em", "Đỗ Thị Giang",
    "Hồ Văn Hải", "Phan Thị Hoa", "Vũ Văn Khánh", "Trịnh Thị Lan", "Lý Văn Minh", "Mai Thị Nga",
    "Châu Văn Phát",
]  # fmt: skip


class Person:
    """The secretary's hands: each click, fill or choice is one action, counted."""

    def __init__(self, page):
        self.page = page
        self.actions = 0

    def click(self, locator) -> None:
        locator.click()
        self.actions += 1

    def fill(self, locator, value: str) -> None:
        locator.fill(value)
        self.actions += 1


@pytest.fixture
def meeting(world):
    """November's meeting of a 17-member cell, opened by the secretary; the meeting secretary is `fellow`."""
    for name in OTHERS:
        MemberFactory(full_name=name, cell=world.cell)
    meeting, _created = plan_regular_meeting(cell=world.cell, period=NOVEMBER)
    publish_meeting(meeting=meeting, by=world.secretary.user)
    meeting = live.open_meeting(
        meeting=meeting, chair=world.secretary, clerk=world.fellow, by=world.secretary.user
    )
    assert meeting.attendances.count() == 17
    return meeting


def check_phone_screen(page) -> None:
    assert horizontal_overflow(page) <= 0, "the page scrolls sideways on a 360 px phone"
    assert serious_violations(page) == []


def cut_labels(page, selector: str) -> list[str]:
    """The labels among `selector` whose text does not fit in their box."""
    return page.eval_on_selector_all(
        selector,
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)"
        ".map(e => e.textContent.trim())",
    )


def row(page, name: str):
    return page.locator(".roll-row").filter(has_text=name)


def test_roll_call_of_17_with_2_absences_in_5_actions(browse, world, meeting, clock, shoot):
    desktop = browse.open("secretary", f"/meetings/{meeting.pk}/attendance/")
    expect(desktop.get_by_role("button", name=vi("Everyone present"))).to_be_visible()
    assert serious_violations(desktop) == []
    shoot(desktop, "rollcall")  # the roll call as it opens: everyone still to mark, one button for all

    page = browse.open("secretary", f"/meetings/{meeting.pk}/live/", phone=True)
    secretary = Person(page)
    secretary.click(page.get_by_role("link", name=vi("Attendance"), exact=True))
    secretary.click(page.get_by_role("button", name=vi("Everyone present")))
    expect(page.get_by_role("status").first).to_contain_text(
        vi_n(
            "%(n)d member marked present. Now change only those who are absent.",
            "%(n)d members marked present. Now change only those who are absent.",
            17,
            n=17,
        )
    )
    page.evaluate("() => { window.sameDocument = true; }")

    # The exceptions, each one choice on its own row; the reason field comes with "absent with reason".
    ill, away = row(page, "Lê Thị Bình"), row(page, "Vũ Văn Khánh")
    secretary.click(ill.get_by_text(vi("Absent with reason"), exact=False))
    secretary.fill(ill.get_by_role("textbox", name=vi("Reason")), "Ốm, nằm viện")
    secretary.click(away.get_by_text(vi("Absent without reason"), exact=False))

    expect(ill.locator("[aria-live]")).to_contain_text(
        f"{vi('Saved: %(status)s', status=vi('Absent with reason'))} — Ốm, nằm viện"
    )
    expect(away.locator("[aria-live]")).to_contain_text(
        vi("Saved: %(status)s", status=vi("Absent without reason"))
    )
    expect(page.locator("#quorum")).to_contain_text(re.compile(rf"{vi('Present')}\s*15(?!\d)"))
    assert page.evaluate("() => window.sameDocument") is True  # saved in place, never reloaded
    assert secretary.actions <= 5, f"{secretary.actions} actions"

    marks = {a.member.full_name: (a.status, a.reason) for a in meeting.attendances.select_related("member")}
    assert marks.pop("Lê Thị Bình") == (S.EXCUSED, "Ốm, nằm viện")
    assert marks.pop("Vũ Văn Khánh") == (S.UNEXCUSED, "")
    assert set(marks.values()) == {(S.PRESENT, "")} and len(marks) == 15

    check_phone_screen(page)
    assert cut_labels(page, ".roll-mark") == []  # "Vắng không lý do" whole, never "Có m"
    shoot(page, "rollcall")


def test_dues_of_17_where_16_pay_the_standard_amount_in_4_actions(browse, world, meeting, clock, shoot):
    desktop = browse.open("secretary", f"/meetings/{meeting.pk}/dues/")
    expect(desktop.get_by_role("button", name=vi("Everyone paid the standard amount"))).to_be_visible()
    assert serious_violations(desktop) == []
    shoot(desktop, "dues")  # the month's dues as they open: nobody recorded, one button for all

    page = browse.open("secretary", f"/meetings/{meeting.pk}/attendance/", phone=True)
    secretary = Person(page)
    secretary.click(page.get_by_role("link", name=vi("Dues"), exact=True))
    expect(page.get_by_role("heading", name=vi("Dues for %(month)s", month="11/2026"))).to_be_visible()
    page.evaluate("() => { window.sameDocument = true; }")

    secretary.click(page.get_by_role("button", name=vi("Everyone paid the standard amount")))
    expect(page.get_by_role("status")).to_contain_text(
        vi_n(
            "%(n)d member recorded as paid in cash. Now change only the exceptions.",
            "%(n)d members recorded as paid in cash. Now change only the exceptions.",
            17,
            n=17,
        )
    )
    # The one who did not pay this month: one tap on his row.
    secretary.click(page.get_by_role("button", name=f"{vi('Mark as not paid')} — Ngô Văn Cường"))
    unpaid = page.locator("#dues-ledger li").filter(has_text="Ngô Văn Cường")
    expect(unpaid).to_contain_text(vi("Not paid yet"))
    expect(page.locator("#dues-summary")).to_contain_text(
        vi("Collected %(paid)s of %(due)s đồng", paid="1.600.000", due="1.700.000")
    )
    # "Everyone paid" stays for those not recorded, and names them: it is not the way to finish.
    expect(page.locator("#dues-summary")).to_contain_text(
        vi("Not recorded yet: %(names)s.", names="Ngô Văn Cường")
    )
    assert page.evaluate("() => window.sameDocument") is True  # in place: the page was never reloaded
    assert secretary.actions <= 4, f"{secretary.actions} actions"

    ledger = {
        e.member.full_name: (e.due, e.paid, e.method) for e in DuesEntry.objects.select_related("member")
    }
    assert ledger.pop("Ngô Văn Cường") == (100_000, 0, "")
    assert set(ledger.values()) == {(100_000, 100_000, DuesEntry.Method.CASH)} and len(ledger) == 16

    check_phone_screen(page)
    assert cut_labels(page, "#dues-ledger .btn") == []
    shoot(page, "dues")


def test_a_slow_answer_never_leaves_an_old_count_on_the_screen(browse, world, meeting, clock, monkeypatch):
    """Two rows marked in quick succession while the first answer is slow: the counts on the screen are the
    counts after both, never the first answer's (each answer carries the counts as they were when it left;
    the rows' saves go one after another, so the last to arrive is the last made)."""
    import time

    from meetings.views import record

    slow_row = meeting.attendances.get(member__full_name="Lê Thị Bình").pk
    drawn = record.render

    def render_slowly(request, template, context=None, *args, **kwargs):
        response = drawn(request, template, context, *args, **kwargs)
        if template == "meetings/_roll_saved.html" and f"/{slow_row}/" in request.path:
            time.sleep(1.5)  # the counts are drawn; the answer is late
        return response

    monkeypatch.setattr(record, "render", render_slowly)
    page = browse.open("secretary", f"/meetings/{meeting.pk}/attendance/", phone=True)
    page.get_by_role("button", name=vi("Everyone present")).click()
    expect(page.locator("#quorum")).to_contain_text(re.compile(rf"{vi('Present')}\s*17(?!\d)"))
    ill, away = row(page, "Lê Thị Bình"), row(page, "Vũ Văn Khánh")
    ill.get_by_text(vi("Absent with reason"), exact=False).click()
    away.get_by_text(vi("Absent without reason"), exact=False).click()

    expect(away.locator("[aria-live]")).to_contain_text(
        vi("Saved: %(status)s", status=vi("Absent without reason"))
    )
    expect(ill.locator("[aria-live]")).to_contain_text(
        vi("Saved: %(status)s", status=vi("Absent with reason"))
    )
    page.wait_for_timeout(500)  # any answer still on its way has arrived
    expect(page.locator("#quorum")).to_contain_text(re.compile(rf"{vi('Present')}\s*15(?!\d)"))


def test_a_slow_answer_never_leaves_old_dues_totals_on_the_screen(browse, world, meeting, clock, monkeypatch):
    """The same for the dues: two "not paid" taps, the first answer late; the totals are those after both."""
    import time

    from meetings.views import record

    slow_member = "Lê Thị Bình"
    drawn = record.render

    def render_slowly(request, template, context=None, *args, **kwargs):
        response = drawn(request, template, context, *args, **kwargs)
        if template == "meetings/_dues_row.html" and context["e"].member.full_name == slow_member:
            time.sleep(1.5)  # the totals are drawn; the answer is late
        return response

    monkeypatch.setattr(record, "render", render_slowly)
    page = browse.open("secretary", f"/meetings/{meeting.pk}/dues/", phone=True)
    page.get_by_role("button", name=vi("Everyone paid the standard amount")).click()
    expect(page.locator("#dues-summary")).to_contain_text(
        vi("Collected %(paid)s of %(due)s đồng", paid="1.700.000", due="1.700.000")
    )
    for name in (slow_member, "Ngô Văn Cường"):
        page.get_by_role("button", name=f"{vi('Mark as not paid')} — {name}").click()
    for name in (slow_member, "Ngô Văn Cường"):
        expect(page.locator("#dues-ledger li").filter(has_text=name)).to_contain_text(vi("Not paid yet"))
    page.wait_for_timeout(500)  # any answer still on its way has arrived
    expect(page.locator("#dues-summary")).to_contain_text(
        vi("Collected %(paid)s of %(due)s đồng", paid="1.500.000", due="1.700.000")
    )
