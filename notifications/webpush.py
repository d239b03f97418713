"""Push notifications (Web Push with VAPID, RFC 8030/8291/8292) to the devices where a member turned them on.

Each notification that gets a row in the app's list also gets one `PushDelivery` per device of its recipient
(unique per notification and device; made in `notify.notify_many`, in the same transaction). The sending job
claims a delivery with a conditional UPDATE (pending → sending) before it posts to the push service, and marks
it sent afterwards, so two workers never both send it.

What a killed worker can do, honestly: a worker killed between the push service's answer and the "sent" mark
leaves the delivery claimed; after SENDING_LEASE it is pending again and is sent a second time. The message is
the same (same notification id), and it goes with the same `Topic` header (the push service keeps only the
latest undelivered message of a topic) and the same `tag` (the service worker's showNotification replaces a
notification of that tag): the device shows one notification, perhaps refreshed, never two. Delivery is at
least once per device; what the member sees is once.

A push service answering 404 or 410 says the subscription is gone (the browser unsubscribed, the app was
removed): the subscription is deleted with its deliveries. Throttling (429), the service's own errors (5xx)
and connection errors leave the delivery pending for the next run, up to MAX_ATTEMPTS.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
from collections import defaultdict
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from pywebpush import WebPushException, webpush

from . import signals
from .models import Channels, Notification, PushDelivery, PushSubscription

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SENDING_LEASE = dt.timedelta(minutes=5)  # far above a send's timeout: a live worker never loses its claim
TIMEOUT = 10  # seconds per push service request
TTL = 24 * 3600  # how long a push service keeps a message for a phone that is off
BODY_CHARS = 600  # the encrypted payload must stay under 4 KB; Vietnamese letters take 2–3 bytes
GONE = (404, 410)
MAX_DEVICES = 10  # per user: a new one beyond them replaces the one turned on longest ago


class PushServiceUnavailable(Exception):
    """Some deliveries met a push service that was down, throttling or unreachable: the task retries later."""


class BadSubscription(ValueError):
    """What a browser sent is not a subscription this server may post to."""


def configured() -> bool:
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def allowed_endpoint(endpoint: str) -> bool:
    """Only the push services of the browsers (settings.PUSH_SERVICES, "https://*.push.apple.com"): the job
    posts to this address, and a member must not make the server post to anything else (its own network)."""
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
    except ValueError:
        return False
    for allowed in settings.PUSH_SERVICES:
        scheme, _sep, pattern = allowed.partition("://")
        if parts.scheme != scheme:
            continue
        if pattern.startswith("*.") and host.endswith(pattern[1:]) or host == pattern:
            return True
    return False


def check(endpoint: str, p256dh: str, auth: str) -> None:
    """Raises BadSubscription unless the three parts make a subscription the job can encrypt for."""
    if not endpoint or len(endpoint) > 1000 or not allowed_endpoint(endpoint):
        raise BadSubscription("endpoint")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64decode(p256dh))
        secret = _b64decode(auth)
    except (ValueError, TypeError) as error:
        raise BadSubscription("keys") from error
    if len(secret) != 16 or len(p256dh) > 120:
        raise BadSubscription("keys")


BROWSERS = [
    ("SamsungBrowser", "Samsung Internet"),
    ("Edg/", "Edge"),
    ("CriOS", "Chrome"),
    ("FxiOS", "Firefox"),
    ("Firefox", "Firefox"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
]
SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def device_label(user_agent: str) -> str:
    """ "Chrome · Android": enough for a member to tell their phone from their office computer."""
    browser = next((name for token, name in BROWSERS if token in user_agent), "")
    system = next((name for token, name in SYSTEMS if token in user_agent), "")
    return " · ".join(p for p in (browser, system) if p)[:120]


def subscribe(user, *, endpoint: str, p256dh: str, auth: str, user_agent: str = "") -> PushSubscription:
    """The browser's subscription, for this user from now on. A browser that was another user's (a shared
    phone) is theirs no more: what was still waiting for them there is dropped. Turning push on for a device
    turns the push channel on (a member who just allowed notifications expects them)."""
    check(endpoint, p256dh, auth)
    Channels.objects.filter(user=user, push=False).update(push=True)
    previous = PushSubscription.objects.filter(endpoint=endpoint).exclude(user=user).first()
    if previous is not None:
        previous.deliveries.exclude(status=PushDelivery.Status.SENT).delete()
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "label": device_label(user_agent)},
    )
    kept = PushSubscription.objects.filter(user=user).order_by("-created_at", "-pk")[:MAX_DEVICES]
    PushSubscription.objects.filter(user=user).exclude(
        pk__in=list(kept.values_list("pk", flat=True))
    ).delete()
    return subscription


def deliveries_for(keys: list[str]) -> int:
    """A pending delivery for each device of each recipient of these notifications who takes push."""
    if not configured() or not keys:
        return 0
    notes = list(Notification.objects.filter(key__in=keys).values_list("pk", "recipient_id"))
    devices = defaultdict(list)
    off = Channels.objects.filter(push=False).values("user_id")
    for pk, user_id in (
        PushSubscription.objects.filter(user_id__in={r for _n, r in notes})
        .exclude(user_id__in=off)
        .values_list("pk", "user_id")
    ):
        devices[user_id].append(pk)
    rows = [
        PushDelivery(notification_id=n, subscription_id=s) for n, user_id in notes for s in devices[user_id]
    ]
    if rows:
        PushDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        signals.pushes_waiting.send(sender=Notification)
    return len(rows)


def payload(notification: Notification) -> dict:
    """What the service worker shows: the tag is the notification's, so a second copy replaces the first."""
    body = notification.body
    if len(body) > BODY_CHARS:
        body = body[: BODY_CHARS - 1] + "…"
    return {
        "title": notification.title,
        "body": body,
        "tag": f"notification-{notification.pk}",
        "url": f"/notifications/{notification.pk}/",  # marks it read, then opens what it is about
    }


