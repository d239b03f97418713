"""Every notification is also sent by email: a Vietnamese subject, a plain-text and an HTML body, the link.
A user without an email address still has the notification in the app."""

import html

from django.core import mail
from django.urls import reverse

from meetings.models import Meeting
from notifications import notify, tasks
from notifications.models import Notification

from .conftest import SITE, at, meeting_of, page_text, run_at, vi


def test_each_notification_is_emailed_in_vietnamese_with_a_text_and_an_html_body(world, regular):
    run_at(2026, 12, 4, 8, 5)

    assert notify.send_pending() == Notification.objects.count() == 5
    assert sorted(m.to[0] for m in mail.outbox) == [
        "fellow@example.org",
        "member@example.org",
        "officer@example.org",
        "secretary@example.org",
        "secretary@example.org",
    ]
    emails = {tuple(m.to): m for m in mail.outbox}
    email = emails[("member@example.org",)]
    link = f"{SITE}/meetings/{regular.pk}/"
    title = vi(
        "Reminder: %(title)s, %(when)s",
        title=vi("Regular meeting %(month)s", month="12/2026"),
        when="14:00 05/12/2026",
    )
    assert email.subject == title
    assert link in email.body
    assert vi("Agenda and documents:") in email.body
    ((html_body, mimetype),) = email.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html_body
    assert vi("Open in the application") in html_body
    notification = Notification.objects.get(recipient__username="member")
    assert email.extra_headers["X-Chibo-Key"] == notification.key
    assert notification.email_status == Notification.Email.SENT


def test_a_user_without_an_email_address_gets_the_notification_in_the_app_only(login, world, regular):
    world.member.user.email = ""
    world.member.user.save(update_fields=["email"])
    run_at(2026, 12, 4, 8, 5)

    notify.send_pending()

    assert "member" not in " ".join(m.to[0] for m in mail.outbox)
    notification = Notification.objects.get(recipient__username="member")
    assert notification.email_status == Notification.Email.NONE
    page = page_text(login("member").get(reverse("notifications:notifications")))
    assert notification.title in page
    assert f"{vi('email')}: {vi('no email address')}" in page


def test_the_address_on_the_member_record_is_used_when_the_login_has_none(world, regular):
    world.member.user.email = ""
    world.member.user.save(update_fields=["email"])
    world.member.email = "nam.nguyen@example.org"
    world.member.save(update_fields=["email"])
    run_at(2026, 12, 4, 8, 5)

    notify.send_pending()

    assert [m.to for m in mail.outbox if m.to == ["nam.nguyen@example.org"]] == [["nam.nguyen@example.org"]]


def test_names_and_places_read_as_typed_in_the_email_and_in_the_app(login, world):
    topic = 'Chuyên đề "Dân vận khéo" năm 2026'
    place = "Phòng Tổ chức & Hành chính"
    meeting_of(world.cell, at(2026, 12, 5, 14, 0), kind=Meeting.Kind.THEMATIC, topic=topic, place=place)
    run_at(2026, 12, 4, 8, 5)

    notify.send_pending()

    email = next(m for m in mail.outbox if m.to == ["member@example.org"])
    assert topic in email.subject
    assert f"{place}." in email.body
    html_body = email.alternatives[0][0]
    assert html.unescape(html_body).count(topic) == 1
    assert f"{place}." in html.unescape(html_body)
    page = page_text(login("member").get(reverse("notifications:notifications")))
    assert topic in page
    assert f"{place}." in page


def test_the_beat_task_creates_the_reminders_and_the_emails_go_out_after_commit(
    world, regular, clock, django_capture_on_commit_callbacks
):
    clock(at(2026, 12, 4, 8, 5))

    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_reminders.delay()
        assert mail.outbox == []  # nothing is sent before the reminders are committed

    assert len(mail.outbox) == Notification.objects.count() == 5
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Notification.Email.SENT}
