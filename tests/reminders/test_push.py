"""Push notifications (#21): a member turns them on for a device, and every notification that reaches the
app's list and the email also reaches each of their devices, once, through a push service — here a local
one (tests/push_receiver.py) that decrypts what it receives as the phone would.

What a killed worker does, honestly: a delivery is claimed before it is sent and marked after. Killed
between the two, the delivery is sent again once its claim's lease has run out, with the same tag (and the
same Topic for the push service): the phone's service worker shows it under that tag, replacing the first
copy, so the member sees one notification; the push service may have carried two messages.
"""

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications import notify, tasks, webpush
from notifications.models import Notification, PushDelivery, PushSubscription

from ..push_receiver import PushReceiver
from .conftest import page_text, run_at, vi

SUBJECT = "mailto:vanphong@example.org"
D_MINUS_1 = (
    2026,
    12,
    4,
    8,
    5,
)  # the members' reminder of the 05/12 meeting is due (tests/reminders/conftest.py)


def _vapid_pair():
    spec = importlib.util.spec_from_file_location(
        "vapid_keys", Path(django_settings.BASE_DIR) / "scripts" / "vapid_keys.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.new_pair()  # the very script `make vapid-keys` runs


@pytest.fixture
def receiver(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = _vapid_pair()
    settings.VAPID_SUBJECT = SUBJECT
    settings.PUSH_SERVICES = ["http://127.0.0.1"]
    service = PushReceiver()
    yield service
    service.stop()


def turn_on(client, device):
    """What static/js/push.js posts once the browser has subscribed."""
    response = client.post(
        reverse("notifications:push_subscribe"),
        device.subscription,
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 Chrome/131.0 Mobile",
    )
    assert response.status_code == 201, response.content
    return PushSubscription.objects.get(endpoint=device.endpoint)


def client_of(user) -> Client:
    """A browser of its own for a second person (the `login` fixture has one client for everyone)."""
    client = Client()
    client.force_login(user)
    return client


def shown(receiver, device):
    """What the device's service worker would show: the decrypted payloads, in order."""
    from django.conf import settings

    return [
        m["payload"]
        for m in receiver.messages(device, vapid_public_key=settings.VAPID_PUBLIC_KEY, subject=SUBJECT)
    ]


def test_the_reminder_reaches_the_members_phone_encrypted_for_it_alone(
    world, regular, receiver, login, django_capture_on_commit_callbacks
):
    phone = receiver.device("phone")
    turn_on(login("member"), phone)

    with django_capture_on_commit_callbacks(execute=True):  # the job is queued on commit (run eagerly here)
        run_at(*D_MINUS_1)

    notification = Notification.objects.get(recipient=world.member.user)
    assert shown(receiver, phone) == [
        {
            "title": notification.title,
            "body": notification.body,
            "tag": f"notification-{notification.pk}",
            "url": f"/notifications/{notification.pk}/",
        }
    ]
    (message,) = receiver.reaching(phone)
    assert message.headers["topic"] == f"n{notification.pk}"  # the push service keeps one per notification
    assert int(message.headers["ttl"]) == webpush.TTL
    # Only the member had turned push on: the four others were told in the app and by email, not pushed.
    assert len(receiver.received) == 1 and Notification.objects.count() == 5
    subscription = PushSubscription.objects.get()
    assert subscription.last_success_at is not None
    assert subscription.label == "Chrome · Android"
    assert PushDelivery.objects.get().status == PushDelivery.Status.SENT


def test_two_devices_get_one_each_and_nothing_is_sent_twice(world, regular, receiver, login):
    client = login("member")
    phone, laptop = receiver.device("phone"), receiver.device("laptop")
    turn_on(client, phone)
    turn_on(client, laptop)

    run_at(*D_MINUS_1)
    assert webpush.send_pending() == 2
    run_at(*D_MINUS_1)  # the beat's run repeated, and the sending job run again
    assert webpush.send_pending() == 0
    run_at(2026, 12, 4, 9, 5)
    assert webpush.send_pending() == 0

    tag = f"notification-{Notification.objects.get(recipient=world.member.user).pk}"
    assert [p["tag"] for p in shown(receiver, phone)] == [tag]
    assert [p["tag"] for p in shown(receiver, laptop)] == [tag]
    assert PushDelivery.objects.filter(status=PushDelivery.Status.SENT).count() == 2


class Killed(BaseException):
    """The worker dies here: nothing after this line of the job runs."""


def test_a_worker_killed_after_sending_sends_again_under_the_same_tag_once_its_claim_lapses(
    world, regular, receiver, login, monkeypatch
):
    phone = receiver.device("phone")
    turn_on(login("member"), phone)
    run_at(*D_MINUS_1)

    def die(delivery):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(webpush, "_mark_sent", die)  # the push service took it; the worker dies before the mark
        with pytest.raises(Killed):
            webpush.send_pending()
    delivery = PushDelivery.objects.get()
    assert delivery.status == PushDelivery.Status.SENDING and len(receiver.reaching(phone)) == 1

    # Another worker (or the beat's run) while the claim holds: nothing is sent.
    assert webpush.send_pending() == 0
    assert len(receiver.reaching(phone)) == 1

    # The claim's lease runs out (the dead worker will never mark it): sent again, under the same tag.
    PushDelivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - webpush.SENDING_LEASE - dt.timedelta(seconds=1)
    )
    assert webpush.send_pending() == 1
    first, second = shown(receiver, phone)
    assert (
        first == second
    )  # the same notification, same tag: the service worker replaces, the member sees one
    topics = {m.headers["topic"] for m in receiver.reaching(phone)}
    assert len(topics) == 1
    delivery.refresh_from_db()
    assert delivery.status == PushDelivery.Status.SENT and delivery.attempts == 2
    assert webpush.send_pending() == 0 and len(receiver.reaching(phone)) == 2


def test_a_worker_killed_before_sending_leaves_it_to_the_next_run_which_sends_it_once(
    world, regular, receiver, login, monkeypatch
):
    phone = receiver.device("phone")
    turn_on(login("member"), phone)
    run_at(*D_MINUS_1)

    def die(delivery, session):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(webpush, "_post", die)  # claimed, then the worker dies before posting
        with pytest.raises(Killed):
            webpush.send_pending()
    assert receiver.reaching(phone) == []
    PushDelivery.objects.update(claimed_at=timezone.now() - webpush.SENDING_LEASE - dt.timedelta(seconds=1))

    assert webpush.send_pending() == 1
    assert len(shown(receiver, phone)) == 1


@pytest.mark.parametrize("gone", [404, 410])
def test_a_subscription_the_push_service_calls_gone_is_removed(world, regular, receiver, login, gone):
    client = login("member")
    old_phone, new_phone = receiver.device("old-phone"), receiver.device("new-phone")
    turn_on(client, old_phone)
    turn_on(client, new_phone)
    receiver.answers["old-phone"] = gone  # the browser unsubscribed, the app was removed

    run_at(*D_MINUS_1)
    assert webpush.send_pending() == 1

    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [new_phone.endpoint]
    assert PushDelivery.objects.get().status == PushDelivery.Status.SENT
    assert len(shown(receiver, new_phone)) == 1
    page = page_text(client.get(reverse("notifications:settings")))
    assert page.count(vi("Remove")) == 1  # one device left in the member's list


def test_a_push_service_that_is_down_leaves_the_delivery_for_the_retry(world, regular, receiver, login):
    phone = receiver.device("phone")
    turn_on(login("member"), phone)
    receiver.answers["phone"] = 503
    run_at(*D_MINUS_1)

    with pytest.raises(
        webpush.PushServiceUnavailable
    ):  # the task retries with backoff (notifications/tasks.py)
        webpush.send_pending()
    assert PushDelivery.objects.get().status == PushDelivery.Status.PENDING

    del receiver.answers["phone"]
    assert tasks.send_pending_pushes.apply().get() == 1
    assert (
        len(receiver.reaching(phone)) == 2 and len(shown(receiver, phone)) == 2
    )  # the refused one, then this
    assert PushDelivery.objects.get().status == PushDelivery.Status.SENT


def test_a_member_who_turns_push_off_gets_no_push_and_still_the_list_and_email(
    world, regular, receiver, login
):
    client = login("member")
    phone = receiver.device("phone")
    turn_on(client, phone)

    response = client.post(reverse("notifications:settings"), {"email": "on"})  # push unticked
    assert response.status_code == 302
    run_at(*D_MINUS_1)
    webpush.send_pending()
    notify.send_pending()

    assert receiver.received == [] and not PushDelivery.objects.exists()
    assert Notification.objects.filter(recipient=world.member.user).exists()
    assert ["member@example.org"] in [m.to for m in mail.outbox]


def test_a_member_who_turns_email_off_gets_the_push_and_no_email(world, regular, receiver, login):
    client = login("member")
    phone = receiver.device("phone")
    turn_on(client, phone)
    client.post(reverse("notifications:settings"), {"push": "on"})  # email unticked

    run_at(*D_MINUS_1)
    notify.send_pending()
    webpush.send_pending()

    assert ["member@example.org"] not in [m.to for m in mail.outbox]
    assert len(mail.outbox) == 4  # the others' emails still go
    notification = Notification.objects.get(recipient=world.member.user)
    assert notification.email_status == Notification.Email.OFF
    assert len(shown(receiver, phone)) == 1
    page = page_text(client.get(reverse("notifications:notifications")))
    assert f"{vi('email')}: {vi('turned off')}" in page


def test_turning_push_off_drops_what_was_still_waiting(world, regular, receiver, login):
    client = login("member")
    turn_on(client, receiver.device("phone"))
    run_at(*D_MINUS_1)
    assert PushDelivery.objects.filter(status=PushDelivery.Status.PENDING).count() == 1

    client.post(reverse("notifications:settings"), {"email": "on"})
    assert webpush.send_pending() == 0 and receiver.received == []


def test_turning_a_device_off_forgets_it_and_only_it(world, regular, receiver, login):
    client = login("member")
    phone, laptop = receiver.device("phone"), receiver.device("laptop")
    turn_on(client, phone)
    turn_on(client, laptop)
    fellows_tablet = receiver.device("tablet")
    turn_on(client_of(world.fellow.user), fellows_tablet)

    # Someone else's endpoint is not the member's to turn off: nothing happens to it.
    answer = client.post(reverse("notifications:push_unsubscribe"), {"endpoint": fellows_tablet.endpoint})
    assert answer.json() == {"removed": 0}
    answer = client.post(reverse("notifications:push_unsubscribe"), {"endpoint": phone.endpoint})
    assert answer.json() == {"removed": 1}
    run_at(*D_MINUS_1)
    webpush.send_pending()

    assert receiver.reaching(phone) == []
    assert len(shown(receiver, laptop)) == 1 and len(shown(receiver, fellows_tablet)) == 1


def test_a_shared_phone_turned_on_by_another_member_becomes_theirs(world, regular, receiver, login):
    phone = receiver.device("phone")
    turn_on(login("member"), phone)
    turn_on(client_of(world.fellow.user), phone)

    run_at(*D_MINUS_1)
    webpush.send_pending()

    (payload,) = shown(receiver, phone)
    assert payload["title"] == Notification.objects.get(recipient=world.fellow.user).title
    assert PushSubscription.objects.get().user == world.fellow.user


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1:6379/",  # the server's own network: never posted to
        "https://push.example.com/abc",  # not a browser's push service
        "ftp://127.0.0.1/x",
        "",
    ],
)
def test_only_a_browsers_push_service_is_accepted(receiver, login, endpoint, settings):
    settings.PUSH_SERVICES = ["https://fcm.googleapis.com", "https://*.push.services.mozilla.com"]
    device = receiver.device("phone")
    response = login("member").post(
        reverse("notifications:push_subscribe"), {**device.subscription, "endpoint": endpoint}
    )
    assert response.status_code == 400
    assert response.json()["error"] == vi(
        "This browser's push subscription cannot be used. Reload the page and try again."
    )
    assert not PushSubscription.objects.exists()


