"""Levels from the total (with the extra condition for "tốt"), points kept inside each criterion's range, the
cell's adoption by vote, the superior officer's confirmation or own score, and the score in the minutes."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from documents import minutes
from evaluations import services
from evaluations.models import Evaluation, Rubric, Score
from meetings import live
from meetings.models import Meeting

from .conftest import at, full_marks_for_top, hold, open_live, text, vi


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (100, "Tốt"),
        (90, "Tốt"),
        (89.5, "Khá"),
        (89, "Khá"),
        (70, "Khá"),
        (69.5, "Trung bình"),
        (69, "Trung bình"),
        (50, "Trung bình"),
        (49.5, "Kém"),
        (49, "Kém"),
        (0, "Kém"),
    ],
)
def test_level_boundaries(default, total, label):
    assert default.level_for(total)["label"] == label


@pytest.mark.parametrize("total", [90, 95, 100])
def test_without_full_marks_on_a_starred_criterion_90_or_more_is_only_kha(default, total):
    assert default.level_for(total, full_marks_ok=False)["label"] == "Khá"


@pytest.mark.parametrize(("total", "label"), [(89.5, "Khá"), (70, "Khá"), (69.5, "Trung bình"), (10, "Kém")])
def test_below_90_the_starred_criteria_change_nothing(default, total, label):
    assert default.level_for(total, full_marks_ok=False)["label"] == label


# --- Through the sheet --------------------------------------------------------------------------------


@pytest.fixture
def in_meeting(world, clock) -> Meeting:
    """November's meeting of Chi bộ A1, open since 14:00 on the 5th, its three official members present."""
    meeting = open_live(world, clock, present=(world.secretary, world.member, world.fellow))
    clock.set(at(2026, 11, 5, 15, 50))
    return meeting


def score_url(meeting, name="evaluations:score"):
    return reverse(name, args=[meeting.pk])


def sheet_of(meeting, kind=Evaluation.Kind.SELF) -> Evaluation:
    return Evaluation.objects.get(meeting=meeting, kind=kind, rubric__kind=Rubric.Kind.MEETING)


def form(evaluation, **points) -> dict:
    """Every criterion at full marks, except those given by code."""
    data = {}
    for s in evaluation.scores.select_related("criterion"):
        data[f"points_{s.criterion_id}"] = str(points.get(s.criterion.code, s.criterion.max_points))
        data[f"note_{s.criterion_id}"] = ""
    return data


def score_vote(client, meeting, votes_for=3, against=0):
    return client.post(
        reverse("meetings:votes", args=[meeting.pk]),
        {
            "kind": "score",
            "question": "Thông qua kết quả tự đánh giá chất lượng buổi sinh hoạt",
            "method": "totals",
            "votes_for": votes_for,
            "votes_against": against,
            "abstentions": 0,
        },
    )


@pytest.mark.parametrize(
    ("deductions", "total", "label"),
    [
        ({}, "100,0", "Tốt"),
        ({"results": 20}, "90,0", "Tốt"),
        ({"results": "19.5"}, "89,5", "Khá"),
        ({"results": 19}, "89,0", "Khá"),
        ({"results": 0}, "70,0", "Khá"),
        ({"results": 0, "facilitation": "9.5"}, "69,5", "Trung bình"),
        ({"results": 0, "facilitation": 9}, "69,0", "Trung bình"),
        ({"results": 0, "content": 0, "facilitation": 5}, "50,0", "Trung bình"),
        ({"results": 0, "content": 0, "facilitation": "4.5"}, "49,5", "Kém"),
        ({"results": 0, "content": 0, "facilitation": 4}, "49,0", "Kém"),
    ],
)
def test_the_sheet_shows_the_level_its_total_reaches(in_meeting, login, deductions, total, label):
    client = login("secretary")
    client.get(score_url(in_meeting))

    response = client.post(score_url(in_meeting), form(sheet_of(in_meeting), **deductions), follow=True)

    assert vi("Total %(t)s points — level %(l)s", t=total, l=label) in text(response)
    assert sheet_of(in_meeting).level_label == label


