"""The sheet is pre-filled from the record, criterion by criterion, by the rubric's own scales; what the record
cannot answer starts at 0 and is judged by hand (evaluations/facts.py, evaluations/defaults.py)."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Score
from meetings.models import Meeting, SelfCriticismTurn, Task, Vote

from .conftest import OCTOBER, hold, roll, session, speak, vi, vote


def held(cell, **roll_call) -> Meeting:
    """The cell's meeting of the month, held, with its roll call: present=, excused=, unexcused= members."""
    meeting = hold(cell)
    roll(meeting, **roll_call)
    return meeting


def sheet(meeting) -> dict[str, Score]:
    evaluation = services.open_sheet(meeting=meeting)
    return {s.criterion.code: s for s in evaluation.scores.select_related("criterion")}


def points(meeting, code) -> Decimal:
    return sheet(meeting)[code].points


def thematic_in_same_session(meeting, *, status=Meeting.Status.CLOSED) -> Meeting:
    return Meeting.objects.create(
        cell=meeting.cell,
        kind=Meeting.Kind.THEMATIC,
        topic="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        period=meeting.period,
        scheduled_at=meeting.scheduled_at + dt.timedelta(minutes=95),
        shares_session_with=meeting,
        status=status,
    )


# --- Duration: 90 minutes at least, 120 when a thematic meeting shares the session ---------------------


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(130, 5), (90, 5), (89, 4), (75, 4), (74, 3), (60, 3), (59, 2), (45, 2), (44, 1), (10, 1)],
)
def test_duration_points_against_the_90_minute_minimum(world, clock, minutes, expected):
    meeting = hold(world.cell, minutes=minutes)

    score = sheet(meeting)["duration"]

    assert score.points == expected
    assert score.prefilled
    assert score.fact == vi("%(d)s minutes (at least %(m)s)", d=minutes, m=90)


@pytest.mark.parametrize(("minutes", "expected"), [(120, 5), (119, 4), (105, 4), (90, 3), (79, 2), (59, 1)])
def test_with_a_thematic_meeting_in_the_same_session_the_minimum_is_120(world, clock, minutes, expected):
    meeting = hold(world.cell, minutes=minutes)
    thematic_in_same_session(meeting)

    score = sheet(meeting)["duration"]

    assert score.points == expected
    assert score.fact == vi("%(d)s minutes (at least %(m)s)", d=minutes, m=120)


def test_a_cancelled_thematic_meeting_does_not_raise_the_minimum(world, clock):
    meeting = hold(world.cell, minutes=100)
    thematic_in_same_session(meeting, status=Meeting.Status.CANCELLED)

    assert points(meeting, "duration") == 5


# --- Attendance ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "expected"),
    [(20, 4), (18, 4), (17, 3), (15, 3), (14, 2), (13, 2), (12, 1), (5, 1)],
)
def test_attendance_rate_bands(band_cell, clock, present, expected):
    """Of 20 members: ≥ 90% → 4, 75–<90% → 3, 65–<75% → 2, below → 1 (the others excused)."""
    cell, members = band_cell
    meeting = held(cell, present=members[:present], excused=members[present:])

    score = sheet(meeting)["attendance"]

    assert score.points == expected
    assert score.fact == f"{100 * present / 20:.0f}%"


def test_a_member_absent_without_reason_costs_no_attendance_point_above_the_rate(band_cell, clock):
    # The HD 42-era sheet gives its fifth point for no member absent with reason more than 3 times in a row,
    # not for "no absence without reason" (DOMAIN.md §3.2).
    cell, members = band_cell
    meeting = held(cell, present=members[:19], unexcused=members[19:])

    scores = sheet(meeting)

    assert scores["attendance"].points == 4  # 95%
    assert scores["no_excused_streak"].points == 1
    assert "no_unexcused" not in scores


def test_a_member_absent_with_reason_four_meetings_in_a_row_costs_the_fifth_attendance_point(
    band_cell, clock
):
    cell, members = band_cell
    for month in (8, 9, 10):
        roll(hold(cell, dt.date(2026, month, 1)), present=members[:19], excused=members[19:])
    meeting = held(cell, present=members[:19], excused=members[19:])

    score = sheet(meeting)["no_excused_streak"]

    assert score.points == 0
    assert score.fact == vi(
        "%(n)d members absent with reason more than %(limit)d meetings in a row", n=1, limit=3
    )


def test_three_absences_with_reason_in_a_row_keep_the_fifth_attendance_point(band_cell, clock):
    cell, members = band_cell
    for month in (9, 10):
        roll(hold(cell, dt.date(2026, month, 1)), present=members[:18], excused=members[18:])
    meeting = held(cell, present=members[:18], excused=members[18:])

    assert points(meeting, "no_excused_streak") == 1


