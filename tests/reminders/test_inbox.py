"""Every notification is in the user's list at /notifications/, with the unread count in the menu of every
page; opening one marks it read and goes where it points; "mark all as read"; nobody sees another's."""

import pytest
from django.urls import reverse

from notifications import notify, reminders
from notifications.models import Notification

from .conftest import at, page_text, vi

MENU = "{notifications} {n} {unread}"


def badge(n: int) -> str:
    return MENU.format(notifications=vi("Notifications"), n=n, unread=vi("unread"))


@pytest.fixture
def told(world, regular, clock):
    """The secretary is told to hold the committee session (D-3) and of the meeting (D-1); the member of the
    meeting (D-1); the emails go out a minute after each run."""
    for day in (2, 4):
        clock(at(2026, 12, day, 8, 5))
        reminders.run(now=at(2026, 12, day, 8, 5))
        clock(at(2026, 12, day, 8, 6))
        notify.send_pending()
    clock(at(2026, 12, 4, 10, 0))


def test_the_list_shows_each_notification_with_when_it_was_sent(login, told, regular):
    page = page_text(login("secretary").get(reverse("notifications:notifications")))

    reminder, session = Notification.objects.filter(recipient__username="secretary")  # newest first
    assert (reminder.kind, session.kind) == ("meeting_reminder", "committee_session")
    assert page.index(reminder.title) < page.index(session.title)
    assert f"08:05 04/12/2026 · {vi('email')}: {vi('sent')} 08:06 04/12/2026" in page
    assert f"08:05 02/12/2026 · {vi('email')}: {vi('sent')} 08:06 02/12/2026" in page


@pytest.mark.parametrize("url", ["home", "notifications", "calendar", "meeting", "profile"])
def test_the_unread_count_is_in_the_menu_of_every_page(login, told, world, regular, url):
    address = {
        "meeting": regular.get_absolute_url(),
        "profile": world.secretary.get_absolute_url(),
        "home": reverse("home"),
    }.get(url) or reverse(f"notifications:{url}")

    assert badge(2) in page_text(login("secretary").get(address, follow=True))
    assert badge(1) in page_text(login("member").get(address, follow=True))


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(login, told, regular):
    client = login("secretary")
    session = Notification.objects.get(recipient__username="secretary", kind="committee_session")

    response = client.get(reverse("notifications:notification", args=[session.pk]))

    assert response.status_code == 302
    assert response.url == regular.get_absolute_url()
    session.refresh_from_db()
    assert session.read_at == at(2026, 12, 4, 10, 0)
    assert badge(1) in page_text(client.get(reverse("notifications:notifications")))


def test_mark_all_read_clears_the_count_for_that_user_only(login, told):
    client = login("secretary")

    client.post(reverse("notifications:notifications_read"))

    page = page_text(client.get(reverse("notifications:notifications")))
    assert vi("unread") not in page
    assert not Notification.objects.filter(recipient__username="secretary", read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient__username="member", read_at__isnull=True).count() == 1


def test_a_user_sees_only_their_own(login, told):
    session = Notification.objects.get(recipient__username="secretary", kind="committee_session")
    client = login("member")

    page = page_text(client.get(reverse("notifications:notifications")))
    assert client.get(reverse("notifications:notification", args=[session.pk])).status_code == 404

    assert session.title not in page
    assert Notification.objects.get(pk=session.pk).read_at is None
    assert (
        page_text(login("outsider").get(reverse("notifications:notifications"))).count(
            vi("Nothing has been sent to you yet.")
        )
        == 1
    )
