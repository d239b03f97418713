"""Every action of the meeting's state machine is refused from a wrong state, in Vietnamese, and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from meetings.models import Meeting
from meetings.services import publish_meeting

from .pages import HTMX, text, vi

REFUSED = [
    (action, status)
    for action, (allowed, _target) in Meeting.TRANSITIONS.items()
    for status in Meeting.Status.values
    if status not in allowed
]
ALLOWED = [
    (action, status, target or status)
    for action, (allowed, target) in Meeting.TRANSITIONS.items()
    for status in allowed
]


def in_state(meeting, status):
    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    meeting.refresh_from_db()
    return meeting


def test_every_action_has_a_vietnamese_refusal():
    assert set(Meeting.REFUSALS) == set(Meeting.TRANSITIONS)
    for action, message in Meeting.REFUSALS.items():
        with translation.override("en"):
            english = str(message)
        assert vi(english) != english, action


@pytest.mark.parametrize(("action", "status"), REFUSED)
def test_an_action_from_a_wrong_state_is_refused(regular, action, status):
    meeting = in_state(regular, status)
    events = meeting.events.count()

    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        meeting.apply(action, by=None, note="thử")

    with translation.override("en"):
        english = str(Meeting.REFUSALS[action])
    assert refused.value.messages == [vi(english)]
    meeting.refresh_from_db()
    assert meeting.status == status
    assert meeting.events.count() == events
    with pytest.raises(ValidationError):
        meeting.check_allows(action)


@pytest.mark.parametrize(("action", "status", "target"), ALLOWED)
def test_an_action_from_a_right_state_moves_on_and_is_journaled(regular, action, status, target):
    meeting = in_state(regular, status)

    event = meeting.apply(action, by=None, note="lý do")

    meeting.refresh_from_db()
    assert meeting.status == target
    assert (event.action, event.note) == (action, "lý do")


def test_publishing_twice_changes_nothing_the_second_time(login, regular):
    client = login("secretary")
    url = reverse("meetings:publish", args=[regular.pk])
    assert client.post(url).status_code == 302
    regular.refresh_from_db()
    published_at = regular.published_at

    response = client.post(url, follow=True)

    assert vi("Only a planned meeting can be published.") in text(response)
    regular.refresh_from_db()
    assert (regular.status, regular.published_at) == (Meeting.Status.PREPARED, published_at)
    assert [e.action for e in regular.events.all()] == ["plan", "publish"]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_published_agenda_cannot_be_edited(login, regular, headers):
    client = login("secretary")
    publish_meeting(meeting=regular, by=None)
    first, second = regular.agenda_items.order_by("position")[:2]
    before = list(regular.agenda_items.values_list("pk", "position", "title"))

    edit = client.post(
        reverse("meetings:item_edit", args=[first.pk]),
        {
            f"item{first.pk}-title": "Đã sửa",
            f"item{first.pk}-planned_minutes": 5,
            f"item{first.pk}-category": "party",
        },
        **headers,
    )
    add = client.post(
        reverse("meetings:item_add", args=[regular.pk]),
        {"new-title": "Mục mới", "new-planned_minutes": 5, "new-category": "party"},
        **headers,
    )
    delete = client.post(reverse("meetings:item_delete", args=[second.pk]), **headers)
    move = client.post(reverse("meetings:item_move", args=[second.pk, "up"]), **headers)

    for response in (edit, add, delete, move):
        if headers:
            # htmx is told to load the whole meeting page, not to swap that page into the agenda box.
            assert (response.status_code, response["HX-Redirect"]) == (200, regular.get_absolute_url())
        else:
            assert (response.status_code, response.url) == (302, regular.get_absolute_url())
    assert list(regular.agenda_items.values_list("pk", "position", "title")) == before
    page = text(client.get(regular.get_absolute_url()))
    assert vi("The agenda can only be changed before it is published; reopen it first.") in page


def test_reopening_needs_a_reason_and_journals_it(login, regular):
    client = login("secretary")
    publish_meeting(meeting=regular, by=None)
    url = reverse("meetings:reopen", args=[regular.pk])

    no_reason = client.post(url, {"reason": ""})
    assert vi("This field is required.") in text(no_reason)
    regular.refresh_from_db()
    assert regular.status == Meeting.Status.PREPARED

    client.post(url, {"reason": "Bổ sung báo cáo tài chính quý IV"})

    regular.refresh_from_db()
    assert regular.status == Meeting.Status.PLANNED
    event = regular.events.last()
    assert (event.action, event.note, event.by.username) == (
        "reopen",
        "Bổ sung báo cáo tài chính quý IV",
        "secretary",
    )
    assert "Bổ sung báo cáo tài chính quý IV" in text(client.get(regular.get_absolute_url()))


def test_after_reopening_the_agenda_can_be_edited_again(login, regular):
    client = login("secretary")
    publish_meeting(meeting=regular, by=None)
    client.post(reverse("meetings:reopen", args=[regular.pk]), {"reason": "Sửa tên mục"})
    item = regular.agenda_items.order_by("position").first()

    client.post(
        reverse("meetings:item_edit", args=[item.pk]),
        {
            f"item{item.pk}-title": "Khai mạc (đã sửa)",
            f"item{item.pk}-planned_minutes": 5,
            f"item{item.pk}-category": "party",
        },
    )

    item.refresh_from_db()
    assert item.title == "Khai mạc (đã sửa)"


def test_a_planned_meeting_cannot_be_reopened(login, regular):
    response = login("secretary").post(reverse("meetings:reopen", args=[regular.pk]), {"reason": "Thử"})
    assert vi("Only a published meeting that has not started can be reopened.") in text(response)
    assert not regular.events.filter(action="reopen").exists()
