"""The monthly indicators: one CellMonth row per cell and month, computed from the record, refreshed when a
meeting changes state (after the commit) and nightly for the last months (evaluations/indicators.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations import indicators, services, tasks
from evaluations.models import CellMonth
from meetings import live
from meetings.models import (
    AgendaItem,
    Attendance,
    Category,
    DuesEntry,
    Guest,
    Meeting,
    SelfCriticismTurn,
    Vote,
)
from meetings.services import plan_regular_meeting, publish_meeting
from members.models import Member, Organization

from ..factories import MemberFactory, thematic_row
from .conftest import NOVEMBER, OCTOBER, at, hold, open_live, roll, session, speak, vote

SEPTEMBER = dt.date(2026, 9, 1)


def row(cell, period=NOVEMBER) -> CellMonth:
    return CellMonth.objects.get(cell=cell, period=period)


def agenda(meeting, *, party: int, professional: int) -> None:
    meeting.agenda_items.all().delete()
    AgendaItem.objects.create(meeting=meeting, position=1, title="Công tác đảng", planned_minutes=party)
    AgendaItem.objects.create(
        meeting=meeting,
        position=2,
        title="Công tác chuyên môn",
        planned_minutes=professional,
        category=Category.PROFESSIONAL,
    )


def dues(member, period, *, due, paid):
    return DuesEntry.objects.create(member=member, cell=member.cell, period=period, due=due, paid=paid)


@pytest.fixture
def november(world, clock) -> Meeting:
    """Chi bộ A1's November meeting, held on its fixed day (the 5th) for 100 minutes, with a full record."""
    w = world
    meeting = hold(w.cell, minutes=100, published_days=2)
    roll(meeting, present=[w.secretary, w.member, w.fellow], excused=[w.target])
    speak(meeting, [w.member], times=2)
    speak(meeting, [w.fellow])
    meeting.comments.create(speaker_name="Lê Văn Phúc", text="Ý kiến của cấp ủy viên cấp trên.")
    agenda(meeting, party=60, professional=40)
    session(meeting)
    vote(meeting, Vote.Kind.MINUTES)
    Guest.objects.create(meeting=meeting, member=w.officer, name="Lê Văn Phúc", is_superior_officer=True)
    thematic_row(w.cell, at(2026, 10, 5, 15, 45), topic="Chuyên đề quý IV", status=Meeting.Status.CLOSED)
    for member in (w.secretary, w.member):
        SelfCriticismTurn.objects.create(cell=w.cell, member=member, period=SEPTEMBER, done=True)
    SelfCriticismTurn.objects.create(cell=w.cell, member=w.fellow, period=NOVEMBER, done=False)
    dues(w.secretary, NOVEMBER, due=100_000, paid=100_000)
    dues(w.member, NOVEMBER, due=50_000, paid=0)
    evaluation = services.open_sheet(meeting=meeting)
    services.save_scores(
        evaluation=evaluation,
        values={
            s.criterion_id: (s.criterion.max_points, "")
            for s in evaluation.scores.select_related("criterion")
            if s.criterion.code in ("content", "facilitation", "principles", "results")
        },
    )
    evaluation.adopted_at = meeting.ended_at  # the cell adopted it: only then does it reach the indicators
    evaluation.save(update_fields=["adopted_at"])
    w.target.admission_date = dt.date(2026, 3, 1)  # still on probation: nothing overdue
    w.target.save(update_fields=["admission_date"])
    return meeting


def test_refresh_computes_the_months_indicators_from_the_record(november, world):
    indicators.refresh(NOVEMBER, [world.cell])
    evaluation = november.evaluations.get()

    r = row(world.cell)
    assert r.meeting == november
    assert r.held and r.on_fixed_day and r.committee_session and r.published_ahead
    assert r.attendance_rate == pytest.approx(0.75)  # 3 of 4, the probationary member excused
    assert (r.present, r.speakers, r.comments) == (3, 2, 4)
    assert r.speaker_share == pytest.approx(2 / 3)
    assert r.party_share == pytest.approx(0.6)
    assert r.duration == 100
    assert r.thematic_in_quarter
    assert r.self_criticism_coverage == pytest.approx(2 / 4)  # 2 of the cell's 4 members this year
    assert (r.dues_due, r.dues_paid) == (150_000, 100_000)
    assert r.minutes_adopted
    assert r.superior_present
    assert (r.score, r.level) == (evaluation.total, evaluation.level)
    assert r.score > Decimal("50")
    assert (r.unexcused, r.members_at_risk, r.overdue_recognitions) == (0, 0, 0)


