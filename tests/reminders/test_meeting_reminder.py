"""Members with a login are reminded the day before the meeting: when, where, and the link to the agenda."""

import datetime as dt

from meetings.models import Meeting
from notifications.models import Notification

from ..factories import MemberFactory, UserFactory
from .conftest import SITE, run_at, usernames, vi


def test_members_with_a_login_are_reminded_the_day_before_once(world, regular):
    MemberFactory(
        full_name="Ông Đã Chuyển",
        cell=world.cell,
        user=UserFactory(username="gone"),
        left_on=dt.date(2026, 6, 1),
    )

    run_at(2026, 12, 3, 8, 5)  # D-2
    assert usernames("meeting_reminder") == []

    run_at(2026, 12, 4, 8, 5)  # D-1
    run_at(2026, 12, 4, 9, 5)
    run_at(2026, 12, 5, 8, 5)  # the day itself: already told

    # The cell's members with a login; not the one without a login, not one who left, not other cells.
    assert usernames("meeting_reminder") == ["fellow", "member", "secretary"]


def test_the_reminder_gives_the_time_the_place_and_the_agenda_link(world, regular):
    run_at(2026, 12, 4, 8, 5)

    notification = Notification.objects.get(kind="meeting_reminder", recipient__username="member")
    with_title = vi(
        "Reminder: %(title)s, %(when)s",
        title=vi("Regular meeting %(month)s", month="12/2026"),
        when="14:00 05/12/2026",
    )
    assert notification.title == with_title
    when = f"14:00, {vi('Saturday')} 05/12/2026"
    assert (
        vi(
            "%(cell)s meets at %(when)s, at %(place)s.",
            cell="Chi bộ A1",
            when=when,
            place="Hội trường tầng 2",
        )
        in notification.body
    )
    assert f"{vi('Agenda and documents:')} {SITE}/meetings/{regular.pk}/" in notification.body


def test_a_cancelled_meeting_is_not_announced(world, regular):
    Meeting.objects.filter(pk=regular.pk).update(status=Meeting.Status.CANCELLED)

    run_at(2026, 12, 4, 8, 5)

    assert usernames("meeting_reminder") == []
