"""The secretary's live-meeting page left alone for more than 30 minutes: the automatic polling does not
keep the session alive, the page goes to the login with the reason, and after logging in again the
comment typed meanwhile is sent from the outbox, once (members/middleware.py, static/js/live.js)."""

import re
from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import expect

from meetings.models import Comment
from members import security

from ..meetings.pages import vi
from .conftest import PASSWORD
from .test_live_meeting import open_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def idle_for(page, minutes: int) -> None:
    """Moves the stored stamp of the browser's session back, as if nobody had clicked for that long."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    session[security.SEEN_AT] = security.now() - minutes * 60
    session.save()


def test_idle_secretary_is_sent_to_the_login_and_nothing_typed_is_lost(browse, world, clock):
    meeting = open_meeting(world)
    path = f"/meetings/{meeting.pk}/live/"
    page = browse.open("secretary", path)
    expect(page.locator("#comments")).to_be_visible()

    idle_for(page, 31)
    said = "Đề nghị các đồng chí hoàn thành báo cáo trước ngày 10."
    page.get_by_label(vi("Your comment")).fill(said)
    page.get_by_role("button", name=vi("Send comment")).click()

    expect(page).to_have_url(re.compile(re.escape(f"/accounts/login/?next={path}") + "$"))
    expect(
        page.get_by_text(
            vi("Your session has expired after %(minutes)s minutes without activity.", minutes=30),
            exact=False,
        )
    ).to_be_visible()
    assert not Comment.objects.filter(text=said).exists()

    page.get_by_label(vi("username")).fill("secretary")
    page.get_by_label(vi("Password")).fill(PASSWORD)
    page.get_by_role("button", name=vi("Log in")).click()

    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.locator("#comments > li").filter(has_text=said)).to_have_count(1)
    expect(page.locator("#outbox li")).to_have_count(0)
    assert Comment.objects.filter(text=said).count() == 1
