"""What the record says about a meeting, as numbers a rubric's scale can turn into points."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from documents.models import MinutesVersion
from meetings import absences, live
from meetings import speakers as speaker_queue
from meetings.models import CommitteeSession, Meeting, Task, Vote


@dataclass
class Fact:
    value: float | None  # None: the record cannot answer; the criterion is judged by hand
    text: str


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def facts_for(meeting: Meeting) -> dict[str, Fact]:
    q = live.quorum(meeting)
    session = CommitteeSession.objects.filter(meeting=meeting).first()
    # Members who spoke: a delegate's remarks (the superior officer's, a guest's) are not the members'
    # participation, so only speakers on the meeting's roll call count.
    # A member called in a turn of the speaker queue spoke, typed comment or not (as the minutes count).
    on_roll = meeting.attendances.values("member")
    speakers, n_comments = speaker_queue.counts(
        meeting.comments.filter(speaker__in=on_roll).values_list(
            "speaker_id", "speaker_name", "agenda_item_id"
        ),
        meeting.speaking_turns.filter(called_at__isnull=False, member__in=on_roll).values_list(
            "member_id", "agenda_item_id"
        ),
    )
    duration = (
        int((meeting.ended_at - meeting.started_at).total_seconds() // 60)
        if meeting.ended_at and meeting.started_at
        else None
    )
    minimum = meeting.min_minutes
    ahead = meeting.published_days_ahead()
    votes = list(meeting.votes.all())
    previous = (
        Meeting.objects.filter(
            cell=meeting.cell, kind=Meeting.Kind.REGULAR, scheduled_at__lt=meeting.scheduled_at
        )
        .order_by("-scheduled_at")
        .first()
    )
    previous_tasks = list(Task.objects.filter(meeting=previous)) if previous else []
    done = sum(1 for t in previous_tasks if t.status == Task.Status.DONE)
    self_criticisms = meeting.self_criticisms.filter(done=True).count()
    tasks = meeting.tasks.count()
    streak_limit = meeting.rules.excused_streak_limit
    streaks = absences.over_limit(
        absences.longest_excused_runs(cell_ids=[meeting.cell_id], year=meeting.period.year, meeting=meeting),
        streak_limit,
    )
    return {
        "duration_ratio": Fact(
            duration / minimum if duration is not None else None,
            _("%(d)s minutes (at least %(m)s)") % {"d": duration, "m": minimum}
            if duration is not None
            else _("not recorded"),
        ),
        "attendance_rate": Fact(q.rate, _pct(q.rate) if q.rate is not None else _("not recorded")),
        "no_unexcused": Fact(
            0.0 if q.unexcused else 1.0, _("%(n)d absent without reason") % {"n": len(q.unexcused)}
        ),
        "no_excused_streak": Fact(
            0.0 if streaks else 1.0,
            _("%(n)d members absent with reason more than %(limit)d meetings in a row")
            % {"n": len(streaks), "limit": streak_limit},
        ),
        "committee_session": Fact(
            1.0 if session else 0.0,
            _("held %(n)d days before") % {"n": session.days_before} if session else _("not recorded"),
        ),
        "draft_resolution": Fact(
            1.0 if session and session.draft_resolution.strip() else 0.0,
            _("draft resolution prepared")
            if session and session.draft_resolution.strip()
            else _("no draft resolution"),
        ),
        "published": Fact(
            1.0 if meeting.published_at else 0.0,
            _("published") if meeting.published_at else _("not published"),
        ),
        "published_days_ahead": Fact(
            float(ahead) if ahead is not None else 0.0,
            _("%(n)d days ahead") % {"n": ahead} if ahead is not None else _("not published"),
        ),
        "self_criticism": Fact(float(self_criticisms), _("%(n)d members") % {"n": self_criticisms}),
        "speakers_share": Fact(
            speakers / q.present if q.present else None,
            _("%(s)d of %(p)d present spoke %(c)d comments")
            % {"s": speakers, "p": q.present, "c": n_comments},
        ),
        "previous_tasks_done": Fact(
            done / len(previous_tasks) if previous_tasks else None,
            _("%(d)d of %(n)d tasks done") % {"d": done, "n": len(previous_tasks)}
            if previous_tasks
            else _("no tasks last month"),
        ),
        "resolution_adopted": Fact(
            1.0 if any(v.kind == Vote.Kind.RESOLUTION and v.passed for v in votes) else 0.0,
            _("resolution adopted")
            if any(v.kind == Vote.Kind.RESOLUTION and v.passed for v in votes)
            else _("no resolution vote"),
        ),
        "minutes_adopted": Fact(
            1.0
            if MinutesVersion.objects.filter(minutes__meeting=meeting).exists()
            or any(v.kind == Vote.Kind.MINUTES and v.passed for v in votes)
            else 0.0,
            _("minutes adopted")
            if any(v.kind == Vote.Kind.MINUTES and v.passed for v in votes)
            else _("minutes not adopted"),
        ),
        "tasks_assigned": Fact(float(tasks), _("%(n)d tasks assigned") % {"n": tasks}),
    }


FACT_KEYS = [
    "duration_ratio",
    "attendance_rate",
    "no_unexcused",
    "no_excused_streak",
    "committee_session",
    "draft_resolution",
    "published",
    "published_days_ahead",
    "self_criticism",
    "speakers_share",
    "previous_tasks_done",
    "resolution_adopted",
    "minutes_adopted",
    "tasks_assigned",
]


def points_for(scale: list, value: float | None) -> Decimal | None:
    """The first [minimum, points] step the value reaches (scales are highest first). A step written
    [minimum, points, "above"] needs more than its minimum, as a sheet's "trên 50%" / "> 50%" does; a plain
    step is inclusive, as "từ 90% trở lên" / "≥ 90%" is."""
    if value is None or not scale:
        return None
    for minimum, points, *strict in scale:
        reached = value > minimum + 1e-9 if strict == ["above"] else value >= minimum - 1e-9
        if reached:
            return Decimal(str(points))
    return Decimal("0")