def test_a_month_without_a_held_meeting(world, clock):
    hold(world.cell, status=Meeting.Status.PREPARED)  # published, never opened

    indicators.refresh(NOVEMBER, [world.cell, world.cell_a2])

    planned, nothing = row(world.cell), row(world.cell_a2)
    assert not planned.held and planned.meeting is not None
    assert not nothing.held and nothing.meeting is None
    for r in (planned, nothing):
        assert (r.attendance_rate, r.duration, r.score, r.level) == (None, None, None, "")
        assert not (r.committee_session or r.minutes_adopted or r.superior_present)


def test_the_alerts_are_judged_on_refresh_and_the_nightly_rebuild_names_a_month_that_ended_unheld(
    world, clock
):
    hold(world.cell, status=Meeting.Status.PREPARED)  # 20/11: the meeting is still to come

    indicators.refresh(NOVEMBER, [world.cell, world.cell_a2])

    assert "no_meeting" not in row(world.cell).alerts.split()
    assert "no_meeting" in row(world.cell_a2).alerts.split()  # nothing even planned
    clock.set(at(2026, 12, 2, 1, 15))  # November is over, never held: the nightly run says so

    indicators.rebuild_recent()

    assert "no_meeting" in row(world.cell, NOVEMBER).alerts.split()


def test_a_meeting_moved_off_the_fixed_day(world, clock):
    hold(world.cell, day=7)

    indicators.refresh(NOVEMBER, [world.cell])

    assert row(world.cell).held and not row(world.cell).on_fixed_day


def test_a_thematic_meeting_last_quarter_does_not_count_for_this_one(world, clock):
    hold(world.cell)
    thematic_row(world.cell, at(2026, 9, 5, 15, 45), topic="Chuyên đề quý III", status=Meeting.Status.CLOSED)

    indicators.refresh(NOVEMBER, [world.cell])
    indicators.refresh(SEPTEMBER, [world.cell])

    assert not row(world.cell).thematic_in_quarter
    assert row(world.cell, SEPTEMBER).thematic_in_quarter


def test_members_at_risk_three_unexcused_absences_or_three_unpaid_months(world, clock):
    w = world
    for month in (8, 9, 10):
        meeting = hold(w.cell, dt.date(2026, month, 1))
        roll(meeting, present=[w.secretary, w.fellow], unexcused=[w.member])
    two_absences = MemberFactory(full_name="Trần Văn Hai Lần", cell=w.cell)
    for month in (8, 9):
        Attendance.objects.create(
            meeting=Meeting.objects.get(cell=w.cell, period=dt.date(2026, month, 1)),
            member=two_absences,
            status=Attendance.Status.UNEXCUSED,
        )
    for month in (6, 7, 8):
        dues(w.fellow, dt.date(2026, month, 1), due=80_000, paid=0)
    for month in (6, 7):
        dues(w.secretary, dt.date(2026, month, 1), due=80_000, paid=20_000)  # two short months only
    last_year = hold(w.cell_a2, dt.date(2025, 12, 1))
    stale = MemberFactory(full_name="Absent năm ngoái", cell=w.cell_a2)
    roll(last_year, unexcused=[stale])
    for month in (10, 11):
        roll(hold(w.cell_a2, dt.date(2026, month, 1)), unexcused=[stale])

    indicators.refresh(NOVEMBER, [w.cell, w.cell_a2])

    assert row(w.cell).members_at_risk == 2  # Nam (3 absences) and Hân (3 months unpaid)
    assert row(w.cell_a2).members_at_risk == 0  # December 2025 belongs to another year


def test_overdue_recognition_votes(world, clock):
    w = world
    w.target.admission_date = dt.date(2025, 6, 1)  # probation ended 01/06/2026, no vote since
    w.target.save(update_fields=["admission_date"])
    MemberFactory(
        full_name="Mới kết nạp",
        cell=w.cell,
        status=Member.Status.PROBATIONARY,
        admission_date=dt.date(2026, 3, 1),
    )
    MemberFactory(
        full_name="Đã đề nghị",
        cell=w.cell,
        status=Member.Status.PROBATIONARY,
        admission_date=dt.date(2025, 6, 1),
        recognition_proposed_on=dt.date(2026, 6, 5),
    )

    indicators.refresh(NOVEMBER, [w.cell])

    assert row(w.cell).overdue_recognitions == 1


