"""The speaker queue of the live meeting ("Xin phát biểu", #21).

A member present taps to ask to speak on the item under discussion (`ask`), or withdraws (`withdraw`); the
chair calls the next in the order they asked (`call_next`, which ends the turn before it) and ends a turn
(`end_turn`). Every step is a `SpeakingTurn` row (with its audit history), and the phones hear of it through
the live path (`signals.live_changed` with `speakers=True`: meetings/push.py then draws the queue).

The poll and the push learn that the queue moved from its signature (`live._QUEUE`, a subquery of the one
statement each runs anyway: `live.poll_state`, `live.update_state`): every step adds one to (turns + called +
ended + withdrawn), and no row is deleted.

Counting speakers: a member who spoke in a turn is a speaker even when nobody typed what they said; a turn on
an item where that member also has a comment is not counted again (`counts`; `live.update_state` counts the
same in SQL for the live page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member

from . import signals
from .models import AgendaItem, Meeting, SpeakingTurn


def _changed(meeting_id: int) -> None:
    signals.live_changed.send(sender=Meeting, meeting_id=meeting_id, comment_ids=(), speakers=True)


def _check_open(meeting: Meeting) -> None:
    if meeting.status != Meeting.Status.IN_PROGRESS:
        raise ValidationError(_("The speaker queue is open only while the meeting is in progress."))


def _locked(meeting: Meeting) -> Meeting:
    """The meeting's row, locked to the end of the transaction: the queue's steps of one meeting take turns."""
    return Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)


@transaction.atomic
def ask(*, meeting: Meeting, member: Member) -> SpeakingTurn:
    """The member asks to speak on the current item. Asking again while the request is open (waiting, or
    speaking now) is the same request: a double tap asks once."""
    meeting = _locked(meeting)
    _check_open(meeting)
    attendance = meeting.attendances.filter(member=member).first()
    if attendance is None or not attendance.present:
        raise ValidationError(_("Only members present at the meeting ask to speak: check in first."))
    if meeting.current_item_id is None:
        raise ValidationError(_("No item is under discussion yet."))
    open_turn = SpeakingTurn.objects.filter(
        meeting=meeting,
        member=member,
        agenda_item_id=meeting.current_item_id,
        withdrawn_at__isnull=True,
        ended_at__isnull=True,
    ).first()
    if open_turn is not None:
        return open_turn
    try:
        with transaction.atomic():
            turn = SpeakingTurn.objects.create(
                meeting=meeting,
                member=member,
                agenda_item_id=meeting.current_item_id,
                requested_at=timezone.now(),
            )
    except IntegrityError:  # one_open_turn_per_member_and_item
        return SpeakingTurn.objects.get(
            meeting=meeting,
            member=member,
            agenda_item_id=meeting.current_item_id,
            withdrawn_at__isnull=True,
            ended_at__isnull=True,
        )
    _changed(meeting.pk)
    return turn


@transaction.atomic
def withdraw(*, meeting: Meeting, member: Member) -> int:
    """The member takes back their requests not yet called; how many (0: nothing was waiting)."""
    meeting = _locked(meeting)
    _check_open(meeting)
    waiting = list(
        SpeakingTurn.objects.filter(
            meeting=meeting, member=member, called_at__isnull=True, withdrawn_at__isnull=True
        )
    )
    now = timezone.now()
    for turn in waiting:  # one by one, each with its history row
        turn.withdrawn_at = now
        turn.save(update_fields=["withdrawn_at"])
    if waiting:
        _changed(meeting.pk)
    return len(waiting)


def _end_current(meeting: Meeting, now: dt.datetime) -> SpeakingTurn | None:
    turn = SpeakingTurn.objects.filter(
        meeting=meeting, called_at__isnull=False, ended_at__isnull=True
    ).first()
    if turn is not None:
        turn.ended_at = now
        turn.save(update_fields=["ended_at"])
    return turn


@transaction.atomic
def call_next(*, meeting: Meeting) -> SpeakingTurn:
    """The chair gives the floor to the first who asked on the current item; the turn before it ends."""
    meeting = _locked(meeting)
    _check_open(meeting)
    turn = waiting(meeting).first()
    if turn is None:
        raise ValidationError(_("Nobody is waiting to speak on this item."))
    now = timezone.now()
    _end_current(meeting, now)
    turn.called_at = now
    turn.save(update_fields=["called_at"])
    _changed(meeting.pk)
    return turn


@transaction.atomic
def end_turn(*, meeting: Meeting) -> SpeakingTurn:
    """The chair ends the turn of whoever has the floor."""
    meeting = _locked(meeting)
    _check_open(meeting)
    turn = _end_current(meeting, timezone.now())
    if turn is None:
        raise ValidationError(_("Nobody has the floor."))
    _changed(meeting.pk)
    return turn


def end_on_close(meeting: Meeting) -> None:
    """The meeting closes: the turn under way ends with it (the requests still waiting were never called)."""
    _end_current(meeting, timezone.now())


def waiting(meeting: Meeting):
    """The requests on the current item not yet called nor withdrawn, in the order they were made."""
    return (
        SpeakingTurn.objects.filter(
            meeting=meeting,
            agenda_item_id=meeting.current_item_id,
            called_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .select_related("member")
        .order_by("requested_at", "pk")
    )


# --- What the pages show -------------------------------------------------------------------------------


@dataclass
class Queue:
    """The queue as every page of the meeting shows it (the same for everyone: it is pushed to all phones)."""

    speaking: SpeakingTurn | None = None
    waiting: list[SpeakingTurn] = field(default_factory=list)
    hint: str = ""  # the rules' time for the current item, where they give one
    signature: str = "0"
    # timezone.now looked up at each call, not bound once (the tests' clock replaces it)
    drawn_at: dt.datetime = field(default_factory=lambda: timezone.now())

    @property
    def speaking_since_ms(self) -> int:
        return int(self.speaking.called_at.timestamp() * 1000) if self.speaking else 0

    @property
    def elapsed(self) -> str:
        """How long the speaker has spoken, "m:ss", when the queue was drawn (the page's script counts on)."""
        if not self.speaking:
            return ""
        seconds = max(0, int((self.drawn_at - self.speaking.called_at).total_seconds()))
        return f"{seconds // 60}:{seconds % 60:02d}"

    @property
    def drawn_at_ms(self) -> int:
        return int(self.drawn_at.timestamp() * 1000)

    def position_of(self, member_id: int | None) -> int | None:
        return next((i for i, t in enumerate(self.waiting, 1) if t.member_id == member_id), None)


def time_hint(meeting: Meeting, item: AgendaItem | None) -> str:
    """The time the party's rules give the item, where they give one. DOMAIN.md sets no time per speaker;
    the one item with a time of its own is self-criticism, 15–30 minutes a meeting (DOMAIN.md §6, a local
    HD 42 sheet: `MeetingRules.self_criticism_minutes`)."""
    if item is None or item.section != "self_criticism":
        return ""
    low, high = meeting.rules.self_criticism_minutes
    return _("This item takes %(low)d–%(high)d minutes by the rules (%(rules)s).") % {
        "low": low,
        "high": high,
        "rules": meeting.rules.name,
    }


def signature(turns) -> str:
    """The queue's signature from the meeting's turns, as `live._QUEUE` computes it in SQL."""
    return str(
        sum(
            1 + (t.called_at is not None) + (t.ended_at is not None) + (t.withdrawn_at is not None)
            for t in turns
        )
    )


def queue_of(meeting: Meeting, turns: list[SpeakingTurn] | None = None) -> Queue:
    """The queue of the current item and who has the floor; `turns`: every turn of the meeting with its
    member, when the caller read them already (one query otherwise)."""
    if turns is None:
        turns = turns_of(meeting)
    speaking = next((t for t in turns if t.called_at and not t.ended_at), None)
    waiting_now = [
        t
        for t in turns
        if t.agenda_item_id == meeting.current_item_id
        and meeting.current_item_id is not None
        and t.called_at is None
        and t.withdrawn_at is None
    ]
    waiting_now.sort(key=lambda t: (t.requested_at, t.pk))
    return Queue(
        speaking=speaking,
        waiting=waiting_now,
        hint=time_hint(meeting, meeting.current_item) if meeting.current_item_id else "",
        signature=signature(turns),
    )


def turns_of(meeting: Meeting) -> list[SpeakingTurn]:
    return list(meeting.speaking_turns.select_related("member").order_by("requested_at", "pk"))


# --- Counting speakers ---------------------------------------------------------------------------------


def counts(comments, turns) -> tuple[int, int]:
    """(speakers, opinions), "N đồng chí phát biểu M ý kiến": `comments` as (speaker_id, speaker_name,
    agenda_item_id), `turns` the called turns as (member_id, agenda_item_id). A turn counts as a speaker and
    an opinion unless the same member has a comment on the same item (then the comment is that opinion)."""
    comments = list(comments)
    said = {(speaker, item) for speaker, _name, item in comments if speaker is not None}
    extra = [(member, item) for member, item in turns if (member, item) not in said or item is None]
    speakers = {(speaker, name if speaker is None else "") for speaker, name, _item in comments}
    speakers |= {(member, "") for member, _item in extra}
    return len(speakers), len(comments) + len(extra)


def called_turns(meeting: Meeting) -> list[tuple[int, int | None]]:
    return list(
        meeting.speaking_turns.filter(called_at__isnull=False).values_list("member_id", "agenda_item_id")
    )