def _post(delivery: PushDelivery, session: requests.Session) -> None:
    subscription = delivery.subscription
    webpush(
        subscription_info={
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        },
        data=json.dumps(payload(delivery.notification), ensure_ascii=False),
        vapid_private_key=settings.VAPID_PRIVATE_KEY,
        vapid_claims={"sub": settings.VAPID_SUBJECT},  # a new dict each time: pywebpush adds aud and exp
        ttl=TTL,
        timeout=TIMEOUT,
        headers={"Topic": f"n{delivery.notification_id}", "Urgency": "normal"},
        requests_session=session,
    )


def _mark_sent(delivery: PushDelivery) -> None:
    now = timezone.now()
    PushDelivery.objects.filter(pk=delivery.pk).update(status=PushDelivery.Status.SENT, sent_at=now, error="")
    PushSubscription.objects.filter(pk=delivery.subscription_id).update(last_success_at=now)


def send_pending(limit: int = 500) -> int:
    """Sends the pending deliveries, each claimed first; returns how many the push services accepted.
    Raises PushServiceUnavailable at the end if some must wait for a service that was down."""
    if not configured():
        return 0
    PushDelivery.objects.filter(
        status=PushDelivery.Status.SENDING, claimed_at__lt=timezone.now() - SENDING_LEASE
    ).update(status=PushDelivery.Status.PENDING)
    ids = list(
        PushDelivery.objects.filter(status=PushDelivery.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent, later = 0, 0
    with requests.Session() as session:
        for pk in ids:
            claimed = PushDelivery.objects.filter(pk=pk, status=PushDelivery.Status.PENDING).update(
                status=PushDelivery.Status.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
            )
            if not claimed:
                continue  # another worker has it
            delivery = (
                PushDelivery.objects.select_related("notification", "subscription").filter(pk=pk).first()
            )
            if delivery is None:
                continue  # the device was removed meanwhile
            try:
                _post(delivery, session)
            except WebPushException as error:
                status = error.status_code
                if status in GONE:
                    log.info("push subscription %s is gone (%s): removed", delivery.subscription_id, status)
                    delivery.subscription.delete()
                    continue
                later += _failed(
                    delivery,
                    f"{status}: {error.message}",
                    retry=status in (None, 429) or (status is not None and status >= 500),
                )
                continue
            except (requests.RequestException, OSError) as error:
                later += _failed(delivery, str(error), retry=True)
                continue
            _mark_sent(delivery)
            sent += 1
    if later:
        raise PushServiceUnavailable(f"{later} push deliveries wait for their push service")
    return sent


def _failed(delivery: PushDelivery, error: str, *, retry: bool) -> int:
    """Back to pending for the next run (1) or failed for good (0): refused, or tried MAX_ATTEMPTS times."""
    again = retry and delivery.attempts < MAX_ATTEMPTS
    PushDelivery.objects.filter(pk=delivery.pk).update(
        status=PushDelivery.Status.PENDING if again else PushDelivery.Status.FAILED, error=error[:300]
    )
    log.warning("push delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error[:200])
    return int(again)


def drop_pending(user) -> int:
    """The user turned push off: nothing still waiting is sent to their devices."""
    deleted, _by_model = PushDelivery.objects.filter(
        subscription__user=user, status=PushDelivery.Status.PENDING
    ).delete()
    return deleted


def unsubscribe(subscriptions, endpoint: str = "") -> int:
    """Forgets devices among `subscriptions` (the user's own, from access), all of them or the one of an
    endpoint; their deliveries go with them."""
    if endpoint:
        subscriptions = subscriptions.filter(endpoint=endpoint)
    deleted, _by_model = subscriptions.delete()
    return deleted
