"""Guidance from above: published once, it lands in the draft agenda of every cell below, after the directives."""

import datetime as dt

from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, Guidance, Meeting
from meetings.services import plan_regular_meeting, publish_meeting

from ..clock import at
from ..factories import thematic_meeting
from .conftest import DECEMBER
from .pages import rows, text, vi

TITLE = "Định hướng sinh hoạt chi bộ tháng 12/2026: kiểm điểm, đánh giá, xếp loại năm 2026"


def write_guidance(client, world, **extra):
    data = {
        "month": "2026-12",
        "title": TITLE,
        "text": "Quán triệt Quy định 366-QĐ/TW.",
        "planned_minutes": 20,
    }
    return client.post(reverse("meetings:guidance_list", args=[world.root.pk]), data | extra)


def publish(client, guidance):
    return client.post(reverse("meetings:guidance_publish", args=[guidance.pk]), follow=True)


def sections(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("section", flat=True))


def december_meetings(world, regular):
    """A1 (the fixture), A2 and B1 plan December; the root's own cell has not planned yet."""
    a2, _ = plan_regular_meeting(cell=world.cell_a2, period=DECEMBER)
    b1, _ = plan_regular_meeting(cell=world.other_cell, period=DECEMBER)
    return [regular, a2, b1]


def test_the_reviewer_writes_a_draft_that_reaches_nobody_yet(login, world, regular):
    response = write_guidance(login("reviewer"), world)

    guidance = Guidance.objects.get()
    assert response.status_code == 302 and response.url == guidance.get_absolute_url()
    assert (guidance.organization, guidance.period, guidance.published_at) == (world.root, DECEMBER, None)
    assert "guidance" not in sections(regular)


def test_publishing_puts_it_after_the_directives_in_every_planned_meeting_below(login, world, regular):
    meetings = december_meetings(world, regular)
    client = login("reviewer")
    write_guidance(client, world)

    response = publish(client, Guidance.objects.get())

    assert vi("Published; it was added to %(n)d draft agendas.", n=3) in text(response)
    for meeting in meetings:
        order = sections(meeting)
        assert order.count("guidance") == 1, meeting.cell
        assert order[order.index("directives") + 1] == "guidance", meeting.cell
        item = meeting.agenda_items.get(section="guidance")
        assert (item.title, item.planned_minutes) == (TITLE, 20)
    page = text(login("secretary").get(regular.get_absolute_url()))
    directives = regular.agenda_items.get(section="directives").title
    after_directives = page.split(directives, 1)[1]
    assert after_directives.index(TITLE) < after_directives.index(
        regular.agenda_items.get(section="report").title
    )
    assert vi("guidance from above") in after_directives


def test_publishing_twice_adds_nothing(login, world, regular):
    meetings = december_meetings(world, regular)
    client = login("reviewer")
    write_guidance(client, world)
    guidance = Guidance.objects.get()
    publish(client, guidance)
    published_at = Guidance.objects.get().published_at

    again = publish(client, guidance)

    assert vi("This guidance was already published.") in text(again)
    assert services.publish_guidance(guidance=Guidance.objects.get(), by=None) == 0
    assert Guidance.objects.get().published_at == published_at
    assert AgendaItem.objects.filter(guidance=guidance).count() == len(meetings)


def test_a_meeting_planned_after_publication_also_gets_it(login, world, regular):
    client = login("reviewer")
    write_guidance(client, world)
    publish(client, Guidance.objects.get())
    world.cell_a2.meeting_day = 10
    world.cell_a2.save()

    services.plan_next_month(today=dt.date(2026, 11, 25))

    a2 = Meeting.objects.get(cell=world.cell_a2, period=DECEMBER)
    order = sections(a2)
    assert order.count("guidance") == 1
    assert order[order.index("directives") + 1] == "guidance"


def test_only_cells_below_and_only_that_months_draft_regular_meetings_get_it(world, regular):
    b1, _ = plan_regular_meeting(cell=world.other_cell, period=DECEMBER)
    january, _ = plan_regular_meeting(cell=world.cell_a2, period=dt.date(2027, 1, 1))
    a2, _ = plan_regular_meeting(cell=world.cell_a2, period=DECEMBER)
    publish_meeting(meeting=a2, by=None)  # already sent to its members: not changed behind their backs
    thematic = thematic_meeting(
        world.cell,
        topic="Chi bộ bốn tốt",
        scheduled_at=at(2026, 12, 19, 8, 0),
    )
    guidance = Guidance.objects.create(organization=world.branch_a, period=DECEMBER, title=TITLE, text="…")

    assert services.publish_guidance(guidance=guidance, by=world.officer.user) == 1

    assert "guidance" in sections(regular)
    for untouched in (b1, january, a2, thematic):
        assert "guidance" not in sections(untouched)


def test_the_guidance_page_shows_which_cells_took_it_into_a_published_agenda(login, world, regular):
    december_meetings(world, regular)
    client = login("reviewer")
    write_guidance(client, world)
    guidance = Guidance.objects.get()
    publish(client, guidance)
    publish_meeting(meeting=regular, by=world.secretary.user)

    table = rows(client.get(guidance.get_absolute_url()))

    taken = {row[0]: row[2] for row in table[1:]}
    assert taken == {
        "Chi bộ Cơ quan": f"✘ {vi('no')}",
        world.cell.name: f"✔ {vi('yes')}",
        world.cell_a2.name: f"✘ {vi('no')}",
        world.other_cell.name: f"✘ {vi('no')}",
    }
    not_planned = next(row for row in table if row[0] == "Chi bộ Cơ quan")
    assert vi("not planned") in not_planned[1]