def test_refreshing_twice_leaves_one_row_per_cell_and_month_with_the_new_values(world, clock):
    meeting = hold(world.cell)
    roll(meeting, present=[world.secretary, world.member], excused=[world.fellow, world.target])
    indicators.refresh(NOVEMBER)
    assert row(world.cell).attendance_rate == pytest.approx(0.5)

    meeting.attendances.filter(member=world.fellow).update(status=Attendance.Status.PRESENT)
    indicators.refresh(NOVEMBER)

    cells = Organization.objects.cells().count()
    assert CellMonth.objects.filter(period=NOVEMBER).count() == cells
    assert CellMonth.objects.filter(cell=world.cell, period=NOVEMBER).count() == 1
    assert row(world.cell).attendance_rate == pytest.approx(0.75)


def test_rebuild_recent_rebuilds_the_last_months_of_every_cell(world, clock):
    hold(world.cell, OCTOBER)
    CellMonth.objects.create(cell=world.cell, period=OCTOBER, held=False)  # stale

    total = indicators.rebuild_recent(months=3, today=dt.date(2026, 11, 20))

    cells = Organization.objects.cells().count()
    assert total == 3 * cells
    periods = set(CellMonth.objects.values_list("period", flat=True))
    assert periods == {NOVEMBER, OCTOBER, SEPTEMBER}
    assert CellMonth.objects.filter(cell=world.cell, period=OCTOBER).count() == 1
    assert row(world.cell, OCTOBER).held


def test_the_nightly_task_rebuilds_from_today(world, clock):
    assert tasks.rebuild_indicators.delay().get() == 3 * Organization.objects.cells().count()
    assert set(CellMonth.objects.values_list("period", flat=True)) == {NOVEMBER, OCTOBER, SEPTEMBER}


def test_the_refresh_task_runs_for_one_meetings_cell_and_month(world, clock):
    meeting = hold(world.cell)

    assert tasks.refresh_meeting_indicators.delay(meeting.pk).get() == 1
    assert list(CellMonth.objects.values_list("cell", "period")) == [(world.cell.pk, NOVEMBER)]


def test_closing_a_meeting_refreshes_its_row_once_committed(
    world, login, clock, django_capture_on_commit_callbacks
):
    meeting = open_live(world, clock, present=(world.secretary, world.member, world.fellow))
    clock.set(at(2026, 11, 5, 15, 45))

    with django_capture_on_commit_callbacks() as pending:
        response = login("secretary").post(reverse("meetings:close", args=[meeting.pk]))
    assert response.status_code == 302
    assert not CellMonth.objects.filter(cell=world.cell).exists()  # nothing before the commit

    for callback in pending:  # the commit
        callback()

    r = row(world.cell)
    assert r.held and r.meeting == meeting
    assert r.duration == 105
    assert r.attendance_rate == pytest.approx(0.75)  # the probationary member was never marked: unexcused
    assert r.unexcused == 1


def test_closing_through_the_view_fills_the_row(world, login, clock, django_capture_on_commit_callbacks):
    meeting = open_live(world, clock)
    clock.set(at(2026, 11, 5, 15, 40))

    with django_capture_on_commit_callbacks(execute=True):
        login("secretary").post(reverse("meetings:close", args=[meeting.pk]))

    r = row(world.cell)
    assert r.held and r.duration == 100 and r.committee_session is False


def test_a_thematic_meeting_planned_but_never_held_does_not_count(world, clock):
    clock.set(at(2027, 1, 10, 9, 0))
    thematic_row(world.cell, at(2026, 10, 20, 14, 0), topic="Chuyên đề quý IV", status=Meeting.Status.PLANNED)
    thematic_row(
        world.cell_a2,
        at(2026, 10, 20, 14, 0),
        topic="Chuyên đề quý IV",
        status=Meeting.Status.ADOPTED,
    )

    indicators.refresh(dt.date(2026, 12, 1), [world.cell, world.cell_a2])

    assert not row(world.cell, dt.date(2026, 12, 1)).thematic_in_quarter
    assert row(world.cell_a2, dt.date(2026, 12, 1)).thematic_in_quarter


