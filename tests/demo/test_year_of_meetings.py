"""`manage.py seed_demo`: a year of meetings in every demo cell, and the seed article's model meeting."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from documents import book, minutes
from meetings.models import Meeting
from members.models import Organization
from ops.demo import members as demo

from ..clock import at
from ..meetings.conftest import STANDARD
from ..meetings.pages import text

YEAR = [dt.date(2025, 12, 1)] + [dt.date(2026, month, 1) for month in range(1, 12)]
# The seed article's meeting collects the dues last, after the minutes.
ARTICLE_ORDER = [s for s in STANDARD if s != "dues"] + ["dues"]


@pytest.fixture
def seeded(demo_data, db):
    pass


def model_meeting():
    return Meeting.objects.get(
        cell__name=demo.MODEL_CELL, kind=Meeting.Kind.REGULAR, period=dt.date(2026, 11, 1)
    )


def test_every_demo_cell_has_a_year_of_meetings(seeded):
    root = Organization.objects.get(name=demo.ROOT_NAME)
    cells = list(Organization.objects.under(root).cells())
    assert len(cells) == 9
    for cell in cells:
        months = set(
            Meeting.objects.filter(cell=cell, kind=Meeting.Kind.REGULAR).values_list("period", flat=True)
        )
        assert set(YEAR) <= months, cell.name
        held = Meeting.objects.filter(
            cell=cell, kind=Meeting.Kind.REGULAR, period__in=YEAR, status=Meeting.Status.ADOPTED
        )
        assert held.count() == 12, cell.name
        assert all(m.agenda_items.exists() for m in held), cell.name


def test_the_model_cell_meets_on_5_november_2026_with_the_articles_agenda(seeded):
    meeting = model_meeting()

    assert meeting.scheduled_at == at(2026, 11, 5, 14, 0)
    items = list(meeting.agenda_items.order_by("position"))
    assert [i.section for i in items] == ARTICLE_ORDER
    report = items[ARTICLE_ORDER.index("report")]
    assert "tháng 10" in report.title and "tháng 11" in report.title
    assert "Dương Thị Mỹ Duyên" in items[ARTICLE_ORDER.index("recognition")].title


def test_a_member_of_the_model_cell_reads_that_agenda_in_order(seeded, client):
    client.force_login(get_user_model().objects.get(username="dangvien.dien"))
    meeting = model_meeting()

    page = text(client.get(meeting.get_absolute_url()))

    positions = [page.index(item.title) for item in meeting.agenda_items.order_by("position")]
    assert positions == sorted(positions)


def test_the_demo_passes_check_records(seeded):
    out = io.StringIO()
    call_command("check_records", stdout=out)  # a problem would raise CommandError
    assert "  - " not in out.getvalue()


def test_every_meeting_shown_as_adopted_has_its_roll_call_chair_secretary_minutes_and_book_entry(seeded):
    adopted = list(
        Meeting.objects.filter(status=Meeting.Status.ADOPTED).select_related("cell", "chair", "clerk")
    )
    assert any(m.kind == Meeting.Kind.THEMATIC and m.shares_session_with_id for m in adopted)
    books = {}
    for meeting in adopted:
        assert meeting.chair and meeting.clerk, meeting.pk
        assert meeting.attendances.exists(), meeting.pk
        version = minutes.latest_version(meeting)
        assert version is not None, meeting.pk
        doc = version.content
        assert (doc["chair"], doc["clerk"]) == (meeting.chair.full_name, meeting.clerk.full_name)
        assert doc["totals"]["present"] > 0 and doc["number"] and doc["conclusion"], meeting.pk
        held = timezone.localtime(meeting.started_at)
        assert (doc["date"], doc["started"]) == (f"{held:%d/%m/%Y}", f"{held:%H} giờ {held:%M}"), meeting.pk
        key = (meeting.cell, meeting.period.year)
        if key not in books:
            books[key] = {e["anchor"] for e in book.source(*key)["entries"]}
        assert f"m{meeting.pk}" in books[key], meeting.pk


def test_a_thematic_meeting_of_a_shared_session_has_the_sessions_roll_call(seeded):
    thematic = Meeting.objects.filter(kind=Meeting.Kind.THEMATIC, shares_session_with__isnull=False).first()
    session = thematic.shares_session_with

    roll = sorted(thematic.attendances.values_list("member_id", "status"))
    assert roll == sorted(session.attendances.values_list("member_id", "status"))
    assert (thematic.chair, thematic.clerk) == (session.chair, session.clerk)
