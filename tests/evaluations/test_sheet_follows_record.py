"""Until the cell adopts it, a score sheet follows the record: a corrected fact changes the points the record
gave, points changed by hand stay, and the sheet says which fact changed. An adopted sheet keeps its facts."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from evaluations import services
from meetings.models import Meeting, Vote

from .conftest import hold, text, vi, vote


def duration(evaluation):
    return evaluation.scores.get(criterion__code="duration")


def shorten(meeting, minutes):
    """The clerk corrects the end time in the record."""
    Meeting.objects.filter(pk=meeting.pk).update(ended_at=meeting.started_at + dt.timedelta(minutes=minutes))


def test_a_draft_sheet_follows_a_corrected_record_and_says_what_changed(world, clock, login):
    meeting = hold(world.cell, minutes=100)
    evaluation = services.open_sheet(meeting=meeting)
    before = evaluation.total
    assert duration(evaluation).points == 5
    shorten(meeting, 60)

    page = login("secretary").get(reverse("evaluations:score", args=[meeting.pk]))

    score = duration(evaluation)
    assert (score.points, score.fact) == (3, vi("%(d)s minutes (at least %(m)s)", d=60, m=90))
    evaluation.refresh_from_db()
    assert evaluation.total == before - 2
    was, now = vi("%(d)s minutes (at least %(m)s)", d=100, m=90), score.fact
    assert vi("The record changed: was “%(was)s”, now “%(now)s”.", was=was, now=now) in text(page)


def test_points_changed_by_hand_stay_when_the_record_changes(world, clock):
    meeting = hold(world.cell, minutes=100)
    evaluation = services.open_sheet(meeting=meeting)
    services.save_scores(evaluation=evaluation, values={duration(evaluation).criterion_id: (Decimal(4), "")})
    shorten(meeting, 60)

    services.open_sheet(meeting=meeting)

    score = duration(evaluation)
    assert score.points == 4
    assert score.fact == vi("%(d)s minutes (at least %(m)s)", d=60, m=90)
    assert score.fact_was == vi("%(d)s minutes (at least %(m)s)", d=100, m=90)


def test_a_fact_corrected_back_is_no_longer_flagged(world, clock):
    meeting = hold(world.cell, minutes=100)
    evaluation = services.open_sheet(meeting=meeting)
    shorten(meeting, 60)
    services.open_sheet(meeting=meeting)
    shorten(meeting, 100)

    services.open_sheet(meeting=meeting)

    score = duration(evaluation)
    assert (score.points, score.fact_was) == (5, "")


def test_an_adopted_sheet_keeps_the_facts_it_was_adopted_with(world, clock):
    meeting = hold(world.cell, minutes=100)
    evaluation = services.open_sheet(meeting=meeting)
    evaluation.scores.filter(points__isnull=True).update(points=0)  # the criteria judged by hand, scored
    vote(meeting, Vote.Kind.SCORE)
    services.adopt(evaluation=evaluation)
    shorten(meeting, 60)

    services.open_sheet(meeting=meeting)

    score = duration(evaluation)
    assert (score.points, score.fact_was) == (5, "")
    assert score.fact == vi("%(d)s minutes (at least %(m)s)", d=100, m=90)
