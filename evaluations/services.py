"""Score sheets: pre-filled from the record, judged by hand where it cannot answer, adopted by vote,
confirmed or scored separately by the superior officer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from meetings.models import Meeting, Vote
from members.models import Organization

from . import defaults
from .facts import facts_for, points_for
from .models import Criterion, CriterionGroup, Evaluation, Rubric, Score
from .tasks import request_refresh

SCORABLE = (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED, Meeting.Status.ADOPTED)


def rubric_for(meeting: Meeting, kind: str = Rubric.Kind.MEETING) -> Rubric:
    # A meeting already scored keeps that rubric, even if one issued later claims its date.
    scored = Evaluation.objects.filter(meeting=meeting, rubric__kind=kind).order_by("pk").first()
    if scored is not None:
        return scored.rubric
    day = timezone.localtime(meeting.scheduled_at).date()
    rubric = Rubric.objects.for_date(meeting.cell, day, kind)
    if rubric is None:
        raise ValidationError(_("No scoring rubric is in force for this meeting's date."))
    return rubric


@transaction.atomic
def open_sheet(
    *, meeting: Meeting, kind: str = Evaluation.Kind.SELF, rubric: Rubric | None = None, by=None
) -> Evaluation:
    """The score sheet, created once with every fact the record answers; the meeting keeps this rubric. Until
    the cell adopts it, the sheet follows the record each time it is opened (`follow_record`)."""
    if meeting.status not in SCORABLE:
        raise ValidationError(_("A meeting is scored once it has been held."))
    rubric = rubric or rubric_for(meeting)
    evaluation, created = Evaluation.objects.get_or_create(
        meeting=meeting, rubric=rubric, kind=kind, defaults={"created_by": by}
    )
    if created:
        facts = facts_for(meeting)
        criteria = Criterion.objects.filter(group__rubric=rubric)
        scores = []
        for criterion in criteria:
            fact = facts.get(criterion.fact) if criterion.fact else None
            points = _record_points(criterion, fact)
            scores.append(
                Score(
                    evaluation=evaluation,
                    criterion=criterion,
                    prefilled=points is not None,
                    points=points,
                    record_points=points,
                    fact=fact.text[:200] if fact else "",
                )
            )
        bulk_create_with_history(scores, Score, default_user=by)
        recompute(evaluation)
    elif not evaluation.adopted_at:
        follow_record(evaluation)
    return evaluation


def _record_points(criterion: Criterion, fact) -> Decimal | None:
    points = points_for(criterion.scale, fact.value) if fact else None
    return min(points, criterion.max_points) if points is not None else None


def follow_record(evaluation: Evaluation) -> list[Score]:
    """A draft sheet follows the record: each fact is read again; points the record gave and nobody changed
    by hand follow it, points set by hand stay. A changed fact keeps what it said when the sheet was first
    opened (`fact_was`), which the sheet shows. Returns the scores whose fact changed."""
    facts = facts_for(evaluation.meeting)
    changed = []
    for score in evaluation.scores.select_related("criterion").filter(criterion__fact__gt=""):
        fact = facts.get(score.criterion.fact)
        if fact is None:
            continue
        text, points = fact.text[:200], _record_points(score.criterion, fact)
        if text == score.fact and points == score.record_points:
            continue
        if score.points == score.record_points:  # not changed by hand (or never scored)
            score.points = points
            score.prefilled = points is not None
        if text != score.fact:
            original = score.fact_was or score.fact
            score.fact_was = "" if original == text else original
            score.fact = text
        score.record_points = points
        score.save(update_fields=["points", "prefilled", "record_points", "fact", "fact_was"])
        changed.append(score)
    if changed:
        recompute(evaluation)
    return changed


def recompute(evaluation: Evaluation) -> Evaluation:
    """The total of the criteria scored so far; a level only once every criterion is scored (an unscored
    criterion is not a zero), with the starred criteria that kept a top total from the top level."""
    scores = list(evaluation.scores.select_related("criterion"))
    total = sum((s.points for s in scores if s.points is not None), Decimal("0"))
    evaluation.total, evaluation.level, evaluation.level_label, evaluation.short_of_top = total, "", "", []
    if scores and all(s.points is not None for s in scores):
        missing = [
            s.criterion.name
            for s in scores
            if s.criterion.required_for_top and s.points < s.criterion.max_points
        ]
        levels = evaluation.rubric.levels
        level = evaluation.rubric.level_for(float(total), full_marks_ok=not missing)
        evaluation.level, evaluation.level_label = level["code"], level["label"]
        if level is not levels[0] and float(total) >= levels[0]["min"]:
            evaluation.short_of_top = missing
    evaluation.save(update_fields=["total", "level", "level_label", "short_of_top"])
    return evaluation


def unscored(evaluation: Evaluation) -> int:
    return evaluation.scores.filter(points__isnull=True).count()


@transaction.atomic
def save_scores(*, evaluation: Evaluation, values: dict[int, tuple[Decimal | None, str]]) -> Evaluation:
    """values: criterion id -> (points, note); None points: not scored yet. Points outside 0…max are refused."""
    if evaluation.adopted_at and evaluation.kind == Evaluation.Kind.SELF:
        raise ValidationError(_("The cell has adopted this score; it can no longer be changed."))
    scores = {s.criterion_id: s for s in evaluation.scores.select_related("criterion")}
    for criterion_id, (points, note) in values.items():
        score = scores.get(criterion_id)
        if score is None:
            continue
        if points is not None and (points < 0 or points > score.criterion.max_points):
            raise ValidationError(
                _("“%(name)s”: between 0 and %(max)s points.")
                % {"name": score.criterion.name, "max": score.criterion.max_points}
            )
        if points != score.points or note != score.note:
            score.points, score.note = points, note[:500]
            score.save(update_fields=["points", "note"])
    return recompute(evaluation)


def points_of(evaluation: Evaluation) -> dict[str, str | None]:
    """The sheet's points by criterion, as a vote on it is remembered."""
    return {
        str(criterion): None if points is None else str(points)
        for criterion, points in evaluation.scores.values_list("criterion_id", "points")
    }