@pytest.mark.parametrize(
    ("shortfall", "total"),
    [
        ({"attendance": 3}, "99,0"),
        ({"duration": 4}, "99,0"),
        ({"participation": 8}, "98,0"),
        ({"minutes": 0}, "98,0"),
    ],
)
def test_90_or_more_without_full_marks_on_a_starred_criterion_is_only_kha(
    in_meeting, login, shortfall, total, default, world
):
    full_marks_for_top(default, world)
    client = login("secretary")
    client.get(score_url(in_meeting))

    response = client.post(score_url(in_meeting), form(sheet_of(in_meeting), **shortfall), follow=True)

    assert vi("Total %(t)s points — level %(l)s", t=total, l="Khá") in text(response)


@pytest.mark.parametrize("bad", ["-1", "4.5", "100"])
def test_points_outside_the_criterions_range_are_refused_and_nothing_is_saved(in_meeting, login, bad):
    client = login("secretary")
    client.get(score_url(in_meeting))
    evaluation = sheet_of(in_meeting)
    before = {s.criterion_id: s.points for s in evaluation.scores.all()}
    attendance = evaluation.scores.get(criterion__code="attendance").criterion

    data = form(evaluation, attendance=bad)  # the other criteria change to full marks in the same post
    response = client.post(score_url(in_meeting), data)

    assert response.status_code == 422
    assert vi(
        "“%(name)s”: between 0 and %(max)s points.", name=attendance.name, max=attendance.max_points
    ) in text(response)
    assert {s.criterion_id: s.points for s in evaluation.scores.all()} == before


@pytest.mark.parametrize("bad", ["abc", "NaN", "sNaN"])
def test_points_that_are_not_a_number_are_refused_with_a_message(in_meeting, login, bad):
    client = login("secretary")
    client.get(score_url(in_meeting))
    evaluation = sheet_of(in_meeting)

    response = client.post(score_url(in_meeting), form(evaluation, content=bad))

    assert response.status_code == 422
    assert vi("Points must be a number.") in text(response)
    assert evaluation.scores.get(criterion__code="content").points is None  # still not scored
    content = evaluation.scores.get(criterion__code="content").criterion_id
    assert f'name="points_{content}" value="{bad}"' in response.content.decode()  # what was typed stays


def test_adopting_needs_a_passed_vote_on_the_score(in_meeting, login):
    client = login("secretary")
    client.get(score_url(in_meeting))
    client.post(score_url(in_meeting), form(sheet_of(in_meeting), results=25))
    refusal = vi("Record the cell's vote on the score first; it must pass.")

    response = client.post(score_url(in_meeting), {"adopt": "1"})
    assert refusal in text(response)
    assert sheet_of(in_meeting).adopted_at is None

    score_vote(client, in_meeting, votes_for=1, against=2)  # 1 of 3: not more than half
    response = client.post(score_url(in_meeting), {"adopt": "1"})
    assert refusal in text(response)
    assert sheet_of(in_meeting).adopted_at is None

    score_vote(client, in_meeting, votes_for=3)
    response = client.post(score_url(in_meeting), {"adopt": "1"}, follow=True)
    page = text(response)
    assert vi("The cell adopted the score.") in page
    evaluation = sheet_of(in_meeting)
    assert evaluation.adopted_at is not None
    assert evaluation.adopted_vote.passed
    assert vi("Total %(t)s points — level %(l)s", t="95,0", l="Tốt") in page


def test_a_score_changed_after_the_cells_vote_is_adopted_only_after_a_new_vote(in_meeting, login):
    """The cell votes on the score read out to it; points changed after that vote are not adopted on the
    strength of it."""
    client = login("secretary")
    client.get(score_url(in_meeting))
    client.post(score_url(in_meeting), form(sheet_of(in_meeting), results=25))
    score_vote(client, in_meeting)
    client.post(score_url(in_meeting), form(sheet_of(in_meeting), results=30))

    warned = text(client.get(score_url(in_meeting)))
    response = client.post(score_url(in_meeting), {"adopt": "1"})

    assert vi(
        "The score was changed after the cell's vote on it: read the changes out and take the vote again."
    ) in text(response)
    assert sheet_of(in_meeting).adopted_at is None
    assert (
        vi(
            "The score was changed after the cell's vote on it: read the changes out and take the vote again "
            "before adopting."
        )
        in warned
    )

    score_vote(client, in_meeting)
    client.post(score_url(in_meeting), {"adopt": "1"})
    assert sheet_of(in_meeting).adopted_at is not None
    assert sheet_of(in_meeting).total == Decimal("100")


