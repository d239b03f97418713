"""Exactly once: the reminder job and the email sender can run again, or twice at the same moment, and nobody
is told twice; a mail server failure is recorded and retried, and never fails a web request."""

import smtplib
import threading
from collections import Counter

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.urls import reverse

from meetings.models import Meeting
from notifications import notify, reminders, tasks
from notifications.models import Notification

from ..conftest import require_service
from .conftest import at, many_cells, page_text, run_at, vi


def who_was_told() -> list[tuple[str, int, str, str]]:
    return sorted(Notification.objects.values_list("kind", "meeting_id", "recipient__username", "key"))


def at_once(function, times: int = 2) -> list:
    """Runs `function` in `times` threads released together; returns their results (or raises the first error)."""
    barrier, results, errors = threading.Barrier(times), [], []

    def worker():
        try:
            barrier.wait()
            results.append(function())
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(results) == times
    return results


def smtp_down(self, fail_silently=False):
    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_running_the_job_again_creates_nothing_new(world, regular):
    first = run_at(2026, 12, 4, 8, 5)
    told = who_was_told()

    assert first == len(told) == 5
    assert run_at(2026, 12, 4, 8, 5) == 0
    assert run_at(2026, 12, 4, 9, 5) == 0
    assert who_was_told() == told


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_create_each_notification_once(world, regular, on_postgres):
    require_service(on_postgres, "PostgreSQL")
    many_cells(world.branch_b, 40, meeting_at=at(2026, 12, 5, 14, 0), officer=world.officer)

    for hour in (8, 9):
        at_once(lambda hour=hour: reminders.run(now=at(2026, 12, 4, hour, 5)))

    told = who_was_told()
    # Each new cell: its secretary (committee session, meeting) and the officer (escalation); Chi bộ A1: five.
    assert len(told) == 40 * 3 + 5
    assert Counter((kind, meeting, user) for kind, meeting, user, _ in told).most_common(1)[0][1] == 1


def test_sending_again_sends_nothing_twice(world, regular):
    run_at(2026, 12, 4, 8, 5)

    assert notify.send_pending() == 5
    assert notify.send_pending() == 0
    assert sorted(m.extra_headers["X-Chibo-Key"] for m in mail.outbox) == sorted(
        Notification.objects.values_list("key", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_the_same_moment_send_each_email_once(world, regular, on_postgres, monkeypatch):
    require_service(on_postgres, "PostgreSQL")
    many_cells(world.branch_b, 40, meeting_at=at(2026, 12, 5, 14, 0), officer=world.officer)
    monkeypatch.setattr(
        tasks.send_pending_emails, "delay", lambda: None
    )  # the two senders below do the sending
    reminders.run(now=at(2026, 12, 4, 8, 5))

    sent = at_once(notify.send_pending)

    keys = Counter(m.extra_headers["X-Chibo-Key"] for m in mail.outbox)
    assert sum(sent) == len(keys) == Notification.objects.count() == 40 * 3 + 5
    assert keys.most_common(1)[0][1] == 1
    assert set(Notification.objects.values_list("email_status", "email_attempts")) == {("sent", 1)}


def test_a_mail_server_failure_is_recorded_and_the_next_run_sends_the_email(world, regular, monkeypatch):
    run_at(2026, 12, 4, 8, 5)
    first = Notification.objects.order_by("pk").first()
    real_send, calls = EmailMultiAlternatives.send, []

    def fails_once(self, fail_silently=False):
        calls.append(self)
        if len(calls) == 1:
            smtp_down(self)
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", fails_once)

    with pytest.raises(smtplib.SMTPServerDisconnected):  # so that the task retries with backoff
        notify.send_pending()
    first.refresh_from_db()
    assert (first.email_status, first.email_attempts) == (Notification.Email.PENDING, 1)
    assert first.email_error == "Connection unexpectedly closed"
    assert mail.outbox == []

    assert notify.send_pending() == 5

    first.refresh_from_db()
    assert (first.email_status, first.email_attempts, first.email_error) == (Notification.Email.SENT, 2, "")
    assert Counter(m.extra_headers["X-Chibo-Key"] for m in mail.outbox) == Counter(
        Notification.objects.values_list("key", flat=True)
    )


def test_a_refused_address_does_not_hold_back_the_emails_behind_it(world, regular, monkeypatch):
    run_at(2026, 12, 4, 8, 5)
    first = Notification.objects.order_by("pk").first()
    real_send = EmailMultiAlternatives.send

    def refuses_the_first(self, fail_silently=False):
        if self.extra_headers["X-Chibo-Key"] == first.key:
            raise smtplib.SMTPRecipientsRefused({self.to[0]: (550, b"No such user")})
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuses_the_first)

    assert notify.send_pending() == Notification.objects.count() - 1

    first.refresh_from_db()
    assert (first.email_status, first.email_attempts) == (Notification.Email.PENDING, 1)
    assert first.key not in {m.extra_headers["X-Chibo-Key"] for m in mail.outbox}


def test_after_five_failures_the_email_is_marked_failed(login, world, regular, monkeypatch):
    regular.published_at = at(2026, 12, 1, 9, 0)
    reminders.published(regular)  # the member and three others are told; theirs have gone out
    Notification.objects.exclude(recipient=world.member.user).update(email_status=Notification.Email.SENT)
    monkeypatch.setattr(EmailMultiAlternatives, "send", smtp_down)
    notification = Notification.objects.get(recipient=world.member.user)

    for attempt in range(1, 6):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            notify.send_pending()
        notification.refresh_from_db()
        assert notification.email_attempts == attempt
    assert notification.email_status == Notification.Email.FAILED

    assert notify.send_pending() == 0  # given up: not tried again
    notification.refresh_from_db()
    assert notification.email_attempts == 5
    assert f"{vi('email')}: {vi('failed')}" in page_text(
        login("member").get(reverse("notifications:notifications"))
    )


def test_a_failing_mail_server_never_fails_publishing(
    login, regular, clock, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(EmailMultiAlternatives, "send", smtp_down)
    queued = []
    monkeypatch.setattr(tasks.send_pending_emails, "delay", lambda: queued.append("send_pending_emails"))
    clock(at(2026, 12, 1, 9, 0))

    with django_capture_on_commit_callbacks() as after_commit:
        response = login("secretary").post(reverse("meetings:publish", args=[regular.pk]), follow=True)
        assert queued == []  # no email is sent, or even queued, inside the request's transaction

    assert response.status_code == 200
    assert vi("The agenda was published to the cell's members and the superior officer.") in page_text(
        response
    )
    assert Meeting.objects.get(pk=regular.pk).status == Meeting.Status.PREPARED
    for callback in after_commit:
        callback()
    assert queued == ["send_pending_emails"]

    with pytest.raises(
        smtplib.SMTPServerDisconnected
    ):  # the worker's task, not the request, meets the failure
        notify.send_pending()
    assert Meeting.objects.get(pk=regular.pk).status == Meeting.Status.PREPARED
    assert Notification.objects.filter(kind="published").count() == 4
    assert Notification.objects.filter(email_error="Connection unexpectedly closed").count() == 1
