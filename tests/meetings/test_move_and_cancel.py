"""Moving or cancelling a meeting needs a reason, which the meeting's journal keeps."""

from django.urls import reverse

from meetings.models import Meeting

from ..clock import at
from ..factories import thematic_meeting
from .pages import text, vi

REASON = "Trùng lịch kiểm định chương trình đào tạo"


def move(client, meeting, **extra):
    data = {"date": "08/12/2026", "time": "14:00", "place": "Hội trường A", "reason": REASON} | extra
    return client.post(reverse("meetings:move", args=[meeting.pk]), data)


def shared_thematic(world, regular):
    return thematic_meeting(
        world.cell,
        topic="Văn hóa ứng xử trên mạng xã hội",
        scheduled_at=at(2026, 12, 5, 15, 40),
        place=regular.place,
        shares_session_with=regular,
    )


def test_moving_records_the_old_date_and_the_reason(login, regular):
    client = login("secretary")
    response = move(client, regular)

    assert response.status_code == 302
    regular.refresh_from_db()
    assert (regular.scheduled_at, regular.place) == (at(2026, 12, 8, 14, 0), "Hội trường A")
    event = regular.events.get(action="move")
    assert event.note == vi("From %(old)s: %(reason)s", old="14:00 05/12/2026", reason=REASON)
    assert event.by.username == "secretary"
    page = text(client.get(regular.get_absolute_url()))
    assert REASON in page
    assert vi("The meeting was moved.") in page


def test_moving_without_a_reason_changes_nothing(login, regular):
    client = login("secretary")
    response = move(client, regular, reason="")
    assert response.status_code == 422  # refused: the form again, with what was typed
    assert vi("This field is required.") in text(response)
    regular.refresh_from_db()
    assert regular.scheduled_at == at(2026, 12, 5, 14, 0)
    assert not regular.events.filter(action="move").exists()


def test_a_thematic_meeting_in_the_same_session_moves_with_the_regular_one(login, world, regular):
    thematic = shared_thematic(world, regular)

    move(login("secretary"), regular)

    thematic.refresh_from_db()
    # Still right after the regular meeting (it started 1 h 40 min after it), on the new day and place.
    assert (thematic.scheduled_at, thematic.place) == (at(2026, 12, 8, 15, 40), "Hội trường A")
    assert REASON in thematic.events.get(action="move").note


def test_a_thematic_meeting_of_another_session_stays(login, world, regular):
    alone = thematic_meeting(
        world.cell,
        topic="Xây dựng chi bộ bốn tốt",
        scheduled_at=at(2026, 12, 19, 8, 0),
    )
    move(login("secretary"), regular)
    alone.refresh_from_db()
    assert alone.scheduled_at == at(2026, 12, 19, 8, 0)


def test_cancelling_keeps_the_reason_and_shows_it(login, regular):
    client = login("secretary")
    response = client.post(reverse("meetings:cancel", args=[regular.pk]), {"reason": REASON})

    assert response.status_code == 302
    regular.refresh_from_db()
    assert (regular.status, regular.cancel_reason) == (Meeting.Status.CANCELLED, REASON)
    assert regular.events.get(action="cancel").note == REASON
    page = text(client.get(regular.get_absolute_url()))
    assert f"{vi('Cancelled')}: {REASON}" in page


def test_a_cancelled_meeting_cannot_be_cancelled_or_moved_again(login, regular):
    client = login("secretary")
    client.post(reverse("meetings:cancel", args=[regular.pk]), {"reason": REASON})

    again = client.post(reverse("meetings:cancel", args=[regular.pk]), {"reason": "Lần nữa"})
    moved = move(client, regular)

    assert vi("Only a meeting that has not started can be cancelled.") in text(again)
    assert vi("Only a meeting that has not started can be moved.") in text(moved)
    regular.refresh_from_db()
    assert (regular.cancel_reason, regular.scheduled_at) == (REASON, at(2026, 12, 5, 14, 0))
    assert [e.action for e in regular.events.all()] == ["plan", "cancel"]