def test_a_vote_that_failed_after_one_that_passed_leaves_the_score_not_adopted(in_meeting, login):
    client = login("secretary")
    client.get(score_url(in_meeting))
    client.post(score_url(in_meeting), form(sheet_of(in_meeting), results=25))
    score_vote(client, in_meeting, votes_for=3)
    score_vote(client, in_meeting, votes_for=1, against=2)  # the cell's last word: not adopted

    response = client.post(score_url(in_meeting), {"adopt": "1"})

    assert vi("Record the cell's vote on the score first; it must pass.") in text(response)
    assert sheet_of(in_meeting).adopted_at is None


def test_after_adoption_the_cell_cannot_change_its_score(in_meeting, login):
    client = login("secretary")
    client.get(score_url(in_meeting))
    client.post(score_url(in_meeting), form(sheet_of(in_meeting), results=25))
    score_vote(client, in_meeting)
    client.post(score_url(in_meeting), {"adopt": "1"})

    page = client.get(score_url(in_meeting)).content.decode()
    assert 'name="adopt"' not in page
    assert all("disabled" in tag for tag in page.split("<input")[1:] if 'name="points_' in tag)

    response = client.post(score_url(in_meeting), form(sheet_of(in_meeting), results=30))
    assert vi("The cell has adopted this score; it can no longer be changed.") in text(response)
    assert sheet_of(in_meeting).total == Decimal("95")


def _adopted(client, meeting, **points):
    client.get(score_url(meeting))
    client.post(score_url(meeting), form(sheet_of(meeting), **points))
    score_vote(client, meeting)
    client.post(score_url(meeting), {"adopt": "1"})
    return sheet_of(meeting)


def test_the_superior_officer_confirms_an_adopted_score(in_meeting, client, world, login):
    _adopted(login("secretary"), in_meeting, results=15)  # 85: Khá
    client.logout()
    officer = login("officer")

    page = text(officer.get(score_url(in_meeting, "evaluations:score_superior")))
    assert vi("%(k)s: %(t)s points — %(l)s.", k=vi("Cell's self-assessment"), t="85,0", l="Khá") in page
    assert vi("Confirm the cell's score instead") in page

    response = officer.post(reverse("evaluations:confirm", args=[in_meeting.pk]), follow=True)

    assert response.status_code == 200  # back on the officer's own sheet, not on a page they may not open
    page = text(response)
    assert vi("You confirmed the cell's score.") in page
    assert vi("Confirm the cell's score instead") not in page
    evaluation = sheet_of(in_meeting)
    assert evaluation.confirmed_by == world.officer.user
    assert evaluation.confirmed_at is not None
    client.logout()
    cell_page = text(login("secretary").get(score_url(in_meeting)))
    confirmed = vi(
        "Confirmed by %(who)s (superior officer), %(when)s.",
        who=world.officer.full_name,
        when="15:50 05/11/2026",
    )
    assert confirmed in cell_page


def test_the_superior_officer_cannot_confirm_a_score_not_adopted(in_meeting, client, login):
    secretary = login("secretary")
    secretary.get(score_url(in_meeting))
    client.logout()

    response = login("officer").post(reverse("evaluations:confirm", args=[in_meeting.pk]), follow=True)

    assert vi("The superior officer confirms a score the cell has adopted.") in text(response)
    assert sheet_of(in_meeting).confirmed_at is None


def test_the_superior_officer_gives_a_separate_score(in_meeting, client, login):
    cell_sheet = _adopted(login("secretary"), in_meeting, results=25)  # 95: Tốt
    client.logout()
    officer = login("officer")
    url = score_url(in_meeting, "evaluations:score_superior")
    officer.get(url)
    own = sheet_of(in_meeting, Evaluation.Kind.SUPERIOR)

    response = officer.post(url, form(own, results=10, participation=6), follow=True)

    own.refresh_from_db()
    assert (own.total, own.level_label) == (Decimal("76"), "Khá")
    assert own.created_by.username == "officer"
    page = text(response)
    assert vi("Total %(t)s points — level %(l)s", t="76,0", l="Khá") in page
    assert vi("%(k)s: %(t)s points — %(l)s.", k=vi("Cell's self-assessment"), t="95,0", l="Tốt") in page
    cell_sheet.refresh_from_db()
    assert (cell_sheet.total, cell_sheet.level_label) == (Decimal("95"), "Tốt")  # the cell's own stands


