"""Push notifications on a phone (#21): the settings page offers them for this device, and the service worker
shows a push message under its notification's tag.

What cannot be tested here: a real subscription. PushManager.subscribe asks the browser vendor's push
service (FCM for Chromium) for an endpoint, over the internet, which a headless test machine has not; the
server's side of the journey (the subscription posted, the message encrypted and sent, decrypted by the
device) is tested against a local push service in tests/reminders/test_push.py. Here Chromium's DevTools
hand the service worker a push message as the push service would (ServiceWorker.deliverPushMessage).
"""

import json

import pytest
from playwright.sync_api import expect

from ..meetings.pages import vi
from .axe import enlarge_text, horizontal_overflow, serious_violations
from .waits import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A key pair of scripts/vapid_keys.py, for the page only (nothing is sent to a push service here).
VAPID_PUBLIC = "BMHkdQfQyk5qnreWw8ukQzO90wijpOxowSLrdtvhqoMXRSLnvwCvGj-EjS4OOAVtmio2xqcofDHawww2eJSc0iE"
VAPID_PRIVATE = "Q6jxnowm1Jn2-zGDdpds-rpHhZuu1am2vBE7RALAOGU"


@pytest.fixture
def vapid(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = VAPID_PUBLIC, VAPID_PRIVATE


def test_a_member_finds_the_push_button_for_this_phone_in_the_notification_settings(
    browse, world, vapid, shoot
):
    page = browse.open("member", "/notifications/", phone=True)

    page.get_by_role("link", name=vi("Settings"), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Notification settings"))
    expect(page.get_by_role("status")).to_have_text(vi("Push notifications are off for this device."))
    button = page.get_by_role("button", name=vi("Turn on notifications on this device"))
    expect(button).to_be_visible()
    expect(page.get_by_label(vi("In the app's notification list"))).to_be_checked()
    expect(page.get_by_label(vi("In the app's notification list"))).to_be_disabled()
    expect(page.get_by_label(vi("by email"), exact=False).first).to_be_checked()
    assert serious_violations(page) == []
    shoot(page, "notification-settings")
    # Text at 200 %: the button still shows and takes a tap; nothing scrolls sideways.
    enlarge_text(page)
    button.click(trial=True)
    assert horizontal_overflow(page) <= 0


def test_without_vapid_keys_the_page_says_push_is_not_available(browse, world, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    page = browse.open("member", "/notifications/settings/", phone=True)

    expect(
        page.get_by_text(vi("Push notifications are not set up on this server."), exact=True)
    ).to_be_visible()
    expect(page.get_by_role("button", name=vi("Turn on notifications on this device"))).to_have_count(0)
    expect(page.get_by_label(vi("on my devices (push notifications)"))).to_be_disabled()


def test_the_service_worker_shows_a_push_under_its_tag_and_a_second_copy_replaces_the_first(browse, world):
    page = browse.open("member", "/", phone=True)
    page.context.grant_permissions(["notifications"], origin=browse.base_url)
    wait_until(page, "navigator.serviceWorker.controller !== null")

    worker = page.request.get("/sw.js")
    assert worker.ok and "javascript" in worker.headers["content-type"]

    session = page.context.new_cdp_session(page)
    registrations = []
    session.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r
            for r in event["registrations"]
            if not r["isDeleted"] and r["scopeURL"].startswith(browse.base_url)
        ),
    )
    session.send("ServiceWorker.enable")
    for _wait in range(100):
        if registrations:
            break
        page.wait_for_timeout(50)
    assert registrations, "the service worker's registration was not reported"

    message = {
        "title": "Nhắc lịch sinh hoạt",
        "body": "14:00 05/12/2026",
        "tag": "notification-7",
        "url": "/notifications/7/",
    }
    shown = """navigator.serviceWorker.ready.then(function (r) { return r.getNotifications(); })
      .then(function (list) { return list.map(function (n) { return [n.title, n.body, n.tag, n.data.url]; }); })"""

    def deliver(payload, until: str):
        """DevTools hands the push to the service worker and answers before the worker has it: a push handed
        while Chrome is still starting the worker can be lost (seen once in a loaded CI run), so the same
        push is handed again after 5 s, at most twice. Shown under its tag, a copy never adds a notification."""
        for attempt in range(3):
            session.send(
                "ServiceWorker.deliverPushMessage",
                {
                    "origin": browse.base_url,
                    "registrationId": registrations[-1]["registrationId"],
                    "data": json.dumps(payload, ensure_ascii=False),
                },
            )
            try:
                wait_until(page, f"({shown}).then({until})", timeout=5)
                return
            except AssertionError:
                if attempt == 2:
                    raise

    deliver(message, "function (l) { return l.length === 1; }")
    assert page.evaluate(shown) == [[message["title"], message["body"], message["tag"], message["url"]]]

    # The same notification again (a retry after a worker was killed; its text marked here to see it land):
    # shown under the same tag, it takes the first one's place.
    deliver(
        {**message, "body": "14:00 05/12/2026 (lần gửi lại)"},
        "function (l) { return l.some(function (n) { return n[1].indexOf('lần gửi lại') > 0; }); }",
    )
    assert page.evaluate(shown) == [
        [message["title"], "14:00 05/12/2026 (lần gửi lại)", message["tag"], message["url"]]
    ]
