"""Building the draft agenda: with htmx every action answers with the agenda alone, without it the page."""

import re

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, Guidance

from ..clock import at
from .pages import HTMX, fields, text, vi

STANDARD_TOTAL = 105  # the standard sections of Chi bộ A1's December meeting, recognition included


def planned(total, minimum=90):
    return vi("Planned time: %(total)s minutes (at least %(minimum)s required)", total=total, minimum=minimum)


def titles(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


def is_partial(response) -> bool:
    html = response.content.decode()
    return "<html" not in html and html.lstrip().startswith('<div id="agenda"')


def add(client, meeting, headers=HTMX, **data):
    payload = {
        "new-title": "Triển khai Nghị quyết 57-NQ/TW",
        "new-planned_minutes": 15,
        "new-category": "party",
    }
    return client.post(reverse("meetings:item_add", args=[meeting.pk]), payload | data, **headers)


def edit(client, item, headers=HTMX, **data):
    p = f"item{item.pk}-"
    payload = {
        p + "title": item.title,
        p + "planned_minutes": item.planned_minutes,
        p + "category": item.category,
    }
    payload |= {p + k: v for k, v in data.items()}
    return client.post(reverse("meetings:item_edit", args=[item.pk]), payload, **headers)


def move(client, item, direction, headers=HTMX):
    return client.post(reverse("meetings:item_move", args=[item.pk, direction]), **headers)


def test_the_draft_agenda_shows_its_total_against_the_minimum(login, regular):
    assert planned(STANDARD_TOTAL) in text(login("secretary").get(regular.get_absolute_url()))


def test_adding_an_item_answers_with_the_agenda_and_its_new_total(login, regular):
    response = add(login("secretary"), regular, **{"new-text": "Đồng chí Bí thư quán triệt"})

    assert response.status_code == 200
    assert is_partial(response)
    page = text(response)
    assert "Triển khai Nghị quyết 57-NQ/TW" in page and "Đồng chí Bí thư quán triệt" in page
    assert planned(STANDARD_TOTAL + 15) in page
    item = AgendaItem.objects.get(meeting=regular, title="Triển khai Nghị quyết 57-NQ/TW")
    # Before the closing sections (the superior officer, the conclusion, the evaluation, the minutes).
    assert titles(regular)[-5] == item.title


def test_editing_an_item_shows_its_form_then_the_changed_agenda(login, regular):
    client = login("secretary")
    news = regular.agenda_items.get(section="news")

    form = client.get(reverse("meetings:item_edit", args=[news.pk]), **HTMX)
    assert is_partial(form)
    assert fields(form)[f"item{news.pk}-title"] == news.title

    response = edit(client, news, title="Thời sự tháng 12 và Nghị quyết 18", planned_minutes=25)

    assert response.status_code == 200 and is_partial(response)
    assert "Thời sự tháng 12 và Nghị quyết 18" in text(response)
    assert planned(STANDARD_TOTAL + 15) in text(response)
    news.refresh_from_db()
    assert (news.title, news.planned_minutes) == ("Thời sự tháng 12 và Nghị quyết 18", 25)


def test_removing_an_item_renumbers_the_rest(login, regular):
    news = regular.agenda_items.get(section="news")

    response = login("secretary").post(reverse("meetings:item_delete", args=[news.pk]), **HTMX)

    assert response.status_code == 200 and is_partial(response)
    assert news.title not in text(response)
    assert planned(STANDARD_TOTAL - news.planned_minutes) in text(response)
    positions = list(regular.agenda_items.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))


def test_moving_items_up_and_down_changes_the_order_not_the_total(login, regular):
    client = login("secretary")
    before = titles(regular)
    news = regular.agenda_items.get(section="news")  # third

    up = move(client, news, "up")
    assert up.status_code == 200 and is_partial(up)
    assert titles(regular)[:3] == [before[0], before[2], before[1]]
    page = text(up)
    assert page.index(before[2]) < page.index(before[1])
    assert planned(STANDARD_TOTAL) in page

    move(client, news, "down")
    move(client, news, "down")
    assert titles(regular)[:4] == [before[0], before[1], before[3], before[2]]
    assert regular.planned_minutes() == STANDARD_TOTAL


def test_the_first_item_cannot_move_further_up(login, regular):
    before = titles(regular)
    move(login("secretary"), regular.agenda_items.order_by("position").first(), "up")
    assert titles(regular) == before


