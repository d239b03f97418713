"""Journey b: three members on their phones check in and comment during the live meeting; one loses the
connection, types a comment anyway (kept in the phone's outbox, static/js/live.js) and it arrives exactly
once when the connection returns, on every phone."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from access import objects as access_objects
from meetings import live
from meetings.models import Attendance, Comment
from meetings.services import plan_regular_meeting, publish_meeting
from members.services import transfer_member

from ..factories import MemberFactory, UserFactory, post_comment
from ..meetings.pages import vi
from .offline import signal_off, signal_on
from .waits import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOVEMBER = dt.date(2026, 11, 1)


def open_meeting(world, *present):
    """November's meeting, published and opened (the secretary chairs, `fellow` keeps the minutes), with
    `present` marked present."""
    meeting, _created = plan_regular_meeting(cell=world.cell, period=NOVEMBER)
    publish_meeting(meeting=meeting, by=world.secretary.user)
    meeting = live.open_meeting(
        meeting=meeting, chair=world.secretary, clerk=world.fellow, by=world.secretary.user
    )
    for member in present:
        live.mark_attendance(
            attendance=meeting.attendances.get(member=member), status=Attendance.Status.PRESENT
        )
    return meeting


@pytest.fixture
def third(world):
    """A third member of the cell with a login (persona "thu")."""
    return MemberFactory(full_name="Lâm Thị Thu", cell=world.cell, user=UserFactory(username="thu"))


def comments(page, said: str):
    return page.locator("#comments > li").filter(has_text=said)


def send(page, said: str) -> None:
    page.get_by_label(vi("Your comment")).fill(said)
    page.get_by_role("button", name=vi("Send comment")).click()


def polls_of(page) -> list:
    """The poll requests the page makes from now on."""
    made = []
    page.on("request", lambda request: made.append(request.url) if "/live/poll/" in request.url else None)
    return made


@pytest.mark.parametrize("transport", ["poll", "stream"])
def test_three_phones_check_in_and_comment_one_offline(request, transport, world, third, clock):
    """Over the poll (`make run`), and over the live stream (the push server: uvicorn, a Redis)."""
    browse = request.getfixturevalue("browse" if transport == "poll" else "push_browse")
    meeting = open_meeting(world)
    path = f"/meetings/{meeting.pk}/live/"
    phones = {who: browse.open(who, path, phone=True) for who in ("member", "fellow", "thu")}
    for page in phones.values():
        if transport == "stream":
            expect(page.locator("#comments")).to_have_attribute("data-transport", "stream")
        else:
            expect(page.locator("#comments")).not_to_have_attribute("data-transport", "stream")

    listener = phones["thu"]  # sends nothing in the next round, so it polls only for news
    polled = polls_of(listener)
    for page in phones.values():
        page.get_by_role("button", name=vi("I am here — check in")).click()
        expect(page.get_by_role("status")).to_have_text(vi("You are checked in. Welcome!"))
    present = meeting.attendances.filter(status=Attendance.Status.PRESENT, self_checked_in=True)
    assert {a.member for a in present} == {world.member, world.fellow, third}
    if transport == "stream":
        # The page came back after the check-in: its stream again, and the one poll each stream's `hello`
        # makes for what was said before it.
        for page in phones.values():
            expect(page.locator("#comments")).to_have_attribute("data-transport", "stream")
        wait_until(listener, "performance.getEntriesByType('resource').some(e => e.name.includes('/poll/'))")
    polled.clear()

    said = {
        "member": "Tổ kỹ thuật đã hoàn thành bảo trì trạm biến áp đúng hạn.",
        "fellow": "Đề nghị chi bộ tổ chức học tập nghị quyết trong tháng.",
    }
    for who, text in said.items():
        send(phones[who], text)
    for page in phones.values():  # every phone gets every comment
        for text in said.values():
            expect(comments(page, text)).to_have_count(1)
    if transport == "stream":
        assert polled == []  # both came over the stream, not by asking

    # No signal: the comment waits in the phone's outbox, and says so.
    offline = "Tôi đề nghị bổ sung kế hoạch kiểm tra đảng viên quý IV."
    signal_off(phones["thu"].context)
    send(phones["thu"], offline)
    outbox = phones["thu"].locator("#outbox li")
    expect(outbox).to_contain_text(offline)
    expect(outbox).to_contain_text(
        vi("No connection: kept on this phone, will be sent when the connection returns.")
    )
    assert not Comment.objects.filter(text=offline).exists()

    # Closed and opened again with no signal (the app keeps the page it showed): the comment still waits.
    wait_until(phones["thu"], "navigator.serviceWorker.controller !== null")
    phones["thu"].reload()
    expect(outbox).to_contain_text(offline)
    assert not Comment.objects.filter(text=offline).exists()

    # The signal returns: sent once, shown once on each phone, the outbox empty.
    signal_on(phones["thu"].context)
    for page in phones.values():
        expect(comments(page, offline)).to_have_count(1)
    expect(outbox).to_have_count(0)
    stored = Comment.objects.get(text=offline)
    assert stored.speaker == third and stored.agenda_item == meeting.current_item

    # An answer lost on the way back: the phone retries, the server keeps the first copy only.
    lost = "Đề nghị đồng chí bí thư trả lời về tiến độ xây dựng nhà văn hóa."

    def deliver_then_drop(route):
        route.fetch()  # the server stores the comment ...
        route.abort("connectionreset")  # ... but the phone never hears back

    posts = []
    phones["member"].on("request", lambda r: posts.append(r) if r.url.endswith("/comments/") else None)
    phones["member"].route(f"**/meetings/{meeting.pk}/comments/", deliver_then_drop, times=1)
    send(phones["member"], lost)
    for page in phones.values():
        expect(comments(page, lost)).to_have_count(1)
    expect(phones["member"].locator("#outbox li")).to_have_count(0)
    assert len(posts) == 2 and Comment.objects.filter(text=lost).count() == 1  # sent twice, stored once

    # Read afresh, each phone shows each comment exactly once.
    for page in phones.values():
        page.reload()
        for text in [*said.values(), offline, lost]:
            expect(comments(page, text)).to_have_count(1)
    assert meeting.comments.count() == 4


def test_a_phone_moved_out_of_the_cell_is_shown_the_door(browse, world, clock, monkeypatch):
    """Every few minutes the poll checks the user again and hands the page a fresh token; a member
    transferred to another cell in the middle of the evening gets the page's own answer, not more comments."""
    monkeypatch.setattr(access_objects, "POLL_RECHECK", -1)  # every token already old: each poll checks
    meeting = open_meeting(world)
    page = browse.open("member", f"/meetings/{meeting.pk}/live/", phone=True)
    first = page.locator("#comments").get_attribute("data-token")
    wait_until(page, f"document.getElementById('comments').dataset.token !== {first!r}")  # renewed

    transfer_member(
        member=world.member,
        to_cell=world.other_cell,
        on=clock.current.date(),
        reason="Chuyển công tác",
        by=None,
    )

    expect(page.get_by_role("heading", name=vi("Not found"))).to_be_visible()
    expect(page.locator("#comments")).to_have_count(0)


