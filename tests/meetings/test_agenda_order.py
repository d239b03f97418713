"""Putting the agenda in order: the order dragged into place saved by one post, "add here" between items, and
a new item added the ordinary way placed before the closing sections, not after the minutes."""

import pytest
from django.urls import reverse

from meetings import live
from meetings.models import AgendaItem, Guidance, Meeting
from meetings.services import plan_regular_meeting, publish_meeting

from .conftest import DECEMBER
from .pages import HTMX, fields, text, vi

NEW = {"new-title": "Học tập Nghị quyết 57-NQ/TW", "new-planned_minutes": 15, "new-category": "party"}
CHANGED = (
    "The new order was not saved: the agenda has changed since this page was loaded. "
    "Here it is as it is now; move the item again."
)
LOCKED = "The agenda can only be changed before it is published; reopen it first."


def titles(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


def ids(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))


def reorder(client, meeting, order, headers=HTMX):
    value = order if isinstance(order, str) else ",".join(str(pk) for pk in order)
    return client.post(reverse("meetings:agenda_reorder", args=[meeting.pk]), {"order": value}, **headers)


def test_a_dragged_order_is_saved_in_one_post(login, regular):
    before = ids(regular)
    names = titles(regular)
    # The ninth item (self-criticism) dragged to the fifth place: one post, where ↑ took four.
    order = [*before[:4], before[8], *before[4:8], *before[9:]]

    response = reorder(login("secretary"), regular, order)

    assert response.status_code == 200
    assert ids(regular) == order
    assert titles(regular)[4] == names[8]
    page = text(response)
    assert page.index(names[8]) < page.index(names[4])  # the agenda comes back in its new order
    positions = list(regular.agenda_items.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(order) + 1))


def test_without_htmx_the_new_order_returns_to_the_meeting_page(login, regular):
    order = list(reversed(ids(regular)))

    response = reorder(login("secretary"), regular, order, headers={})

    assert (response.status_code, response.url) == (302, regular.get_absolute_url())
    assert ids(regular) == order


@pytest.mark.parametrize(
    "bad",
    [
        "missing one",
        "an item twice",
        "another meeting's item",
        "not numbers",
        "nothing",
    ],
)
def test_an_order_that_does_not_name_each_item_once_is_refused_in_vietnamese(login, world, regular, bad):
    before = ids(regular)
    other, _created = Meeting.objects.get_or_create(
        cell=world.cell_a2,
        kind=regular.kind,
        period=regular.period,
        defaults={"scheduled_at": regular.scheduled_at},
    )
    stranger = AgendaItem.objects.create(
        meeting=other, position=1, title="Nội dung chi bộ khác", planned_minutes=5
    )
    order = {
        "missing one": before[1:],
        "an item twice": [before[0], *before[:-1]],
        "another meeting's item": [*before[:-1], stranger.pk],
        "not numbers": "1,2,ba",
        "nothing": "",
    }[bad]

    response = reorder(login("secretary"), regular, order)

    assert response.status_code == 422
    page = text(response)
    assert vi(CHANGED) in page
    assert ids(regular) == before  # nothing half applied
    assert fields(response)["order"] == ",".join(str(pk) for pk in before)  # the page now has today's order


def test_a_published_agenda_cannot_be_reordered(login, regular, clock):
    regular.apply("publish", by=None)
    before = ids(regular)
    client = login("secretary")

    response = reorder(client, regular, list(reversed(before)), headers={})

    assert (response.status_code, response.url) == (302, regular.get_absolute_url())
    assert ids(regular) == before
    assert vi(LOCKED) in text(client.get(response.url))


@pytest.mark.parametrize(
    ("who", "status"), [("member", 403), ("officer", 403), ("outsider", 404), ("anon", 302)]
)
def test_only_the_cells_committee_reorders_the_agenda(login, regular, who, status):
    before = ids(regular)

    response = reorder(login(who), regular, list(reversed(before)), headers={})

    assert response.status_code == status
    assert ids(regular) == before


def test_a_new_item_goes_before_the_closing_sections_not_after_the_minutes(login, regular):
    names = titles(regular)
    sections = list(regular.agenda_items.order_by("position").values_list("section", flat=True))
    assert sections[-4:] == ["superior", "conclusion", "evaluation", "minutes"]

    login("secretary").post(reverse("meetings:item_add", args=[regular.pk]), NEW, **HTMX)

    assert titles(regular) == [*names[:-4], NEW["new-title"], *names[-4:]]


