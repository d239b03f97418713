"""The meeting pages cost the same number of queries whether the agenda has 1 item or 50 (STYLE.md S2)."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import AgendaItem, CommitteeSession, Document, Guidance, Meeting

from ..clock import at
from .conftest import DECEMBER
from .pages import HTMX


def add_items(meeting, world, count, start=1):
    guidance = Guidance.objects.create(
        organization=world.root, period=meeting.period, title="Định hướng", text="…"
    )
    for position in range(start, start + count):
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            title=f"Nội dung {position}",
            presenter=world.secretary if position % 2 else world.officer,
            guidance=guidance if position % 5 == 0 else None,
            text="Chi tiết",
        )
        Document.objects.create(
            meeting=meeting,
            agenda_item=item,
            title=f"Tài liệu {position}",
            file=ContentFile(b"%PDF-1.4", name="t.pdf"),
            original_name="t.pdf",
            content_type="application/pdf",
            size=8,
        )


def add_meetings(world, count, start=0):
    for n in range(start, start + count):
        period = dt.date(2020 + n // 12, n % 12 + 1, 1)
        meeting = Meeting.objects.create(
            cell=world.cell,
            period=period,
            scheduled_at=at(period.year, period.month, 5, 14, 0),
            status=Meeting.Status.ADOPTED if n % 2 else Meeting.Status.PLANNED,
        )
        if n % 3:
            session = CommitteeSession.objects.create(meeting=meeting, held_on=period, content="Thống nhất")
            session.attendees.set([world.secretary])
        Meeting.objects.create(
            cell=world.cell,
            kind=Meeting.Kind.THEMATIC,
            topic="Chuyên đề",
            period=period,
            scheduled_at=at(period.year, period.month, 5, 15, 40),
            shares_session_with=meeting,
        )


def queries(client, method, url, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, **headers)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def meeting(world):
    meeting = Meeting.objects.create(cell=world.cell, period=DECEMBER, scheduled_at=at(2026, 12, 5, 14, 0))
    CommitteeSession.objects.create(
        meeting=meeting, held_on=dt.date(2026, 11, 29), content="…"
    ).attendees.set([world.secretary, world.fellow])
    add_items(meeting, world, 1)
    return meeting


@pytest.mark.parametrize("persona", ["secretary", "member"])
def test_the_meeting_page_with_1_or_50_items(login, world, meeting, django_assert_num_queries, persona):
    meeting.status, meeting.published_at = Meeting.Status.PREPARED, at(2026, 12, 1, 9, 0)
    meeting.save()
    client = login(persona)
    url = meeting.get_absolute_url()
    with_one = queries(client, "get", url)

    add_items(meeting, world, 49, start=2)

    with django_assert_num_queries(with_one):
        response = client.get(url)
    assert "Nội dung 50" in response.content.decode()


def test_the_agenda_partial_with_1_or_50_items(login, world, meeting, django_assert_num_queries):
    client = login("secretary")
    first = meeting.agenda_items.get()
    url = reverse("meetings:item_edit", args=[first.pk])
    with_one = queries(client, "get", url, **HTMX)

    add_items(meeting, world, 49, start=2)

    with django_assert_num_queries(with_one):
        response = client.get(url, **HTMX)
    assert "Nội dung 50" in response.content.decode()


def test_moving_an_item_with_1_or_50_items(login, world, meeting, django_assert_num_queries):
    client = login("secretary")
    first = meeting.agenda_items.get()
    AgendaItem.objects.create(meeting=meeting, position=2, title="Nội dung cuối")
    url = reverse("meetings:item_move", args=[first.pk, "down"])
    with_two = queries(client, "post", url, **HTMX)

    add_items(meeting, world, 48, start=3)

    with django_assert_num_queries(with_two):
        client.post(url, **HTMX)


@pytest.mark.parametrize("persona", ["secretary", "member"])
def test_the_cell_meetings_page_with_1_or_50_meetings(login, world, django_assert_num_queries, persona):
    client = login(persona)
    url = reverse("meetings:cell", args=[world.cell.pk])
    add_meetings(world, 1)
    with_one = queries(client, "get", url)

    add_meetings(world, 49, start=1)

    with django_assert_num_queries(with_one):
        response = client.get(url)
    assert response.content.decode().count("Chuyên đề") == 50