def remember_voted_sheet(vote: Vote) -> None:
    """The cell voted on its score: each of the meeting's own sheets not adopted yet is remembered as it
    stands, the sheet that vote was about."""
    if vote.kind != Vote.Kind.SCORE:
        return
    for evaluation in Evaluation.objects.filter(
        meeting=vote.meeting, kind=Evaluation.Kind.SELF, adopted_at=None
    ):
        evaluation.voted_points = points_of(evaluation)
        evaluation.save(update_fields=["voted_points"])


def changed_since_vote(evaluation: Evaluation) -> bool:
    """A sheet not adopted yet whose points differ from those the cell last voted on."""
    return (
        evaluation.kind == Evaluation.Kind.SELF
        and evaluation.adopted_at is None
        and evaluation.voted_points is not None
        and evaluation.voted_points != points_of(evaluation)
    )


@transaction.atomic
def adopt(*, evaluation: Evaluation) -> Evaluation:
    """The cell adopts its self-assessment by a vote on the score, once every criterion is scored."""
    left = unscored(evaluation)
    if left:
        raise ValidationError(
            ngettext(
                "%(n)d criterion is not scored yet; score it before adopting the sheet.",
                "%(n)d criteria are not scored yet; score them before adopting the sheet.",
                left,
            )
            % {"n": left}
        )
    # The cell's last word on the score: a vote that failed after one that passed means the cell did not adopt.
    vote = evaluation.meeting.votes.filter(kind=Vote.Kind.SCORE).order_by("-recorded_at", "-pk").first()
    if vote is None or not vote.passed:
        raise ValidationError(_("Record the cell's vote on the score first; it must pass."))
    if changed_since_vote(evaluation):
        raise ValidationError(
            _(
                "The score was changed after the cell's vote on it: read the changes out and take the vote again."
            )
        )
    evaluation.adopted_vote, evaluation.adopted_at = vote, timezone.now()
    evaluation.save(update_fields=["adopted_vote", "adopted_at"])
    meeting_id = evaluation.meeting_id
    request_refresh(meeting_id)  # the dashboard shows the adopted level
    return evaluation


def confirm(*, evaluation: Evaluation, by) -> Evaluation:
    if not evaluation.adopted_at:
        raise ValidationError(_("The superior officer confirms a score the cell has adopted."))
    if evaluation.confirmed_at:
        # Confirmed is final: a second click (another tab, another officer) does not rewrite who and when.
        raise ValidationError(_("This score is already confirmed."))
    evaluation.confirmed_by, evaluation.confirmed_at = by, timezone.now()
    evaluation.save(update_fields=["confirmed_by", "confirmed_at"])
    return evaluation


def annual_level(levels: list[str], *, top_count: int = 7) -> str:
    """The cell's yearly proposal from its monthly levels (DOMAIN.md §3.2): tốt when every meeting was khá or
    better and at least `top_count` were tốt; khá when every meeting was at least trung bình. A month without a
    scored meeting is given as ""."""
    if not any(levels):
        return ""
    # "" is a month that is over without a scored regular meeting: like kém, it rules out khá and tốt.
    levels = [level or "kem" for level in levels]
    if all(level in ("tot", "kha") for level in levels) and levels.count("tot") >= top_count:
        return "tot"
    if all(level in ("tot", "kha", "tb") for level in levels):
        return "kha"
    if levels.count("kem") <= len(levels) // 2:
        return "tb"
    return "kem"


@transaction.atomic
def issue_local_rubric(
    *,
    rubric: Rubric,
    organization: Organization,
    effective_from: dt.date,
    source_number: str,
    source_date: dt.date,
    source_issuer: str,
    full_marks_for_top=defaults.FULL_MARKS_FOR_TOP,
) -> Rubric:
    """A committee's own version of a rubric for the cells below it: the same sheet, with full marks needed
    for the top level on the named criteria. The original is left as it is (sheets keep their version)."""
    copy = Rubric.objects.get(pk=rubric.pk)  # copied as Django copies a row (below): every field kept
    copy.pk, copy._state.adding = None, True
    copy.organization, copy.effective_from = organization, effective_from
    copy.source_number, copy.source_date, copy.source_issuer = source_number, source_date, source_issuer
    copy.save()
    for group in rubric.groups.prefetch_related("criteria"):
        new_group = CriterionGroup.objects.create(rubric=copy, position=group.position, name=group.name)
        criteria = list(group.criteria.all())
        for c in criteria:  # Django's way to copy a row: no primary key, so saving inserts a new one
            c.pk, c._state.adding = None, True
            c.group, c.required_for_top = new_group, c.code in full_marks_for_top
        Criterion.objects.bulk_create(criteria)
    return copy
