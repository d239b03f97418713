"""The nightly job plans next month's regular meeting of every cell that has a fixed meeting day."""

import datetime as dt

from meetings import services, tasks
from meetings.models import AgendaTemplateItem, Category, Meeting
from members.models import Organization

from ..clock import at
from .conftest import DECEMBER, STANDARD
from .pages import vi


def regular_of(cell, period=DECEMBER):
    return Meeting.objects.filter(cell=cell, period=period, kind=Meeting.Kind.REGULAR)


def sections(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("section", flat=True))


def test_plans_each_cell_at_its_own_day_time_and_place(world):
    world.cell_a2.meeting_day = 12
    world.cell_a2.meeting_time = dt.time(7, 30)
    world.cell_a2.meeting_place = "Hội trường tầng 2"
    world.cell_a2.save()

    assert services.plan_next_month(today=dt.date(2026, 11, 25)) == 2

    a1 = regular_of(world.cell).get()
    a2 = regular_of(world.cell_a2).get()
    assert a1.scheduled_at == at(2026, 12, 5, 14, 0)  # no time set: the default afternoon
    assert (a2.scheduled_at, a2.place) == (at(2026, 12, 12, 7, 30), "Hội trường tầng 2")
    assert a1.status == a2.status == Meeting.Status.PLANNED
    assert [e.action for e in a1.events.all()] == ["plan"]


def test_a_new_meeting_gets_the_standard_sections_in_vietnamese(world):
    services.plan_next_month(today=dt.date(2026, 11, 25))
    meeting = regular_of(world.cell).get()
    # Chi bộ A1 has a probationary member whose year is up, so the recognition item is on the agenda.
    assert sections(meeting) == STANDARD
    first = meeting.agenda_items.order_by("position").first()
    assert first.title == vi("Opening: purpose, guests, meeting secretary, roll call")
    assert meeting.planned_minutes() >= meeting.min_minutes


def test_recognition_is_left_out_when_nobody_is_due(world):
    world.target.status = world.target.Status.OFFICIAL
    world.target.save()
    services.plan_next_month(today=dt.date(2026, 11, 25))
    assert sections(regular_of(world.cell).get()) == [s for s in STANDARD if s != "recognition"]


def test_a_cell_with_its_own_template_gets_its_own_sections(world):
    for position, (title, minutes) in enumerate([("Khai mạc", 5), ("Học nghị quyết", 70), ("Bế mạc", 20)], 1):
        AgendaTemplateItem.objects.create(
            cell=world.cell, position=position, section="custom", title=title, planned_minutes=minutes
        )
    services.plan_next_month(today=dt.date(2026, 11, 25))
    items = regular_of(world.cell).get().agenda_items.order_by("position")
    assert [(i.title, i.planned_minutes, i.category) for i in items] == [
        ("Khai mạc", 5, Category.PARTY),
        ("Học nghị quyết", 70, Category.PARTY),
        ("Bế mạc", 20, Category.PARTY),
    ]


def test_cells_without_a_meeting_day_are_skipped(world):
    services.plan_next_month(today=dt.date(2026, 11, 25))
    planned = set(Meeting.objects.values_list("cell__name", flat=True))
    assert planned == {world.cell.name}
    assert not Organization.objects.cells().filter(meeting_day__isnull=True, meetings__isnull=False).exists()


def test_december_plans_january_of_the_next_year(world):
    services.plan_next_month(today=dt.date(2026, 12, 31))
    meeting = regular_of(world.cell, dt.date(2027, 1, 1)).get()
    assert meeting.scheduled_at == at(2027, 1, 5, 14, 0)


def test_running_twice_plans_one_meeting_per_cell(world):
    assert services.plan_next_month(today=dt.date(2026, 11, 25)) == 1
    items = regular_of(world.cell).get().agenda_items.count()

    assert services.plan_next_month(today=dt.date(2026, 11, 26)) == 0

    meeting = regular_of(world.cell).get()
    assert meeting.agenda_items.count() == items
    assert meeting.events.count() == 1


def test_the_loser_of_a_race_gets_the_winners_meeting(world, monkeypatch):
    winner, created = services.plan_regular_meeting(cell=world.cell, period=DECEMBER)
    assert created
    items = winner.agenda_items.count()

    # The second worker looked before the first one committed: its lookup found nothing, so it tries to
    # insert and the database's one_regular_meeting_per_month constraint stops it.
    real_filter = Meeting.objects.filter
    lookups = []

    def stale_first_lookup(*args, **kwargs):
        lookups.append(kwargs)
        return Meeting.objects.none() if len(lookups) == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(Meeting.objects, "filter", stale_first_lookup)
    meeting, created = services.plan_regular_meeting(cell=world.cell, period=DECEMBER)
    monkeypatch.undo()

    assert (meeting.pk, created) == (winner.pk, False)
    assert regular_of(world.cell).count() == 1
    assert winner.agenda_items.count() == items  # the loser's agenda was rolled back with its meeting


def test_the_celery_task_plans_next_month(world, clock):
    clock(at(2026, 11, 25, 0, 30))
    result = tasks.plan_next_month.apply()
    assert result.successful()
    assert result.get() == 1
    assert regular_of(world.cell).get().scheduled_at == at(2026, 12, 5, 14, 0)