def test_the_adopted_score_goes_into_the_minutes(in_meeting, world, login):
    client = login("secretary")
    minutes_url = reverse("documents:minutes", args=[in_meeting.pk])
    sentence = "Quality of the meeting: %(s)s points, level %(l)s."

    client.get(score_url(in_meeting))
    client.post(score_url(in_meeting), form(sheet_of(in_meeting), results="24.5"))
    before = vi(sentence, s="<s>", l="<l>").split("<s>")[0]  # "Chất lượng buổi sinh hoạt: "
    assert before.strip() and before not in text(client.get(minutes_url))  # not adopted yet: no score line

    score_vote(client, in_meeting)
    client.post(score_url(in_meeting), {"adopt": "1"})
    live.close_meeting(meeting=in_meeting, by=world.secretary.user)

    page = text(client.get(minutes_url))
    assert vi(sentence, s="94,5", l="Tốt") in page
    assert "xếp loại Tốt" in page


def test_a_score_voted_before_the_minutes_but_adopted_after_their_vote_goes_into_them(
    in_meeting, world, login
):
    """The usual order (DOMAIN.md §1.4): the score is voted on, then the minutes are read and adopted; the
    sheet itself may be marked adopted in the app only after the minutes' vote. That vote still stands."""
    client = login("secretary")
    client.get(score_url(in_meeting))
    client.post(score_url(in_meeting), form(sheet_of(in_meeting), results="24.5"))
    score_vote(client, in_meeting)
    live.record_vote(
        meeting=in_meeting,
        kind="minutes",
        question="Thông qua biên bản",
        totals=(3, 0, 0),
        by=world.fellow.user,
    )
    client.post(score_url(in_meeting), {"adopt": "1"})
    live.close_meeting(meeting=in_meeting, by=world.secretary.user)

    version = minutes.adopt(meeting=in_meeting, by=world.fellow.user)

    assert version.content["score"]["total"] == "94,5"
    assert version.content["score"]["level"] == "Tốt"


def test_a_whole_number_score_reads_without_decimals_in_the_minutes(world, login, clock):
    meeting = hold(world.cell, status=Meeting.Status.CLOSED)
    client = login("secretary")
    client.get(score_url(meeting))
    Evaluation.objects.filter(meeting=meeting).update(
        total=Decimal("72"), level="kha", level_label="Khá", adopted_at=at(2026, 11, 5, 16, 0)
    )

    page = text(client.get(reverse("documents:minutes", args=[meeting.pk])))

    assert vi("Quality of the meeting: %(s)s points, level %(l)s.", s="72", l="Khá") in page


# --- A sheet states only what is true (issue #14): no level while criteria are unscored, the reason for every
# level, who confirmed it and when.


def _total_box_class(response) -> str:
    return re.search(r'<div class="alert ([^"]*)" id="total">', response.content.decode()).group(1)


def test_a_sheet_nobody_has_scored_says_how_many_criteria_are_left_not_a_red_kem(in_meeting, login):
    response = login("secretary").get(score_url(in_meeting))

    left = sheet_of(in_meeting).scores.filter(prefilled=False).count()
    page = text(response)
    assert left > 0
    assert f"Còn {left} tiêu chí chưa chấm" in page
    assert "xếp loại Kém" not in page
    assert "alert-danger" not in _total_box_class(response)
    assert sheet_of(in_meeting).level == ""


def test_a_point_field_left_blank_stays_unscored_not_zero(in_meeting, login):
    client = login("secretary")
    client.get(score_url(in_meeting))
    evaluation = sheet_of(in_meeting)
    data = form(evaluation)
    content = evaluation.scores.get(criterion__code="content").criterion_id
    data[f"points_{content}"] = ""

    client.post(score_url(in_meeting), data)

    evaluation.refresh_from_db()
    assert evaluation.scores.get(criterion_id=content).points is None
    assert evaluation.level == ""
    assert "điểm — xếp loại" not in text(client.get(score_url(in_meeting)))


def test_a_sheet_with_criteria_left_cannot_be_adopted(in_meeting, login):
    client = login("secretary")
    client.get(score_url(in_meeting))
    score_vote(client, in_meeting)

    response = client.post(score_url(in_meeting), {"adopt": "1"})

    assert "chưa được chấm" in text(response)
    assert sheet_of(in_meeting).adopted_at is None


