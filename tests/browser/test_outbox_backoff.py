"""The phone's outbox during a server outage (static/js/live.js): it backs off (1 s, 2 s, 4 s... with jitter,
capped at 60 s) instead of resending every 300 ms, says it is retrying, and delivers once the server is back."""

import time

import pytest
from playwright.sync_api import expect

from meetings.models import Comment

from ..meetings.pages import vi
from .test_live_meeting import open_meeting, send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_outbox_backs_off_while_the_server_answers_503_then_delivers_once(browse, world, clock):
    meeting = open_meeting(world)
    phone = browse.open("member", f"/meetings/{meeting.pk}/live/", phone=True)
    posts = []

    def unavailable(route):
        posts.append(time.monotonic())
        route.fulfill(
            status=503, headers={"Retry-After": "1"}, json={"error": "unavailable", "retry_after": 1}
        )

    phone.route(f"**/meetings/{meeting.pk}/comments/", unavailable)
    said = "Đề nghị bổ sung kế hoạch kiểm tra đảng viên quý IV."
    send(phone, said)
    expect(phone.locator("#outbox li")).to_contain_text("đang thử gửi lại")
    phone.wait_for_timeout(6000)

    # 300 ms apart, six seconds were 20 tries; backing off from 1 s (drawn in [0.5, 1], [1, 2], [2, 4]...)
    # they are at most five, each wait at least as long as half the one before it.
    assert 2 <= len(posts) <= 5, posts
    gaps = [b - a for a, b in zip(posts, posts[1:], strict=False)]
    assert all(gap >= 0.45 for gap in gaps), gaps
    assert not Comment.objects.filter(text=said).exists()

    phone.unroute(f"**/meetings/{meeting.pk}/comments/")
    expect(phone.locator("#comments > li").filter(has_text=said)).to_have_count(1, timeout=70_000)
    expect(phone.locator("#outbox li")).to_have_count(0)
    assert Comment.objects.filter(text=said).count() == 1
    assert "{seconds}" in vi("Not sent yet; retrying in {seconds} s…")  # the number goes in the translation
