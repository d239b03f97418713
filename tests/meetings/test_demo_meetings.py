"""`manage.py seed_demo`: a year of meetings in every demo cell, and the seed article's model meeting."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from meetings.models import Meeting
from members import demo
from members.models import Organization

from .conftest import at
from .pages import text

YEAR = [dt.date(2025, 12, 1)] + [dt.date(2026, month, 1) for month in range(1, 12)]
ARTICLE_ORDER = [
    "opening",
    "news",
    "directives",
    "report",
    "discussion",
    "recognition",
    "self_criticism",
    "superior",
    "conclusion",
    "evaluation",
    "minutes",
    "dues",
]


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


@pytest.mark.xfail(
    strict=False,
    reason="The demo's bulk-written months have no chair, meeting secretary, adopted text or number; the "
    "'record' work of issue #14 makes the demo data clean (flip this to a plain test after merging it).",
)
def test_the_demo_passes_check_records(seeded):
    out = io.StringIO()
    call_command("check_records", stdout=out)  # a problem would raise CommandError
    assert "  - " not in out.getvalue()
