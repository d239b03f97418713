"""A comment goes to the item under discussion by default, or to any item of the meeting's agenda by choice
(issue #18, item 5); an item of another meeting is refused, and the form keeps what was typed and chosen."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Comment
from meetings.services import plan_regular_meeting

from .pages import text, vi

JSON = {"Accept": "application/json"}


def comment_url(meeting):
    return reverse("meetings:comment_post", args=[meeting.pk])


@pytest.fixture
def later_item(opened):
    """An item further down the agenda than the one under discussion."""
    return opened.agenda_items.exclude(pk=opened.current_item_id).order_by("-position").first()


def test_the_live_page_offers_every_item_and_chooses_the_current_one(opened, login):
    form = login("member").get(reverse("meetings:live", args=[opened.pk])).context["comment_form"]

    field = form["agenda_item"]
    assert field.value() == opened.current_item_id
    labels = [label for value, label in field.field.choices]
    items = list(opened.agenda_items.order_by("position", "pk"))
    assert labels == [f"{n}. {item.title}" for n, item in enumerate(items, start=1)]  # no empty choice


def test_a_comment_without_a_choice_goes_to_the_current_item(opened, login):
    login("member").post(comment_url(opened), {"text": "Đồng ý với báo cáo.", "kind": "opinion"})

    assert Comment.objects.get().agenda_item == opened.current_item


def test_a_comment_goes_to_the_item_chosen(opened, later_item, login):
    response = login("member").post(
        comment_url(opened),
        {
            "text": "Về mục sau.",
            "kind": "opinion",
            "agenda_item": later_item.pk,
            "client_id": str(uuid.uuid4()),
        },
        headers=JSON,
    )

    assert response.status_code == 201
    assert Comment.objects.get().agenda_item == later_item


def test_an_item_of_another_meeting_is_refused_and_the_form_keeps_what_was_typed(opened, world, login):
    elsewhere, _created = plan_regular_meeting(cell=world.other_cell, period=opened.period)
    theirs = elsewhere.agenda_items.first()
    client = login("member")

    plain = client.post(
        comment_url(opened), {"text": "Ý kiến dài đã gõ.", "kind": "opinion", "agenda_item": theirs.pk}
    )
    fetched = client.post(
        comment_url(opened),
        {"text": "Ý kiến", "kind": "opinion", "agenda_item": theirs.pk, "client_id": str(uuid.uuid4())},
        headers=JSON,
    )

    assert plain.status_code == fetched.status_code == 400
    assert vi("Choose an item of this meeting's agenda.") in text(plain)
    assert "Ý kiến dài đã gõ." in plain.content.decode()  # nothing typed is lost
    assert fetched.json()["error"] == vi("Choose an item of this meeting's agenda.")
    assert theirs.title not in [
        label for _v, label in plain.context["comment_form"].fields["agenda_item"].choices
    ]
    assert not Comment.objects.exists()


def test_after_an_error_the_item_chosen_is_kept(opened, later_item, login):
    response = login("member").post(
        comment_url(opened), {"text": "   ", "kind": "opinion", "agenda_item": later_item.pk}
    )

    assert response.status_code == 400
    assert response.context["comment_form"]["agenda_item"].value() == str(later_item.pk)
    assert f'<option value="{later_item.pk}" selected>' in response.content.decode()
    assert vi("The comment is empty.") in text(response)


def test_the_whole_title_of_the_item_chosen_is_written_under_the_list_escaped(opened, login):
    item = opened.current_item
    item.title = "Báo cáo <b>tình hình</b> thực hiện nghị quyết tháng trước và phương hướng tháng tới"
    item.save()

    page = login("member").get(reverse("meetings:live", args=[opened.pk])).content.decode()

    assert "1. Báo cáo &lt;b&gt;tình hình&lt;/b&gt; thực hiện nghị quyết" in page
    assert "<b>tình hình</b>" not in page


def test_after_an_error_the_whole_title_of_the_item_chosen_is_under_the_list(opened, later_item, login):
    response = login("member").post(
        comment_url(opened), {"text": "   ", "kind": "opinion", "agenda_item": later_item.pk}
    )

    items = list(opened.agenda_items.order_by("position", "pk"))
    hint = response.content.decode().split('id="id_agenda_item_helptext"', 1)[1].split("</div>", 1)[0]
    assert f"{items.index(later_item) + 1}. {later_item.title}" in hint


def test_a_phones_comment_on_the_item_under_discussion_does_not_read_the_whole_agenda(opened, login):
    """A phone posts the item its list shows; the item under discussion is known from the meeting."""
    client = login("member")
    comment = {"text": "Tán thành.", "kind": "opinion", "agenda_item": opened.current_item_id}

    with CaptureQueriesContext(connection) as queries:
        response = client.post(comment_url(opened), comment | {"client_id": str(uuid.uuid4())}, headers=JSON)

    assert response.status_code == 201
    assert Comment.objects.get().agenda_item == opened.current_item
    agenda_lists = [q["sql"] for q in queries if '"meetings_agendaitem"."meeting_id"' in q["sql"]]
    assert agenda_lists == []