def test_a_question_that_arrives_while_the_chair_watches_can_be_answered_at_once(browse, world, clock):
    """A question posted from a phone reaches the chair's open page with its answer form: the chair answers
    without reloading, and every phone sees the answer, also one that already shows the question and polls."""
    meeting = open_meeting(world)
    chair = browse.open("secretary", f"/meetings/{meeting.pk}/live/")
    phone = browse.open("member", f"/meetings/{meeting.pk}/live/", phone=True)
    asked = "Khi nào chi bộ tổ chức học tập nghị quyết mới?"
    post_comment(meeting, world.member, asked, kind=Comment.Kind.QUESTION, by=world.member.user)
    expect(comments(phone, asked)).to_have_count(1)  # on the phone, unanswered: the answer changes it there

    question = comments(chair, asked)
    question.get_by_label(vi("Chair's answer")).fill("Ngày 15 tháng này, tại hội trường.")
    question.get_by_role("button", name=vi("Record answer")).click()

    expect(comments(chair, asked).filter(has_text="Ngày 15 tháng này, tại hội trường.")).to_be_visible()
    expect(comments(phone, asked).filter(has_text="Ngày 15 tháng này, tại hội trường.")).to_be_visible()
    assert Comment.objects.get(text=asked).answer == "Ngày 15 tháng này, tại hội trường."


