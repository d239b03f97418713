"""Journeys of issue #18 on the live meeting: a member votes from the phone in one tap while the secretary's
screen and the projector count it (item 11), and a member comments in three taps from the landing page, on
the item under discussion or on another one chosen (item 5)."""

import re

import pytest
from playwright.sync_api import expect

from meetings.models import Comment, PhoneBallot, Vote

from ..meetings.pages import vi
from .axe import horizontal_overflow, serious_violations
from .test_live_meeting import open_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Thông qua nghị quyết lãnh đạo nhiệm vụ tháng 12-2026"


def choice(panel, label: str):
    """A ballot button by its label, ticked (✔) or not."""
    return panel.get_by_role("button", name=re.compile(f"^(✔ )?{re.escape(vi(label))}$"))


class Actions:
    """Counts what a person does on the page: each tap (click, choice in a list) and each text typed."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        self.count += 1
        locator.click()

    def fill(self, locator, value: str):
        self.count += 1
        locator.fill(value)

    def choose(self, locator, value: str):
        self.count += 1
        locator.select_option(value)


def test_a_member_votes_in_one_tap_while_the_secretary_sees_the_count_rise(browse, world, clock, shoot):
    meeting = open_meeting(world, world.secretary, world.member, world.fellow)

    # The secretary, on the laptop, puts the question to the phones from the votes page.
    desk = browse.open("secretary", f"/meetings/{meeting.pk}/votes/")
    desk.on("dialog", lambda dialog: dialog.accept())
    desk.get_by_label(vi("Question")).fill(QUESTION)
    desk.get_by_label(vi("On members' phones")).check()
    desk.get_by_role("button", name=vi("Record the vote")).click()
    expect(desk).to_have_url(re.compile(f"/meetings/{meeting.pk}/live/"))
    tally = desk.locator("#phone-vote")
    expect(tally).to_contain_text(QUESTION)
    expect(tally.locator("[data-tally=for]")).to_have_text("0")
    expect(tally.locator("[data-tally=cast]")).to_contain_text(
        vi("%(n)s of %(m)s members with a vote have voted", n=0, m=3)
    )
    projector = browse.open("secretary", f"/meetings/{meeting.pk}/screen/")
    expect(projector.locator("#phone-vote [data-tally=for]")).to_have_text("0")

    # The member, on the phone, sees the question on the live page and taps once.
    phone = browse.open("member", f"/meetings/{meeting.pk}/live/", phone=True)
    acts = Actions(phone)
    panel = phone.locator("#phone-vote")
    expect(panel).to_contain_text(QUESTION)
    assert serious_violations(phone) == []  # the live page with a vote open
    assert horizontal_overflow(phone) == 0
    acts.tap(choice(panel, "For"))
    expect(choice(panel, "For")).to_have_attribute("aria-pressed", "true")
    expect(panel).to_contain_text(
        vi("Your vote is counted. You may change it until the secretary closes the vote.")
    )
    assert acts.count == 1
    assert list(PhoneBallot.objects.values_list("member", "choice")) == [(world.member.pk, "for")]

    # Without reloading, the secretary's screen and the projector count it (the live poll).
    expect(tally.locator("[data-tally=for]")).to_have_text("1")
    expect(tally.locator("[data-tally=cast]")).to_contain_text(
        vi("%(n)s of %(m)s members with a vote have voted", n=1, m=3)
    )
    expect(projector.locator("#phone-vote [data-tally=for]")).to_have_text("1")
    shoot(phone, "phone-vote")
    shoot(desk, "phone-vote")
    assert serious_violations(desk) == []

    # A second member taps, then the secretary closes the vote: counted by the rule of a vote by hand.
    fellow = browse.open("fellow", f"/meetings/{meeting.pk}/live/", phone=True)
    choice(fellow.locator("#phone-vote"), "For").click()
    expect(tally.locator("[data-tally=for]")).to_have_text("2")
    desk.get_by_role("button", name=vi("Close the vote and count")).click()
    expect(desk.get_by_role("status")).to_contain_text(vi("Vote recorded: %(result)s.", result=vi("passed")))
    vote = Vote.objects.get()
    assert (vote.method, vote.votes_for, vote.base, vote.passed) == (Vote.Method.PHONES, 2, 3, True)
    expect(panel).to_contain_text(vi("%(f)s/%(b)s comrades in favour (%(pct)s%%)", f=2, b=3, pct="66,7"))
    expect(panel.get_by_role("button")).to_have_count(0)  # closed: nothing left to tap


def test_a_member_comments_in_three_taps_from_the_landing_page(browse, world, clock, shoot):
    meeting = open_meeting(world)
    items = list(meeting.agenda_items.order_by("position", "pk"))
    said = "Đề nghị chi bộ phân công đảng viên theo dõi tiến độ công trình."

    phone = browse.open("member", "/", phone=True)
    acts = Actions(phone)
    acts.tap(phone.get_by_role("link", name=vi("Join the meeting")))
    acts.fill(phone.get_by_label(vi("Your comment")), said)
    acts.tap(phone.get_by_role("button", name=vi("Send comment")))

    expect(phone.locator("#comments > li").filter(has_text=said)).to_have_count(1)
    assert acts.count <= 3
    assert Comment.objects.get(text=said).agenda_item == meeting.current_item

    # Another item, by choice: the list of the agenda, the item under discussion chosen until changed.
    choice = phone.get_by_label(vi("On the item"))
    expect(choice).to_have_value(str(meeting.current_item_id))
    later = items[-2]
    other = "Xin bổ sung vào phần phương hướng nhiệm vụ tháng tới."
    choice.select_option(str(later.pk))
    # The list shows the start of a long title on a phone; the whole title is written under it.
    expect(phone.locator("#id_agenda_item_helptext")).to_have_text(f"{len(items) - 1}. {later.title}")
    phone.get_by_label(vi("Your comment")).fill(other)
    assert horizontal_overflow(phone) == 0
    box = choice.bounding_box()
    assert box["width"] <= 360 and box["height"] >= 38  # the whole list fits the phone, and is a finger wide
    shoot(phone, "comment-item")
    phone.get_by_role("button", name=vi("Send comment")).click()
    expect(phone.locator("#comments > li").filter(has_text=other)).to_contain_text(later.title)
    assert Comment.objects.get(text=other).agenda_item == later
    expect(choice).to_have_value(str(later.pk))  # the choice stays for the next comment

    desk = browse.open("secretary", f"/meetings/{meeting.pk}/live/")
    expect(desk.locator("#comments > li").filter(has_text=other)).to_contain_text(later.title)
    shoot(desk, "comment-item")