def test_an_invalid_item_comes_back_with_its_errors_and_what_was_typed(login, regular):
    response = add(
        login("secretary"),
        regular,
        **{"new-title": "", "new-planned_minutes": 999, "new-text": "Nội dung đã gõ, không được mất"},
    )

    assert response.status_code == 422
    assert is_partial(response)
    page = text(response)
    assert vi("Give the item a title.") in page
    assert vi("Plan between 1 and 240 minutes.") in page
    typed = fields(response)
    assert (typed["new-planned_minutes"], typed["new-text"]) == ("999", "Nội dung đã gõ, không được mất")
    assert regular.agenda_items.count() == 12


def test_an_invalid_edit_keeps_the_item_as_it_was(login, regular):
    news = regular.agenda_items.get(section="news")

    response = edit(login("secretary"), news, title="Thời sự (sửa)", planned_minutes=0)

    assert response.status_code == 422 and is_partial(response)
    assert vi("Plan between 1 and 240 minutes.") in text(response)
    assert fields(response)[f"item{news.pk}-title"] == "Thời sự (sửa)"
    news.refresh_from_db()
    assert news.title != "Thời sự (sửa)"


def test_without_htmx_a_change_returns_to_the_meeting_page(login, regular):
    client = login("secretary")
    news = regular.agenda_items.get(section="news")
    responses = [
        add(client, regular, headers={}),
        edit(client, news, headers={}, planned_minutes=20),
        move(client, news, "down", headers={}),
        client.post(reverse("meetings:item_delete", args=[news.pk])),
    ]
    for response in responses:
        assert (response.status_code, response.url) == (302, regular.get_absolute_url())
    assert "Triển khai Nghị quyết 57-NQ/TW" in titles(regular)
    assert news.title not in titles(regular)


def test_without_htmx_an_invalid_item_shows_the_whole_page_with_what_was_typed(login, regular):
    response = add(login("secretary"), regular, headers={}, **{"new-title": "", "new-planned_minutes": 999})

    assert response.status_code == 422
    assert "<html" in response.content.decode()
    assert vi("Give the item a title.") in text(response)
    assert fields(response)["new-planned_minutes"] == "999"


def test_a_short_agenda_is_flagged_below_the_minimum(login, regular):
    client = login("secretary")
    for section in ("discussion", "self_criticism"):
        client.post(
            reverse("meetings:item_delete", args=[regular.agenda_items.get(section=section).pk]), **HTMX
        )

    response = client.get(regular.get_absolute_url())

    assert planned(STANDARD_TOTAL - 35) in text(response)
    total = re.search(r'<p class="([^"]*)" id="agenda-total"', response.content.decode())
    assert "text-danger" in total.group(1)


@pytest.mark.parametrize(("who", "allowed"), [("officer", True), ("outsider", False)])
def test_the_presenter_is_a_member_of_the_cell_or_its_superior_officer(login, world, regular, who, allowed):
    add(login("secretary"), regular, **{"new-presenter": getattr(world, who).pk})
    assert (
        AgendaItem.objects.filter(meeting=regular, title="Triển khai Nghị quyết 57-NQ/TW").exists() is allowed
    )


def test_the_agenda_becomes_the_cells_template_without_the_guidance(login, world, regular, clock):
    clock(at(2026, 11, 20, 9, 0))
    guidance = Guidance.objects.create(
        organization=world.root, period=regular.period, title="Định hướng tháng 12", text="Kiểm điểm cuối năm"
    )
    services.publish_guidance(guidance=guidance, by=None)
    client = login("secretary")
    add(client, regular, **{"new-title": "Phong trào thi đua của khoa", "new-category": "professional"})
    client.post(
        reverse("meetings:item_delete", args=[regular.agenda_items.get(section="evaluation").pk]), **HTMX
    )
    own = [t for t in titles(regular) if t != "Định hướng tháng 12"]

    response = client.post(reverse("meetings:save_template", args=[regular.pk]), follow=True)

    assert vi(
        "This agenda (%(n)d items) is now the cell's template for new regular meetings.", n=len(own)
    ) in text(response)
    january, _ = services.plan_regular_meeting(
        cell=world.cell, period=regular.period.replace(year=2027, month=1)
    )
    assert titles(january) == own
    assert january.agenda_items.get(title="Phong trào thi đua của khoa").category == "professional"
    template_page = text(client.get(reverse("meetings:agenda_template", args=[world.cell.pk])))
    assert vi("The cell's own sections, used for every new regular meeting.") in template_page
    assert "Phong trào thi đua của khoa" in template_page and "Định hướng tháng 12" not in template_page
