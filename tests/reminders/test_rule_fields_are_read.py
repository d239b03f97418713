"""Rules are data: every field of the meeting rule set is read by the code that applies it, so changing the
field (a new document, a local variant) changes what the app does. Each test changes one field of the rule
set in force and watches the behaviour follow."""

import dataclasses
import datetime as dt

import pytest

from evaluations import indicators
from evaluations.models import CellMonth
from meetings.models import Meeting
from meetings.services import plan_regular_meeting
from members import rules
from notifications.models import Notification

from ..factories import thematic_row
from .conftest import at, meeting_of, run_at, told, usernames


@pytest.fixture
def rule_set(monkeypatch):
    """rule_set(probation_months=18): every meeting rule set, with those fields changed."""

    def change(**fields):
        changed = tuple(dataclasses.replace(r, **fields) for r in rules.MEETING_RULES)
        monkeypatch.setattr(rules, "MEETING_RULES", changed)

    return change


def test_the_probation_lasts_the_rule_sets_probation_months(world, rule_set):
    world.target.admission_date = dt.date(2026, 3, 10)
    assert world.target.probation_ends_on == dt.date(2027, 3, 10)

    rule_set(probation_months=18)

    assert world.target.probation_ends_on == dt.date(2027, 9, 10)


def test_the_recognition_deadline_follows_the_rule_sets_working_days(world, rule_set):
    world.target.admission_date = dt.date(2025, 9, 15)  # probation ends Tuesday 15/09/2026
    world.target.save(update_fields=["admission_date"])
    rule_set(recognition_deadline_working_days=10)

    run_at(2026, 8, 20, 8, 5)

    body = Notification.objects.get(kind="probation_end").body
    assert "29/09/2026" in body  # 10 working days after 15/09, not 30 (27/10/2026)
    assert "27/10/2026" not in body


def test_the_overdue_recognition_indicator_follows_the_rule_sets_deadline(world, rule_set):
    world.target.admission_date = dt.date(2025, 10, 1)  # probation ends 01/10/2026
    world.target.save(update_fields=["admission_date"])
    october = dt.date(2026, 10, 1)

    indicators.refresh(october, [world.cell])  # 30 working days run to 12/11/2026: not yet overdue
    assert CellMonth.objects.get(cell=world.cell, period=october).overdue_recognitions == 0

    rule_set(recognition_deadline_working_days=10)  # 15/10/2026
    indicators.refresh(october, [world.cell])
    assert CellMonth.objects.get(cell=world.cell, period=october).overdue_recognitions == 1


def test_a_rule_set_asking_two_thematic_meetings_a_quarter_is_not_met_by_one(world, rule_set):
    thematic_row(world.cell, at(2026, 11, 20, 14, 0), topic="Chuyển đổi số", status=Meeting.Status.ADOPTED)
    rule_set(thematic_per_quarter=2)

    run_at(2026, 12, 20, 8, 5)
    indicators.refresh(dt.date(2026, 11, 1), [world.cell])

    assert ("secretary", "2026Q4") in told("thematic_missing")
    assert not CellMonth.objects.get(cell=world.cell, period=dt.date(2026, 11, 1)).thematic_in_quarter


def test_the_draft_agenda_gives_self_criticism_the_rule_sets_minimum_time(world, rule_set):
    rule_set(self_criticism_minutes=(30, 45))

    meeting, _created = plan_regular_meeting(cell=world.cell, period=dt.date(2027, 1, 1))

    assert meeting.agenda_items.get(section="self_criticism").planned_minutes == 30


def test_the_minutes_are_chased_after_the_rule_sets_report_days(world, rule_set):
    meeting_of(world.cell, at(2026, 12, 5, 14, 0), status=Meeting.Status.CLOSED, clerk=world.fellow)
    rule_set(report_days_after=4)

    run_at(2026, 12, 7, 8, 5)  # D+2: within the rule set's 4 days
    assert usernames("minutes_chase") == []

    run_at(2026, 12, 9, 8, 5)  # D+4
    assert usernames("minutes_chase") == ["fellow"]