def test_the_projector_leads_with_the_item_under_discussion(browse, world, clock):
    """Read from the back of the room: the current item's title is the largest text, its label a caption."""
    meeting = open_meeting(world)
    item = meeting.agenda_items.order_by("position").first()
    meeting.current_item = item
    meeting.save(update_fields=["current_item"])

    page = browse.open("secretary", f"/meetings/{meeting.pk}/screen/")
    title = page.locator("#current-item div").filter(has_text=item.title)
    label = page.locator("#current-item span")
    expect(title).to_be_visible()

    def size(locator) -> float:
        return locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")

    assert size(title) >= 2 * size(label)
    assert size(title) > size(page.locator("h1"))


def test_a_phone_whose_stream_is_blocked_polls_and_sees_every_comment_once(push_browse, world, third, clock):
    """A proxy that cuts streams, an old browser: the phone falls back to polling by itself."""
    meeting = open_meeting(world)
    path = f"/meetings/{meeting.pk}/live/"
    blocked = push_browse.context("thu", phone=True).new_page()
    blocked.route("**/live/stream/**", lambda route: route.abort("connectionrefused"))
    polled = polls_of(blocked)
    blocked.goto(path)
    streaming = push_browse.open("member", path, phone=True)
    expect(streaming.locator("#comments")).to_have_attribute("data-transport", "stream")

    said = ["Ý kiến thứ nhất về công tác dân vận.", "Ý kiến thứ hai về đảng phí quý IV."]
    for text in said:
        send(streaming, text)
    for page in (blocked, streaming):
        for text in said:
            expect(comments(page, text)).to_have_count(1)
    expect(blocked.locator("#comments")).not_to_have_attribute("data-transport", "stream")
    assert polled  # it asked, every few seconds
    blocked.reload()
    for text in said:
        expect(comments(blocked, text)).to_have_count(1)


def test_a_comment_whose_publication_was_lost_reaches_every_streaming_phone(push_browse, world, third, clock):
    """A worker stored a comment and was killed before publishing it, and the phone's retry came while Redis
    was away: no stream carried it. The next comment's update says what came before it, and every phone
    that never showed that one asks for it, at once rather than at the five-minute safety poll."""
    meeting = open_meeting(world)
    path = f"/meetings/{meeting.pk}/live/"
    phones = [push_browse.open(who, path, phone=True) for who in ("member", "thu")]
    for page in phones:
        expect(page.locator("#comments")).to_have_attribute("data-transport", "stream")
    said = "Ý kiến thứ nhất, nghe trên luồng trực tiếp."
    send(phones[0], said)
    for page in phones:
        expect(comments(page, said)).to_have_count(1)

    lost = "Ý kiến đã lưu nhưng chưa phát tới máy nào."
    Comment.objects.create(
        meeting=meeting, agenda_item=meeting.current_item, speaker=world.fellow, text=lost
    )  # stored, and its publication lost with its worker
    then = "Ý kiến sau đó, phát bình thường."
    send(phones[0], then)
    for page in phones:
        expect(comments(page, then)).to_have_count(1)
        expect(comments(page, lost)).to_have_count(1)
        expect(page.locator("#comments")).to_have_attribute("data-transport", "stream")
