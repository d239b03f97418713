"""A real worker killed (SIGKILL) in the middle of sending push notifications, while the push service holds the
message it has just taken: the next worker sends the rest once each, leaves the one in flight alone while its
claim holds, and after the claim lapses sends it again under the same tag — the one repeat no sender can rule
out (the push service had it; the dead worker could not record that), which the phone shows once because the
second copy replaces the first (tests/browser/test_push.py). Needs PostgreSQL and Redis, like
tests/reminders/test_worker_kill.py.
"""

import datetime as dt
import os
import time
import uuid
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from notifications import tasks, webpush
from notifications.models import Notification, PushDelivery, PushSubscription

from ..conftest import require_service
from ..push_receiver import PushReceiver
from ..worker import Workers, new_prefix, own_queues, wait_for, worker_env
from .test_push import SUBJECT, _vapid_pair

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DEVICES = 30
HELD = 10  # the push service holds its answer to the 10th message: the worker is killed waiting for it


def test_a_worker_killed_mid_send_sends_nothing_twice_but_the_message_in_flight_under_its_tag(
    on_postgres, tmp_path
):
    require_service(on_postgres, "PostgreSQL")
    require_service(bool(os.environ.get("REDIS_URL")), "Redis")
    public, private = _vapid_pair()
    receiver = PushReceiver()
    receiver.hold_at = HELD
    User = get_user_model()
    tag = uuid.uuid4().hex[:8]
    User.objects.bulk_create(User(username=f"push-{tag}-{i}") for i in range(DEVICES))
    users = list(User.objects.filter(username__startswith=f"push-{tag}-").order_by("pk"))
    devices = {}
    for i, user in enumerate(users):
        device = receiver.device(f"d{i}")
        subscription = PushSubscription.objects.create(
            user=user, endpoint=device.endpoint, p256dh=device.p256dh, auth=device.subscription["auth"]
        )
        note = Notification.objects.create(
            key=f"test:{tag}:{i}",
            kind="test",
            recipient=user,
            title=f"Thông báo {i}",
            body="Nội dung",
            url="/",
        )
        PushDelivery.objects.create(notification=note, subscription=subscription)
        devices[device.name] = (device, note)

    prefix = new_prefix("push-kill")
    env = worker_env(
        prefix,
        tmp_path,
        CELERY_VISIBILITY_TIMEOUT="5",
        SECRET_KEY="push-kill-test",
        VAPID_PUBLIC_KEY=public,
        VAPID_PRIVATE_KEY=private,
        VAPID_SUBJECT=SUBJECT,
        PUSH_SERVICES="http://127.0.0.1",
    )
    sending = own_queues(prefix)  # the test sends to the workers' queues; removed at the end
    sending.__enter__()
    workers = Workers(env, tmp_path)

    def statuses():
        return Counter(PushDelivery.objects.values_list("status", flat=True))

    try:
        first = workers.start("first")
        tasks.send_pending_pushes.apply_async()
        wait_for(receiver.holding.is_set, "the first worker to be waiting on the push service", workers)
        first.kill()
        killed_at = time.monotonic()
        receiver.release.set()
        assert statuses() == {"sent": HELD - 1, "sending": 1, "pending": DEVICES - HELD}, first.output()
        in_flight = PushDelivery.objects.get(status="sending")

        # Redis hands the unacknowledged task to the next worker, and the beat's tick comes too: the rest
        # are sent, the claimed one is not.
        time.sleep(max(0.0, killed_at + 6 - time.monotonic()))
        workers.start("second")
        tasks.send_pending_pushes.apply_async()
        wait_for(lambda: statuses()["sent"] == DEVICES - 1, "the second worker to send the rest", workers)
        assert statuses()["sending"] == 1
        assert max(Counter(r.device for r in receiver.received).values()) == 1

        # The dead worker's claim lapses (made to, rather than waited for): the beat's next run sends it.
        PushDelivery.objects.filter(pk=in_flight.pk).update(
            claimed_at=timezone.now() - webpush.SENDING_LEASE - dt.timedelta(seconds=1)
        )
        tasks.send_pending_pushes.apply_async()
        wait_for(lambda: statuses()["sent"] == DEVICES, "the claim to be sent again", workers)
    finally:
        workers.stop()
        receiver.stop()
        sending.__exit__(None, None, None)

    logs = workers.logs(3000)
    held_device = PushSubscription.objects.get(pk=in_flight.subscription_id).endpoint.rsplit("/", 1)[-1]
    for name, (device, note) in devices.items():
        payloads = [m["payload"] for m in receiver.messages(device, vapid_public_key=public, subject=SUBJECT)]
        # Each device got its own notification; only the one in flight came twice, identical, same tag.
        assert len(payloads) == (2 if name == held_device else 1), logs
        assert {p["tag"] for p in payloads} == {f"notification-{note.pk}"}, logs
        assert all(p == payloads[0] for p in payloads)