# --- Preparation ---------------------------------------------------------------------------------------


def test_a_committee_session_with_a_draft_resolution_earns_both_preparation_lines(world, clock):
    meeting = hold(world.cell)
    session(meeting, days_before=5, draft="Dự thảo nghị quyết tháng 11")

    scores = sheet(meeting)

    assert scores["committee_session"].points == 3
    assert scores["committee_session"].fact == vi("held %(n)d days before", n=5)
    assert scores["draft"].points == 3


def test_a_committee_session_without_a_draft_earns_only_the_session(world, clock):
    meeting = hold(world.cell)
    session(meeting, draft="  ")

    scores = sheet(meeting)

    assert scores["committee_session"].points == 3
    assert scores["draft"].points == 0
    assert scores["draft"].fact == vi("no draft resolution")


def test_no_committee_session_earns_neither(world, clock):
    meeting = hold(world.cell)

    scores = sheet(meeting)

    assert (scores["committee_session"].points, scores["draft"].points) == (0, 0)
    assert scores["committee_session"].prefilled  # the record answers: there was none


@pytest.mark.parametrize(("days", "notice", "documents"), [(3, 2, 2), (1, 2, 2), (0, 2, 0), (None, 0, 0)])
def test_documents_published_at_least_one_day_ahead(world, clock, days, notice, documents):
    meeting = hold(world.cell, published_days=days)

    scores = sheet(meeting)

    assert scores["notice"].points == notice
    assert scores["documents"].points == documents


# --- Conduct -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("speakers", "expected"),
    [(20, 10), (11, 10), (10, 8), (8, 8), (7, 6), (6, 6), (5, 4), (0, 4)],
)
def test_speakers_among_those_present(band_cell, clock, speakers, expected):
    """Of 20 present: more than half → 10, 40–50% → 8, 30–40% → 6, fewer → 4."""
    cell, members = band_cell
    meeting = held(cell, present=members)
    speak(meeting, members[:speakers])

    score = sheet(meeting)["participation"]

    assert score.points == expected
    assert score.fact == vi("%(s)d of %(p)d present spoke %(c)d comments", s=speakers, p=20, c=speakers)


def test_a_member_who_speaks_three_times_counts_once(band_cell, clock):
    cell, members = band_cell
    meeting = held(cell, present=members)
    speak(meeting, members[:7], times=3)

    score = sheet(meeting)["participation"]

    assert score.points == 6  # 7 of 20 = 35%
    assert score.fact == vi("%(s)d of %(p)d present spoke %(c)d comments", s=7, p=20, c=21)


def test_the_superior_officers_remarks_are_not_a_member_speaking(band_cell, clock):
    """Ten of twenty members spoke (50%: not more than half); the superior officer's remarks, entered as a
    guest's comment, must not lift the cell into the top band."""
    cell, members = band_cell
    meeting = held(cell, present=members)
    speak(meeting, members[:10])
    meeting.comments.create(
        speaker_name="Lê Văn Phúc", text="Đề nghị chi bộ chú ý công tác phát triển đảng viên."
    )

    assert points(meeting, "participation") == 8


def test_self_criticism_done_at_the_meeting(world, clock):
    meeting = hold(world.cell)
    SelfCriticismTurn.objects.create(
        cell=world.cell, member=world.member, period=meeting.period, meeting=meeting, done=True
    )

    assert points(meeting, "criticism") == 5


def test_no_self_criticism_at_the_meeting(world, clock):
    meeting = hold(world.cell)
    SelfCriticismTurn.objects.create(
        cell=world.cell, member=world.member, period=meeting.period, meeting=meeting, done=False
    )

    assert points(meeting, "criticism") == 0


# --- Results of last month's resolution ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "expected"), [(10, 30), (9, 30), (8, 27), (7, 24), (6, 20), (5, 15), (4, 10), (0, 10)]
)
def test_share_of_last_months_tasks_done(world, clock, done, expected):
    october = hold(world.cell, OCTOBER)
    for i in range(10):
        Task.objects.create(
            meeting=october,
            title=f"Nhiệm vụ {i + 1}",
            assignee=world.member,
            due_on=dt.date(2026, 10, 31),
            status=Task.Status.DONE if i < done else Task.Status.OPEN,
        )
    meeting = hold(world.cell)

    score = sheet(meeting)["results"]

    assert score.points == expected
    assert score.fact == vi("%(d)d of %(n)d tasks done", d=done, n=10)