def test_the_push_services_of_the_browsers_are_accepted(settings):
    settings.PUSH_SERVICES = [
        "https://fcm.googleapis.com",
        "https://*.push.services.mozilla.com",
        "https://*.push.apple.com",
    ]
    assert webpush.allowed_endpoint("https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91b")
    assert webpush.allowed_endpoint("https://updates.push.services.mozilla.com/wpush/v2/gAAAA")
    assert webpush.allowed_endpoint("https://web.push.apple.com/QGuQyavXutnMmDgr")
    assert not webpush.allowed_endpoint("https://fcm.googleapis.com.evil.example/x")
    assert not webpush.allowed_endpoint("https://evilpush.services.mozilla.com.example/x")
    assert not webpush.allowed_endpoint("http://fcm.googleapis.com/fcm/send/x")


def test_keys_that_are_not_a_p256_point_and_16_bytes_are_refused(receiver, login):
    device = receiver.device("phone")
    client = login("member")
    for bad in ({"p256dh": "AAAA"}, {"auth": "c2hvcnQ"}, {"p256dh": ""}):
        response = client.post(reverse("notifications:push_subscribe"), {**device.subscription, **bad})
        assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_without_vapid_keys_push_is_explained_and_nothing_breaks(world, regular, login, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    client = login("member")

    page = page_text(client.get(reverse("notifications:settings")))
    assert vi("Push notifications are not set up on this server.") in page
    assert 'id="push-toggle"' not in client.get(reverse("notifications:settings")).content.decode()
    response = client.post(
        reverse("notifications:push_subscribe"), {"endpoint": "https://fcm.googleapis.com/x"}
    )
    assert response.status_code == 400
    run_at(*D_MINUS_1)
    assert webpush.send_pending() == 0 and not PushDelivery.objects.exists()
    assert notify.send_pending() == 5


def test_the_settings_page_offers_this_device_and_keeps_the_choice(world, receiver, login, settings):
    client = login("member")
    html = client.get(reverse("notifications:settings")).content.decode()
    assert f'data-vapid-key="{settings.VAPID_PUBLIC_KEY}"' in html
    assert 'id="push-toggle"' in html

    client.post(reverse("notifications:settings"), {"push": "on"})
    page = client.get(reverse("notifications:settings"))
    form = page.context["form"]
    assert form["email"].value() is False and form["push"].value() is True
    assert vi("Your notification settings were saved.") in page_text(page)


def test_a_member_keeps_at_most_ten_devices_the_oldest_makes_way(receiver, login, world):
    client = login("member")
    devices = [receiver.device(f"phone-{i}") for i in range(webpush.MAX_DEVICES + 2)]
    for device in devices:
        turn_on(client, device)

    kept = set(PushSubscription.objects.filter(user=world.member.user).values_list("endpoint", flat=True))
    assert kept == {d.endpoint for d in devices[2:]}