def test_93_points_is_kha_and_the_sheet_names_the_missing_full_mark(in_meeting, login, default, world):
    full_marks_for_top(default, world)
    client = login("secretary")
    client.get(score_url(in_meeting))
    evaluation = sheet_of(in_meeting)
    duration = evaluation.scores.get(criterion__code="duration").criterion

    response = client.post(score_url(in_meeting), form(evaluation, duration=3, results=25), follow=True)

    page = text(response)
    assert vi("Total %(t)s points — level %(l)s", t="93,0", l="Khá") in page
    reason = page.split(vi("Total %(t)s points — level %(l)s", t="93,0", l="Khá"), 1)[1]
    assert duration.name in reason
    assert "“Tốt”" in reason


def test_a_level_in_its_band_says_which_band(in_meeting, login):
    client = login("secretary")
    client.get(score_url(in_meeting))

    page = text(client.post(score_url(in_meeting), form(sheet_of(in_meeting), results=15), follow=True))

    assert "Khá: từ 70 đến dưới 90 điểm" in page


def test_after_confirming_the_officer_sees_the_confirmed_score_not_a_red_kem(
    in_meeting, client, world, login
):
    _adopted(login("secretary"), in_meeting, results=15)  # 85: Khá
    client.logout()
    officer = login("officer")

    response = officer.post(reverse("evaluations:confirm", args=[in_meeting.pk]), follow=True)

    page = text(response)
    assert "xếp loại Kém" not in page
    assert "alert-danger" not in response.content.decode()
    assert vi("%(k)s: %(t)s points — %(l)s.", k=vi("Cell's self-assessment"), t="85,0", l="Khá") in page
    assert world.officer.full_name in page and "15:50 05/11/2026" in page
    assert Evaluation.objects.get(meeting=in_meeting, kind=Evaluation.Kind.SUPERIOR).level == ""


def test_the_minutes_say_why_a_top_total_is_only_kha(in_meeting, world, login, default):
    full_marks_for_top(default, world)
    client = login("secretary")
    client.get(score_url(in_meeting))
    duration = sheet_of(in_meeting).scores.get(criterion__code="duration").criterion
    client.post(score_url(in_meeting), form(sheet_of(in_meeting), duration=3, results=25))  # 93 without 5/5
    score_vote(client, in_meeting)
    client.post(score_url(in_meeting), {"adopt": "1"})
    live.close_meeting(meeting=in_meeting, by=world.secretary.user)

    page = text(client.get(reverse("documents:minutes", args=[in_meeting.pk])))

    line = vi("Quality of the meeting: %(s)s points, level %(l)s.", s="93", l="Khá")
    assert line in page
    assert duration.name in page.split(line, 1)[1][:300]


def test_existing_sheets_lose_their_unscored_zeros_but_adopted_ones_keep_theirs(world, clock, default):
    """The data migration: a hand-judged line at the old default (0, no note) on a sheet not adopted was never
    scored; an adopted sheet keeps what the cell voted on, and gets the reason a top total missed the top."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("evaluations.migrations.0006_score_unscored_level_reason")
    full_marks_for_top(default, world)
    draft = services.open_sheet(meeting=hold(world.cell))
    adopted = services.open_sheet(meeting=hold(world.cell_a2))
    Score.objects.filter(evaluation__in=[draft, adopted], points__isnull=True).update(points=0)  # the old way
    for score in Score.objects.filter(evaluation=adopted).select_related("criterion"):
        Score.objects.filter(pk=score.pk).update(points=score.criterion.max_points)
    Score.objects.filter(evaluation=adopted, criterion__code="duration").update(points=3)  # 98 without 5/5
    Evaluation.objects.filter(pk=adopted.pk).update(adopted_at=at(2026, 11, 5, 16, 0), level="kha")
    hand_judged = draft.scores.filter(prefilled=False).count()

    migration.unscored_and_reasons(apps, None)

    draft.refresh_from_db()
    adopted.refresh_from_db()
    assert draft.scores.filter(points__isnull=True).count() == hand_judged > 0
    assert (draft.level, draft.level_label) == ("", "")
    assert not adopted.scores.filter(points__isnull=True).exists()
    assert (adopted.total, adopted.level_label) == (Decimal("98"), "Khá")
    assert adopted.short_of_top == [adopted.scores.get(criterion__code="duration").criterion.name]


def test_the_admin_lists_a_sheets_level_by_name_not_by_code(in_meeting, client, world, login):
    _adopted(login("secretary"), in_meeting, results=15)  # 85: Khá
    client.logout()

    page = login("admin").get(reverse("admin:evaluations_evaluation_changelist")).content.decode()

    assert ">Khá<" in page
    assert ">kha<" not in page
