"""The meeting secretary (clerk) and the chair are chased when the minutes are not adopted two days after."""

from meetings.models import Meeting
from notifications.models import Notification

from .conftest import SITE, at, meeting_of, run_at, usernames, vi, vi_n


def closed(world, **fields):
    return meeting_of(world.cell, at(2026, 12, 5, 14, 0), status=Meeting.Status.CLOSED, **fields)


def test_clerk_and_chair_are_chased_at_d2_not_before(world):
    meeting = closed(world, clerk=world.fellow, chair=world.secretary)

    run_at(2026, 12, 5, 20, 5)
    run_at(2026, 12, 6, 8, 5)  # D+1
    assert usernames("minutes_chase") == []

    run_at(2026, 12, 7, 8, 5)  # D+2
    run_at(2026, 12, 8, 8, 5)
    run_at(2026, 12, 20, 8, 5)
    assert usernames("minutes_chase") == ["fellow", "secretary"]

    chase = Notification.objects.get(kind="minutes_chase", recipient__username="fellow")
    assert chase.title == vi(
        "Minutes not yet adopted: %(title)s", title=vi("Regular meeting %(month)s", month="12/2026")
    )
    assert (
        vi_n(
            "The minutes of the meeting of %(cell)s on %(date)s are not yet adopted and reported, %(counter)s day later.",
            "The minutes of the meeting of %(cell)s on %(date)s are not yet adopted and reported, %(counter)s days later.",
            2,
            cell="Chi bộ A1",
            date="05/12/2026",
        )
        in chase.body
    )
    assert chase.url == f"/meetings/{meeting.pk}/minutes/"
    assert f"{SITE}/meetings/{meeting.pk}/minutes/" in chase.body


def test_adopted_minutes_are_not_chased(world):
    meeting = closed(world, clerk=world.fellow, chair=world.secretary)
    run_at(2026, 12, 6, 8, 5)
    meeting.apply("adopt_minutes", by=world.secretary.user)

    run_at(2026, 12, 7, 8, 5)
    run_at(2026, 12, 9, 8, 5)

    assert usernames("minutes_chase") == []


def test_without_a_clerk_or_chair_with_a_login_the_committee_is_chased(world):
    closed(world, clerk=world.target, chair=None)

    run_at(2026, 12, 7, 8, 5)

    assert usernames("minutes_chase") == ["secretary"]
