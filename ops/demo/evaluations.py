"""Scores and indicators for the demo year: cells differ, so the dashboard shows what to act on."""

import random
from decimal import Decimal

from django.utils import timezone

from core.months import next_month
from evaluations import indicators, services
from evaluations.models import CellMonth, Score
from meetings.models import Meeting, Vote
from members.models import Organization
from ops.demo.meetings import ARTICLE_PERIOD, FIRST_PERIOD, HABITS, MODEL_CELL, vote
from ops.demo.members import seeds_once

MANUAL = {"content": 15, "facilitation": 10, "principles": 5, "results": 30}


@seeds_once(CellMonth)
def seed(root) -> None:
    rng = random.Random(42)
    meetings = Meeting.objects.filter(
        cell__path__startswith=root.path, kind=Meeting.Kind.REGULAR, status=Meeting.Status.ADOPTED
    ).select_related("cell")
    for meeting in meetings:
        _score(meeting, rng)
    cells = list(Organization.objects.under(root).cells())
    period = FIRST_PERIOD
    while period <= ARTICLE_PERIOD.replace(month=12):
        indicators.refresh(period, cells)
        period = next_month(period)


def _score(meeting, rng):
    evaluation = services.open_sheet(meeting=meeting)
    model = meeting.cell.name == MODEL_CELL
    weak = HABITS.get(meeting.cell.name, {}).get("session", 0.8) < 0.6
    for score in Score.objects.filter(evaluation=evaluation, prefilled=False).select_related("criterion"):
        top = MANUAL.get(score.criterion.code, float(score.criterion.max_points))
        share = 0.9 if model else rng.uniform(0.45, 0.75) if weak else rng.uniform(0.8, 1.0)
        score.points = Decimal(str(round(top * share * 2) / 2))
        score.note = "Chi ủy đánh giá" if model else ""
        score.save(update_fields=["points", "note"])
    services.recompute(evaluation)
    vote(
        meeting,
        at=meeting.ended_at or timezone.now(),
        kind=Vote.Kind.SCORE,
        question="Thông qua kết quả tự đánh giá chất lượng",
    )
    services.adopt(evaluation=evaluation)