def test_a_score_not_yet_adopted_stays_off_the_indicators_until_the_vote(
    november, world, django_capture_on_commit_callbacks
):
    evaluation = november.evaluations.get()
    evaluation.adopted_at = None
    evaluation.save(update_fields=["adopted_at"])
    indicators.refresh(NOVEMBER, [world.cell])
    assert row(world.cell).score is None  # a draft sheet is not the cell's score

    Vote.objects.create(meeting=november, kind=Vote.Kind.SCORE, question="Thông qua điểm", passed=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.adopt(evaluation=evaluation)
    assert row(world.cell).score == evaluation.total  # adopting refreshes the month at once


def test_a_bulk_writer_that_refreshes_itself_queues_no_refresh_per_meeting(
    world, clock, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks.refresh_meeting_indicators, "delay", queued.append)
    meeting, _created = plan_regular_meeting(cell=world.cell, period=NOVEMBER)
    clock.set(at(2026, 11, 2, 9, 0))

    with tasks.refresh_suspended(), django_capture_on_commit_callbacks(execute=True):
        publish_meeting(meeting=meeting, by=world.secretary.user)
    assert queued == []

    clock.set(at(2026, 11, 5, 14, 0))
    with django_capture_on_commit_callbacks(execute=True):  # outside the bulk writer: queued as usual
        live.open_meeting(meeting=meeting, chair=world.secretary, clerk=world.fellow, by=world.secretary.user)
    assert queued == [meeting.pk]


def test_two_unexcused_absences_in_one_month_count_as_one_month_for_members_at_risk(world, clock):
    w = world
    for month in (8, 9):
        roll(hold(w.cell, dt.date(2026, month, 1)), present=[w.secretary], unexcused=[w.member])
    thematic = thematic_row(
        w.cell,
        at(2026, 9, 20, 14, 0),
        topic="Chuyên đề quý III",
        status=Meeting.Status.CLOSED,
    )
    roll(thematic, present=[w.secretary], unexcused=[w.member])

    indicators.refresh(NOVEMBER, [w.cell])
    assert row(w.cell).members_at_risk == 0  # three meetings, two months

    roll(hold(w.cell, dt.date(2026, 10, 1)), present=[w.secretary], unexcused=[w.member])
    indicators.refresh(NOVEMBER, [w.cell])
    assert row(w.cell).members_at_risk == 1


def test_a_member_absent_with_reason_from_four_meetings_in_a_row_raises_the_alert(world, clock):
    w = world
    for month in (7, 8, 9):
        roll(hold(w.cell, dt.date(2026, month, 1)), present=[w.secretary], excused=[w.member])
    indicators.refresh(dt.date(2026, 9, 1), [w.cell])
    assert "excused_streak" not in row(w.cell, dt.date(2026, 9, 1)).alerts.split()  # three: not more than 3

    roll(hold(w.cell, OCTOBER), present=[w.secretary], excused=[w.member])
    indicators.refresh(OCTOBER, [w.cell])

    assert row(w.cell, OCTOBER).excused_streaks == 1
    assert "excused_streak" in row(w.cell, OCTOBER).alerts.split()


def test_a_meeting_shorter_than_its_rules_minimum_raises_the_alert(world, clock):
    roll(hold(world.cell, OCTOBER, minutes=80), present=[world.secretary, world.member])
    roll(hold(world.cell_a2, OCTOBER, minutes=90), present=[world.officer])

    indicators.refresh(OCTOBER, [world.cell, world.cell_a2])

    assert "short_meeting" in row(world.cell, OCTOBER).alerts.split()
    assert "short_meeting" not in row(world.cell_a2, OCTOBER).alerts.split()


def test_a_session_shared_with_a_thematic_meeting_is_short_under_120_minutes(world, clock):
    regular = hold(world.cell, OCTOBER, minutes=100)
    roll(regular, present=[world.secretary, world.member])
    thematic_row(
        world.cell,
        regular.scheduled_at,
        topic="Chuyên đề quý IV",
        status=Meeting.Status.CLOSED,
        shares_session_with=regular,
    )

    indicators.refresh(OCTOBER, [world.cell])

    assert row(world.cell, OCTOBER).min_duration == 120
    assert "short_meeting" in row(world.cell, OCTOBER).alerts.split()