def test_without_tasks_last_month_the_results_are_judged_by_hand(world, clock):
    hold(world.cell, OCTOBER)
    meeting = hold(world.cell)

    score = sheet(meeting)["results"]

    assert (score.points, score.prefilled) == (None, False)


# --- Closing -------------------------------------------------------------------------------------------


def test_resolution_and_minutes_adopted_and_tasks_assigned(world, clock):
    meeting = hold(world.cell)
    vote(meeting, Vote.Kind.RESOLUTION)
    vote(meeting, Vote.Kind.MINUTES)
    Task.objects.create(
        meeting=meeting, title="Nộp báo cáo", assignee=world.fellow, due_on=dt.date(2026, 11, 30)
    )

    scores = sheet(meeting)

    assert (scores["resolution"].points, scores["minutes"].points, scores["tasks"].points) == (2, 2, 1)
    assert scores["minutes"].fact == vi("minutes adopted")


def test_failed_votes_and_no_tasks_earn_nothing_in_closing(world, clock):
    meeting = hold(world.cell)
    vote(meeting, Vote.Kind.RESOLUTION, passed=False)
    vote(meeting, Vote.Kind.MINUTES, passed=False)

    scores = sheet(meeting)

    assert (scores["resolution"].points, scores["minutes"].points, scores["tasks"].points) == (0, 0, 0)
    assert scores["minutes"].fact == vi("minutes not adopted")


# --- What the record cannot answer ---------------------------------------------------------------------


def test_criteria_the_record_cannot_answer_start_unscored_judged_by_hand(world, login, clock):
    meeting = hold(world.cell)
    session(meeting, draft="Dự thảo")

    response = login("secretary").get(reverse("evaluations:score", args=[meeting.pk]))
    scores = sheet(meeting)

    for code in ("content", "facilitation", "principles"):
        assert (scores[code].points, scores[code].prefilled) == (None, False)
    rows = [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in re.findall(r"<tr>(.*?)</tr>", response.content.decode(), flags=re.S)
    ]
    by_hand = vi("judged by hand")
    not_prefilled = [s.criterion.name for s in scores.values() if not s.prefilled]
    assert [row for row in rows if by_hand in row] == [
        row for row in rows if any(name in row for name in not_prefilled)
    ]
    assert any("Chủ trì điều hành dân chủ" in name and by_hand in name for name in rows)
    assert any("Chi ủy họp trước" in name and vi("held %(n)d days before", n=5) in name for name in rows)


def test_a_meeting_still_in_progress_has_no_duration_to_read(world, clock):
    meeting = hold(world.cell, minutes=None, status=Meeting.Status.IN_PROGRESS)

    score = sheet(meeting)["duration"]

    assert (score.points, score.prefilled) == (None, False)


def test_the_sheets_point_fields_hold_numbers_a_browser_accepts(world, login, clock):
    """<input type="number"> takes only a dot decimal: "5,0" would show an empty field that saves as 0."""
    meeting = hold(world.cell, minutes=100)

    html = login("secretary").get(reverse("evaluations:score", args=[meeting.pk])).content.decode()
    scores = {s.criterion_id: s for s in sheet(meeting).values()}

    fields = re.findall(r'<input[^>]*name="points_(\d+)"[^>]*>', html)
    assert len(fields) == len(scores)
    for tag in re.findall(r'<input[^>]*name="points_\d+"[^>]*>', html):
        criterion_id = int(re.search(r'name="points_(\d+)"', tag).group(1))
        value = re.search(r'value="([^"]*)"', tag).group(1)
        maximum = re.search(r'max="([^"]*)"', tag).group(1)
        assert re.fullmatch(r"(\d+(\.\d+)?)?", value), tag  # empty: not scored yet
        assert re.fullmatch(r"\d+(\.\d+)?", maximum), tag
        assert (Decimal(value) if value else None) == scores[criterion_id].points
        assert Decimal(maximum) == scores[criterion_id].criterion.max_points


def test_a_delegate_from_above_who_comments_from_their_own_account_is_not_a_member_speaking(
    band_cell, clock, world
):
    """Ten of twenty members spoke; the superior officer, a party member of another organisation, comments
    from their own phone: a delegate, neither a speaker of the cell nor one of its comments."""
    cell, members = band_cell
    meeting = held(cell, present=members)
    speak(meeting, members[:10])
    speak(meeting, [world.officer])

    score = sheet(meeting)["participation"]

    assert score.points == 8
    assert score.fact == vi("%(s)d of %(p)d present spoke %(c)d comments", s=10, p=20, c=10)
