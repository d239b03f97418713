"""Journey of #21 part 4, the speaker queue ("Xin phát biểu"): three members on their phones ask to speak,
one withdraws, the chair calls the next speaker from the live page, and the projector shows who speaks and
for how long; every phone follows the queue through the live updates."""

import re

import pytest
from playwright.sync_api import expect

from meetings.models import SpeakingTurn

from ..factories import MemberFactory, UserFactory
from ..meetings.pages import vi
from .axe import horizontal_overflow
from .test_live_meeting import open_meeting, polls_of
from .waits import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def waiting(page):
    return page.locator("#speaker-queue .speaker-waiting > li")


def place(n: int) -> str:
    return vi("You are number {n} in the queue.").replace("{n}", str(n))


@pytest.mark.parametrize("transport", ["poll", "stream"])
def test_three_phones_ask_one_withdraws_the_chair_calls_the_next(request, transport, world, clock, shoot):
    """Over the poll (`make run`), and over the live stream (the push server: uvicorn, a Redis)."""
    browse = request.getfixturevalue("browse" if transport == "poll" else "push_browse")
    if transport == "stream":
        shoot = lambda page, name: None  # noqa: E731  (the pictures are the poll run's)
    thu = MemberFactory(full_name="Lâm Thị Thu", cell=world.cell, user=UserFactory(username="thu"))
    meeting = open_meeting(world, world.secretary, world.member, world.fellow, thu)
    path = f"/meetings/{meeting.pk}/live/"
    phones = {who: browse.open(who, path, phone=True) for who in ("member", "fellow", "thu")}
    chair = browse.open("secretary", path, phone=True)
    screen = browse.open("secretary", f"/meetings/{meeting.pk}/screen/")
    polled = []
    if transport == "stream":
        for page in [*phones.values(), chair, screen]:
            expect(page.locator("#comments")).to_have_attribute("data-transport", "stream")
        # The projector's one poll for what was said before its stream; from now on it only listens.
        wait_until(screen, "performance.getEntriesByType('resource').some(e => e.name.includes('/poll/'))")
        polled = polls_of(screen)

    ask = {who: page.get_by_role("button", name=vi("Ask to speak")) for who, page in phones.items()}
    expect(ask["member"]).to_be_visible()
    assert not horizontal_overflow(phones["member"])
    shoot(phones["member"], "speaker-ask")

    # In this order: member, thu, fellow. Each phone says its place at once.
    for n, who in enumerate(("member", "thu", "fellow"), start=1):
        ask[who].click()
        expect(phones[who].locator("#speaker-mine")).to_have_text(place(n))
        expect(ask[who]).to_be_hidden()
    names = [world.member.full_name, thu.full_name, world.fellow.full_name]
    expect(waiting(chair)).to_have_text(names)  # the chair's page follows the queue

    # Thu withdraws: the others move up, on every page.
    phones["thu"].get_by_role("button", name=vi("Withdraw my request")).click()
    expect(ask["thu"]).to_be_visible()
    expect(phones["thu"].locator("#speaker-mine")).to_have_text("")
    expect(phones["fellow"].locator("#speaker-mine")).to_have_text(place(2))
    expect(waiting(chair)).to_have_text([world.member.full_name, world.fellow.full_name])
    expect(waiting(screen)).to_have_text([world.member.full_name, world.fellow.full_name])
    shoot(chair, "speaker-queue-chair")

    # The chair calls the next: the first who asked has the floor; the projector shows them and counts.
    chair.get_by_role("button", name=vi("Call the next speaker")).click()
    now = screen.locator("#speaker-queue [data-speaking]")
    expect(now).to_contain_text(world.member.full_name)
    expect(now.locator(".speaker-timer")).to_have_text(re.compile(r"^\d+:\d\d$"))
    expect(phones["member"].locator("#speaker-mine")).to_have_text(vi("You have the floor."))
    expect(phones["fellow"].locator("#speaker-mine")).to_have_text(place(1))
    expect(waiting(screen)).to_have_text([world.fellow.full_name])
    shoot(screen, "speaker-screen")

    # Calling the next ends the turn before it.
    chair.get_by_role("button", name=vi("Call the next speaker")).click()
    expect(now).to_contain_text(world.fellow.full_name)
    expect(waiting(screen)).to_have_count(0)
    expect(chair.get_by_role("button", name=vi("Call the next speaker"))).to_be_disabled()

    if transport == "stream":
        assert polled == []  # the projector heard every step on its stream

    turns = list(SpeakingTurn.objects.order_by("requested_at", "pk"))
    assert [t.member.full_name for t in turns] == names
    spoke = [t for t in turns if t.called_at]
    assert [t.member for t in spoke] == [world.member, world.fellow]
    assert spoke[0].ended_at == spoke[1].called_at and spoke[1].ended_at is None
    assert turns[1].withdrawn_at is not None and turns[1].called_at is None
