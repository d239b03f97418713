"""`manage.py check_records` (audit/invariants.py): a clean record reports nothing; each kind of broken
record, planted in it, is reported, naming the object; --cell and --since narrow the scan; the number of
queries does not grow with the number of meetings."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit import invariants
from audit.invariants import Scope
from documents.models import DocumentNumber, Minutes, MinutesBook, MinutesVersion, Prepared
from evaluations import services as scoring
from evaluations.models import Evaluation
from meetings.models import Attendance, Meeting, Vote
from meetings.services import plan_regular_meeting
from members.models import Organization

from ..factories import thematic_row
from .conftest import at
from .pages import vi

DECEMBER = dt.date(2026, 12, 1)


def found(scope: Scope | None = None) -> dict[str, list[tuple[str, int]]]:
    """{check: [(model, pk), …]} for the checks that found something."""
    return {
        code: [(p.model, p.pk) for p in problems]
        for code, problems in invariants.check(scope).items()
        if problems
    }


def texts(code: str) -> str:
    return "\n".join(p.text for p in invariants.check()[code])


def run(*args) -> str:
    out = io.StringIO()
    call_command("check_records", *args, stdout=out)
    return out.getvalue()


def run_failing(*args) -> tuple[str, CommandError]:
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("check_records", *args, stdout=out)
    return out.getvalue(), error.value


def test_a_clean_adopted_meeting_reports_nothing(adopted):
    assert found() == {}
    out = run()  # no CommandError: the exit status is 0
    assert "  - " not in out


def test_an_adopted_meeting_without_chair_or_meeting_secretary_is_reported(adopted):
    Meeting.objects.filter(pk=adopted.meeting.pk).update(chair=None, clerk=None)

    assert found() == {"adopted_incomplete": [("meeting", adopted.meeting.pk)]}
    line = texts("adopted_incomplete")
    assert "Chi bộ A1" in line and f"#{adopted.meeting.pk}" in line


def test_an_adopted_meeting_whose_chair_is_marked_absent_is_reported(adopted):
    meeting = adopted.meeting
    meeting.attendances.filter(member=meeting.chair).update(status=Attendance.Status.EXCUSED)

    assert found() == {"adopted_incomplete": [("meeting", meeting.pk)]}
    assert vi("the chair is marked absent on the roll call") in texts("adopted_incomplete")


def test_an_adopted_meeting_without_a_roll_call_is_reported(adopted):
    Attendance.objects.filter(meeting=adopted.meeting).delete()

    assert found() == {"adopted_incomplete": [("meeting", adopted.meeting.pk)]}


def test_an_adopted_meeting_with_members_never_marked_is_reported(adopted):
    adopted.meeting.attendances.filter(member=adopted.away).update(status=Attendance.Status.PENDING)

    assert found() == {"adopted_incomplete": [("meeting", adopted.meeting.pk)]}


def test_an_adopted_meeting_whose_minutes_vote_failed_is_reported(adopted):
    """Adoption needs the cell's vote on the minutes, and the vote must pass: a record that says "adopted"
    over a failed vote (written round the services, by an import or by hand) states something false."""
    adopted.meeting.votes.filter(kind=Vote.Kind.MINUTES).update(passed=False)

    assert found() == {"adopted_incomplete": [("meeting", adopted.meeting.pk)]}
    assert vi("no passed vote adopting them") in texts("adopted_incomplete")


def test_a_meeting_held_with_no_attendance_rows_is_reported(adopted, world):
    december, _created = plan_regular_meeting(cell=world.cell, period=DECEMBER)
    Meeting.objects.filter(pk=december.pk).update(
        status=Meeting.Status.CLOSED, started_at=december.scheduled_at, ended_at=december.scheduled_at
    )

    assert found() == {"held_without_attendance": [("meeting", december.pk)]}


def test_a_thematic_meeting_held_in_the_regular_meetings_session_shares_its_roll_call(adopted, world):
    thematic_row(
        world.cell,
        adopted.meeting.scheduled_at,
        topic="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        started_at=adopted.meeting.started_at,
        shares_session_with=adopted.meeting,
        status=Meeting.Status.CLOSED,
    )

    assert found() == {}


def test_minutes_printing_another_day_than_the_meeting_was_held_are_reported(adopted):
    # The meeting was in fact opened the next day; the adopted minutes still print 05/11/2026.
    Meeting.objects.filter(pk=adopted.meeting.pk).update(started_at=at(2026, 11, 6, 14, 0))

    assert found() == {"minutes_dates": [("meeting", adopted.meeting.pk)]}
    line = texts("minutes_dates")
    assert "05/11/2026" in line and "06/11/2026" in line


@pytest.mark.parametrize(
    ("tamper", "part"),
    [
        (lambda c: c | {"conclusion": c["conclusion"] + " Bổ sung sau."}, "the meeting secretary's text"),
        (lambda c: c | {"dues": {**c["dues"], "paid": c["dues"]["paid"] + 100000}}, "the dues"),
        (
            lambda c: (
                c | {"guests": [*c["guests"], {"name": "Khách thêm", "position": "", "superior": False}]}
            ),
            "the guests",
        ),
    ],
    ids=["text", "dues", "guests"],
)
def test_adopted_minutes_that_differ_from_what_the_cell_voted_on_are_reported(adopted, tamper, part):
    """Written outside the app (the admin, a script): the locked text no longer says what was voted on."""
    version = adopted.version
    MinutesVersion.objects.filter(pk=version.pk).update(content=tamper(version.content))

    assert found() == {"minutes_not_as_voted": [("meeting", adopted.meeting.pk)]}
    assert vi(part) in texts("minutes_not_as_voted")


def test_a_cell_without_a_committee_term_is_reported(adopted, world):
    Organization.objects.filter(pk=world.cell_a2.pk).update(term="")

    assert found() == {"cells_without_term": [("organization", world.cell_a2.pk)]}


def test_adopted_minutes_without_a_number_are_reported(adopted):
    DocumentNumber.objects.filter(meeting=adopted.meeting).delete()

    assert found() == {"minutes_numbers": [("meeting", adopted.meeting.pk)]}


def test_a_minutes_number_used_twice_in_a_term_is_reported(adopted, world):
    """A second adopted minutes of the cell printing "01-BB/CB" (its issued number is 02)."""
    december = _adopted_copy(adopted, world, number=2, printed="01-BB/CB")

    problems = found()["minutes_numbers"]

    assert ("meeting", adopted.meeting.pk) in problems  # used twice
    assert problems.count(("meeting", december.pk)) == 2  # used twice, and not the number issued
    assert "2025–2030" in texts("minutes_numbers")


def test_numbers_issued_per_calendar_year_are_reported(adopted, world):
    DocumentNumber.objects.filter(meeting=adopted.meeting).update(term="2026")

    assert found() == {"minutes_numbers": [("organization", world.cell.pk)]}
    assert "2026" in texts("minutes_numbers")


def test_an_adopted_meeting_without_its_adopted_text_is_missing_from_the_book(adopted):
    MinutesVersion.objects.filter(minutes__meeting=adopted.meeting).delete()

    assert found() == {"missing_from_book": [("meeting", adopted.meeting.pk)]}
    assert "2026" in texts("missing_from_book")


def test_a_book_made_after_an_adoption_but_without_it_is_reported(adopted, world):
    book = MinutesBook.objects.create(
        cell=world.cell,
        year=2026,
        status=Prepared.Status.READY,
        entries=0,
        rendered_at=adopted.version.created_at + dt.timedelta(hours=1),
    )
    # A book made before the adoption is merely older; it is not wrong.
    MinutesBook.objects.create(
        cell=world.cell_a2, year=2026, status=Prepared.Status.READY, entries=0, rendered_at=timezone.now()
    )

    assert found() == {"missing_from_book": [("minutes_book", book.pk)]}


@pytest.mark.parametrize("how", ["no score row", "no points"])
@pytest.mark.parametrize("state", ["adopted", "confirmed"])
def test_a_score_sheet_with_unscored_criteria_is_reported(adopted, world, state, how):
    sheet = scoring.open_sheet(meeting=adopted.meeting, by=world.secretary.user)
    sheet.scores.filter(points__isnull=True).update(points=0)
    assert found() == {}  # open, every criterion scored: fine
    if how == "no score row":
        sheet.scores.first().delete()
    else:
        sheet.scores.filter(pk=sheet.scores.first().pk).update(points=None)
    Evaluation.objects.filter(pk=sheet.pk).update(
        **{f"{state}_at": timezone.now()}, adopted_vote=score_vote(adopted)
    )

    assert found() == {"sheets_unscored": [("evaluation", sheet.pk)]}


def score_vote(adopted, *, passed=True) -> Vote:
    return Vote.objects.create(
        meeting=adopted.meeting, kind=Vote.Kind.SCORE, question="Thông qua kết quả tự đánh giá", passed=passed
    )


@pytest.mark.parametrize("vote", ["none", "failed"])
def test_a_self_assessment_adopted_without_a_passed_vote_is_reported(adopted, world, vote):
    sheet = scoring.open_sheet(meeting=adopted.meeting, by=world.secretary.user)
    sheet.scores.update(points=0)
    Evaluation.objects.filter(pk=sheet.pk).update(adopted_at=timezone.now(), adopted_vote=score_vote(adopted))
    assert found() == {}  # adopted by its passed vote: fine

    if vote == "none":
        Evaluation.objects.filter(pk=sheet.pk).update(adopted_vote=None)
    else:
        Vote.objects.filter(meeting=adopted.meeting, kind=Vote.Kind.SCORE).update(passed=False)

    assert found() == {"sheets_without_vote": [("evaluation", sheet.pk)]}
    line = vi("%(meeting)s: score sheet adopted by the cell without a passed vote on the score", meeting="")
    assert line in texts("sheets_without_vote")


# --- The command ------------------------------------------------------------------------------------------


def test_the_command_prints_one_line_per_problem_grouped_with_a_count_and_fails(adopted, world):
    Meeting.objects.filter(pk=adopted.meeting.pk).update(chair=None)
    DocumentNumber.objects.filter(meeting=adopted.meeting).update(term="2026")

    out, error = run_failing()

    lines = [line for line in out.splitlines() if line.startswith("  - ")]
    assert len(lines) == 2
    assert error.returncode == 1
    assert "2" in out.splitlines()[-1]  # "2 vấn đề." / "2 problems found."


def test_cell_limits_the_scan_to_that_cell_or_the_cells_below_a_committee(adopted, world):
    Meeting.objects.filter(pk=adopted.meeting.pk).update(chair=None)

    assert found(Scope(organization=world.cell_a2)) == {}
    assert found(Scope(organization=world.branch_b)) == {}
    assert found(Scope(organization=world.branch_a)) == {
        "adopted_incomplete": [("meeting", adopted.meeting.pk)]
    }
    run("--cell", str(world.other_cell.pk))  # nothing there: no error
    run_failing("--cell", str(world.cell.pk))


@pytest.mark.parametrize(
    "since, reported", [("05/11/2026", True), ("2026-11-05", True), ("06/11/2026", False)]
)
def test_since_takes_meetings_on_or_after_a_day_written_either_way(adopted, since, reported):
    Meeting.objects.filter(pk=adopted.meeting.pk).update(chair=None)

    if reported:
        run_failing("--since", since)
    else:
        run("--since", since)


def test_a_since_that_is_not_a_date_is_refused_with_a_message(db):
    _out, error = run_failing("--since", "31/02/2026")
    assert "31/02/2026" in str(error) and "dd/mm/yyyy" in str(error)


def test_an_unknown_cell_is_refused_with_a_message(db):
    _out, error = run_failing("--cell", "987654")
    assert "987654" in str(error)


def test_the_queries_do_not_grow_with_the_number_of_meetings(adopted, world):
    def plant(months):
        for period in months:
            meeting, _created = plan_regular_meeting(cell=world.cell_a2, period=period)
            Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.ADOPTED)
            thematic_row(world.cell_a2, meeting.scheduled_at, topic="Chuyên đề", status=Meeting.Status.CLOSED)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            invariants.check()
        return len(captured)

    plant([dt.date(2026, 1, 1)])
    few = queries()
    plant([dt.date(2026, month, 1) for month in range(2, 8)])

    assert queries() == few
    assert len(invariants.check()["adopted_incomplete"]) == 7


def _adopted_copy(adopted, world, *, number: int, printed: str) -> Meeting:
    """December's meeting of the same cell, adopted with the November text under another number."""
    december, _created = plan_regular_meeting(cell=world.cell, period=DECEMBER)
    Meeting.objects.filter(pk=december.pk).update(
        status=Meeting.Status.ADOPTED,
        chair=world.secretary,
        clerk=world.fellow,
        started_at=december.scheduled_at,
        ended_at=december.scheduled_at + dt.timedelta(minutes=100),
    )
    Attendance.objects.create(meeting=december, member=world.secretary, status=Attendance.Status.PRESENT)
    DocumentNumber.objects.create(
        organization=world.cell, term=world.cell.term, kind="BB", number=number, meeting=december
    )
    day = timezone.localtime(december.scheduled_at)
    content = {
        **adopted.version.content,
        "number": printed,
        "date": day.strftime("%d/%m/%Y"),
        "place_date": f"Cần Thơ, ngày {day:%d} tháng {day:%m} năm {day:%Y}",
    }
    minutes = Minutes.objects.create(meeting=december)
    MinutesVersion.objects.create(minutes=minutes, version=1, content=content, sha256="0" * 64)
    return december