def test_a_new_item_on_an_agenda_without_closing_sections_goes_last(login, regular):
    regular.agenda_items.filter(section__in=["superior", "conclusion", "evaluation", "minutes"]).delete()
    names = titles(regular)

    login("secretary").post(reverse("meetings:item_add", args=[regular.pk]), NEW, **HTMX)

    assert titles(regular) == [*names, NEW["new-title"]]


def test_add_here_opens_the_form_in_that_place_and_the_item_lands_there(login, regular):
    client = login("secretary")
    names = titles(regular)

    form = client.get(reverse("meetings:item_add", args=[regular.pk]) + "?at=3", **HTMX)

    assert form.status_code == 200
    assert vi("New item, in place %(n)s", n=3) in text(form)
    assert fields(form)["at"] == "3"
    page = text(form)
    assert page.index(names[1]) < page.index(vi("New item, in place %(n)s", n=3)) < page.index(names[2])

    response = client.post(reverse("meetings:item_add", args=[regular.pk]), NEW | {"at": "3"}, **HTMX)

    assert response.status_code == 200
    assert titles(regular) == [*names[:2], NEW["new-title"], *names[2:]]
    positions = list(regular.agenda_items.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(names) + 2))


def test_add_here_works_without_javascript(login, regular):
    client = login("secretary")
    names = titles(regular)

    page = client.get(reverse("meetings:item_add", args=[regular.pk]) + "?at=5")

    assert page.status_code == 200 and "<html" in page.content.decode()
    assert fields(page)["at"] == "5"
    response = client.post(reverse("meetings:item_add", args=[regular.pk]), NEW | {"at": "5"})
    assert (response.status_code, response.url) == (302, regular.get_absolute_url())
    assert titles(regular)[4] == NEW["new-title"] and len(titles(regular)) == len(names) + 1


def test_an_invalid_item_added_here_stays_in_its_place_with_what_was_typed(login, regular):
    response = login("secretary").post(
        reverse("meetings:item_add", args=[regular.pk]),
        NEW | {"new-title": "", "new-text": "Đã gõ, không được mất", "at": "4"},
        **HTMX,
    )

    assert response.status_code == 422
    assert vi("Give the item a title.") in text(response)
    assert vi("New item, in place %(n)s", n=4) in text(response)
    assert (fields(response)["at"], fields(response)["new-text"]) == ("4", "Đã gõ, không được mất")


def test_each_gap_between_items_offers_add_here(login, regular):
    page = text(login("secretary").get(regular.get_absolute_url()))
    assert page.count(vi("Add here")) == regular.agenda_items.count() - 1


# --- the confirmations of irreversible steps, as pages (where their buttons lead without JavaScript) -------


def test_the_publish_button_opens_a_confirmation_naming_what_it_locks(login, regular):
    client = login("secretary")
    page = client.get(regular.get_absolute_url()).content.decode()
    assert (
        'data-dialog="confirm-publish"' in page
        and '<dialog class="confirm-dialog" id="confirm-publish"' in page
    )

    confirmation = client.get(reverse("meetings:publish", args=[regular.pk]))

    assert confirmation.status_code == 200
    assert vi("Publish the agenda?") in text(confirmation)
    assert Meeting.objects.get(pk=regular.pk).status == Meeting.Status.PLANNED  # nothing done yet


def test_the_closing_confirmation_says_the_minutes_still_need_a_vote(login, world, clock):
    meeting, _created = plan_regular_meeting(cell=world.cell, period=DECEMBER)
    publish_meeting(meeting=meeting, by=None)
    live.open_meeting(meeting=meeting, chair=world.secretary, clerk=world.fellow, by=None)

    page = text(login("secretary").get(reverse("meetings:close", args=[meeting.pk])))

    assert vi("Close the meeting?") in page
    assert vi("Still to do after closing:") in page
    assert (
        vi(
            "read the draft minutes to the cell, record its vote adopting them, then adopt and lock the minutes."
        )
        in page
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.IN_PROGRESS


def test_the_guidance_confirmation_says_it_cannot_be_unpublished(login, world):
    guidance = Guidance.objects.create(
        organization=world.root, period="2026-12-01", title="Định hướng tháng 12"
    )

    page = text(login("admin").get(reverse("meetings:guidance_publish", args=[guidance.pk])))

    assert vi("Publish the guidance to every cell below?") in page
    guidance.refresh_from_db()
    assert guidance.published_at is None
