"""The live meeting: roll call, comments, votes, tasks and closing (DESIGN.md section 3, steps 3–4)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import rows
from members import rules
from members.models import Member, Membership, Role, StatusPeriod, Supervision

from . import signals, speakers
from .models import (
    AgendaItem,
    Attendance,
    Ballot,
    Comment,
    Guest,
    Meeting,
    MeetingEvent,
    PhoneBallot,
    PhoneVote,
    Vote,
)

K = StatusPeriod.Kind


def roster_on(cell, day: dt.date) -> list[Member]:
    """The cell's members on a day, from the membership history (a transfer does not rewrite the past)."""
    return list(
        Member.objects.filter(pk__in=Membership.objects.on(day).filter(cell=cell).values("member"))
        .exclude(left_on__lt=day)
        .distinct()
        .order_by("full_name")
    )


@transaction.atomic
def open_meeting(
    *, meeting: Meeting, chair: Member | None, clerk: Member | None, by, moved_reason: str = ""
) -> Meeting:
    """The chair opens the meeting: the roll call is drawn up with each member's standing that day.
    Opened on another day than planned, the meeting keeps its planned date and the journal says it moved."""
    day = timezone.localtime().date()
    session = meeting.shares_session_with if meeting.kind == Meeting.Kind.THEMATIC else None
    if session is not None:
        # One session: the thematic meeting takes the regular meeting's roll call, chair and secretary.
        if session.status not in (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED, Meeting.Status.ADOPTED):
            raise ValidationError(
                _(
                    "Open the regular meeting first: a thematic meeting in the same session takes its roll "
                    "call, chair and meeting secretary."
                )
            )
        chair, clerk = session.chair, session.clerk
    planned = timezone.localtime(meeting.scheduled_at)
    if planned.date() != day:
        note = _("Held on %(held)s instead of %(planned)s") % {
            "held": f"{day:%d/%m/%Y}",
            "planned": f"{planned:%H:%M %d/%m/%Y}",
        }
        reason = moved_reason.strip()
        MeetingEvent.objects.create(
            meeting=meeting,
            action=MeetingEvent.Action.MOVE,
            by=by,
            note=f"{note}: {reason}"[:500] if reason else note,
        )
    meeting.apply(
        "open",
        by=by,
        started_at=timezone.now(),
        chair=chair,
        clerk=clerk,
        current_item=meeting.agenda_items.order_by("position", "pk").first(),
    )
    # One INSERT for the roll and one for its audit history (a plain bulk_create would leave none).
    roll = session_roll(session, meeting) if session is not None else draw_roll_call(meeting, day)
    bulk_create_with_history(roll, Attendance, default_user=by)
    for guest in session.guests.all() if session is not None else ():
        Guest.objects.get_or_create(
            meeting=meeting,
            member=guest.member,
            name=guest.name,
            defaults={"position": guest.position, "is_superior_officer": guest.is_superior_officer},
        )
    for s in Supervision.objects.active_on(day).filter(cell=meeting.cell).select_related("officer"):
        Guest.objects.get_or_create(
            meeting=meeting,
            member=s.officer,
            defaults={
                "name": s.officer.full_name,
                "position": _("Superior officer assigned to the cell"),
                "is_superior_officer": True,
            },
        )
    return meeting


def session_roll(session: Meeting, meeting: Meeting) -> list[Attendance]:
    """Unsaved rows for a thematic meeting held in the same session: the session's roll call as it stands."""
    fields = ("status", "reason", "official", "temporary_here", "elsewhere", "exempt", "suspended")
    return [
        Attendance(
            meeting=meeting,
            member_id=a.member_id,
            checked_in_at=a.checked_in_at,
            self_checked_in=a.self_checked_in,
            **{f: getattr(a, f) for f in fields},
        )
        for a in session.attendances.all()
    ]


def draw_roll_call(meeting: Meeting, day: dt.date) -> list[Attendance]:
    """Unsaved attendance rows for everyone on the cell's roll that day, with their standing."""
    members = roster_on(meeting.cell, day)
    periods: dict[int, set[str]] = {}
    for p in StatusPeriod.objects.active_on(day).filter(member__in=members):
        periods.setdefault(p.member_id, set()).add(p.kind)
    rows = []
    for m in members:
        kinds = periods.get(m.pk, set())
        abroad = K.ABROAD in kinds
        rows.append(
            Attendance(
                meeting=meeting,
                member=m,
                official=m.status == Member.Status.OFFICIAL,
                temporary_here=K.TEMPORARY_HERE in kinds,
                elsewhere=K.TEMPORARY_ELSEWHERE in kinds,
                exempt=K.EXEMPT in kinds,
                suspended=K.SUSPENDED in kinds,
                status=Attendance.Status.EXCUSED if abroad else Attendance.Status.PENDING,
                reason=_("Abroad for study or work") if abroad else "",
            )
        )
    return rows


def default_chair(meeting: Meeting) -> Member | None:
    roles = Role.objects.active_on(timezone.localdate()).filter(organization=meeting.cell)
    for kind in (Role.Kind.SECRETARY, Role.Kind.DEPUTY):
        role = roles.filter(kind=kind).select_related("member").first()
        if role:
            return role.member
    return None


@dataclass
class Quorum:
    """The numbers the chair announces and the minutes record (DOMAIN.md Part 1)."""

    rows: list[Attendance]
    total: int = 0
    official: int = 0
    probationary: int = 0
    temporary_here: int = 0
    exempt: int = 0
    elsewhere: int = 0
    present: int = 0
    pending: int = 0
    adjusted: int = 0
    eligible: int = 0
    rate: float | None = None
    excused: list[Attendance] = field(default_factory=list)
    unexcused: list[Attendance] = field(default_factory=list)

    @classmethod
    def of(cls, attendances) -> Quorum:
        rows = list(attendances)
        seats = [a.seat for a in rows]
        counted = [a for a in rows if a.seat.counted]
        rate = rules.attendance_rate(seats)
        return cls(
            rows=rows,
            total=len(counted),
            official=sum(1 for a in counted if a.official),
            probationary=sum(1 for a in counted if not a.official),
            temporary_here=sum(1 for a in rows if a.temporary_here),
            exempt=sum(1 for a in counted if a.exempt),
            elsewhere=sum(1 for a in counted if a.elsewhere),
            present=sum(1 for a in rows if a.present),
            pending=sum(1 for a in rows if a.status == Attendance.Status.PENDING),
            adjusted=rules.adjusted_official_membership(seats),
            eligible=rules.eligible_voters(seats),
            rate=float(rate) if rate is not None else None,
            # Exempt members who stay away are counted as exempt, not as absent (DOMAIN.md §4.1).
            excused=[
                a for a in rows if a.status == Attendance.Status.EXCUSED and a.expected and not a.exempt
            ],
            unexcused=[
                a for a in rows if a.status == Attendance.Status.UNEXCUSED and a.expected and not a.exempt
            ],
        )

    @property
    def rate_percent(self) -> float | None:
        return None if self.rate is None else 100 * self.rate

    @property
    def voters(self) -> list[Attendance]:
        return [a for a in self.rows if a.may_vote]


def quorum(meeting: Meeting) -> Quorum:
    return Quorum.of(meeting.attendances.select_related("member"))


def _check_live(meeting: Meeting, message: str) -> None:
    if meeting.status != Meeting.Status.IN_PROGRESS:
        raise ValidationError(message)


RECORD_OPEN = (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED)


def check_record_open(meeting: Meeting) -> None:
    """The record is written from the opening until the minutes are adopted; then it is locked, and only a
    correction the cell adopts by vote changes the minutes (a new version)."""
    if meeting.status == Meeting.Status.ADOPTED:
        raise ValidationError(
            _("The minutes of this meeting are adopted: its record is locked. Correct the minutes instead.")
        )
    if meeting.status not in RECORD_OPEN:
        raise ValidationError(_("This is recorded once the meeting is open."))


def add_guest(*, meeting: Meeting, guest: Guest) -> Guest:
    check_record_open(meeting)
    guest.meeting = meeting
    guest.save()
    return guest


def set_clerk(*, meeting: Meeting, clerk: Member) -> Meeting:
    """The meeting secretary may change while the record is open; the clerk of adopted minutes is fixed."""
    check_record_open(meeting)
    meeting.clerk = clerk
    meeting.save(update_fields=["clerk"])
    return meeting


def check_in(*, meeting: Meeting, member: Member) -> Attendance:
    _check_live(meeting, _("You can check in only while the meeting is in progress."))
    attendance = meeting.attendances.filter(member=member).first()
    if attendance is None:
        raise ValidationError(_("You are not on this meeting's roll; ask the meeting secretary."))
    if not attendance.present:
        attendance.status = Attendance.Status.PRESENT
        attendance.reason = ""
        attendance.checked_in_at = timezone.now()
        attendance.self_checked_in = True
        attendance.save(update_fields=["status", "reason", "checked_in_at", "self_checked_in"])
    return attendance


def _check_roll_open(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.ADOPTED:
        check_record_open(meeting)
    if meeting.status not in RECORD_OPEN:
        raise ValidationError(_("Attendance is taken once the meeting is open."))


def mark_attendance(*, attendance: Attendance, status: str, reason: str = "") -> Attendance:
    _check_roll_open(attendance.meeting)
    attendance.status = status
    attendance.reason = reason if status != Attendance.Status.PRESENT else ""
    if status == Attendance.Status.PRESENT and not attendance.checked_in_at:
        attendance.checked_in_at = timezone.now()
    attendance.save(update_fields=["status", "reason", "checked_in_at"])
    return attendance


@transaction.atomic
def mark_all_present(*, meeting: Meeting, by) -> int:
    """Everyone present, in one step: every member expected in the room and not marked yet is recorded present in one
    step, and the secretary then changes only the exceptions. Returns how many were marked.

    A member already marked (checked in by phone, absent, abroad) keeps the mark. Members exempt from activity
    are left unmarked (they are away by right, and are counted present only if they come: DOMAIN.md §2), as
    are those not expected at all (temporary activity elsewhere, suspended)."""
    _check_roll_open(meeting)
    # Locked, as close_meeting does: a check-in saved meanwhile is seen, not overwritten.
    rows = list(
        meeting.attendances.select_for_update()
        .filter(status=Attendance.Status.PENDING, exempt=False, elsewhere=False, suspended=False)
        .order_by("pk")
    )
    now = timezone.now()
    for attendance in rows:
        attendance.status, attendance.reason = Attendance.Status.PRESENT, ""
        attendance.checked_in_at = attendance.checked_in_at or now
    # One UPDATE for the roll and one INSERT for its audit history.
    bulk_update_with_history(rows, Attendance, ["status", "reason", "checked_in_at"], default_user=by)
    return len(rows)


def set_current_item(*, meeting: Meeting, item: AgendaItem) -> None:
    _check_live(meeting, _("The current item is moved only while the meeting is in progress."))
    if item.meeting_id != meeting.pk:
        raise ValidationError(_("This item belongs to another meeting."))
    meeting.current_item = item
    meeting.save(update_fields=["current_item"])
    signals.live_changed.send(sender=Meeting, meeting_id=meeting.pk, comment_ids=())


# The first key of the advisory lock that orders a meeting's comments (`_in_id_order`); the second is the
# meeting's id. An arbitrary number that no other lock of the project uses.
COMMENT_ORDER_LOCK = 19_001


def post_comment(
    *,
    meeting: Meeting,
    speaker: Member | None,
    text: str,
    kind: str,
    client_id: uuid.UUID,
    agenda_item: AgendaItem | None,
    by,
    speaker_name: str = "",
) -> tuple[Comment, bool]:
    """Stores a comment once per client id; a retry returns the stored one (created False).

    While the meeting is in progress the row is written at once and a retry is recognised by the unique
    client id (the insert fails, the stored row answers): the usual comment costs no lookup first. Once
    the meeting is closed, a retry of a comment stored in time is still answered with its row."""
    if meeting.status != Meeting.Status.IN_PROGRESS:
        existing = Comment.objects.filter(client_id=client_id).first()
        if existing:
            return _retried(existing, meeting), False
        _check_live(meeting, _("Comments are taken only while the meeting is in progress."))
    text = text.strip()
    if not text:
        raise ValidationError(_("The comment is empty."))
    comment = Comment(
        meeting=meeting,
        speaker=speaker,
        speaker_name=speaker_name[:150],
        text=text[:5000],
        kind=kind,
        client_id=client_id,
        entered_by=by,
    )
    if agenda_item is not None:
        comment.agenda_item = agenda_item
    else:
        comment.agenda_item_id = meeting.current_item_id  # the item under discussion
    try:
        with transaction.atomic():
            _in_id_order(meeting.pk)
            comment.save(force_insert=True)
    except IntegrityError:
        return _retried(Comment.objects.get(client_id=client_id), meeting), False
    if speaker is not None:
        record_delegate(meeting=meeting, member=speaker)
    # The comment in hand, with its speaker and item: the publication draws it without reading it back.
    signals.live_changed.send(
        sender=Meeting, meeting_id=meeting.pk, comment_ids=(comment.pk,), comments=(comment,)
    )
    return comment, True


def _in_id_order(meeting_id: int) -> None:
    """The comments of one meeting commit in the order of their ids: on PostgreSQL a lock per meeting is
    held from before the id is drawn until the commit (SQLite writes one at a time anyway). A phone polls
    for the ids above the largest it shows; without the lock a comment given a smaller id but committed
    after a larger one would never reach a phone that heard the larger one and then lost its stream."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [COMMENT_ORDER_LOCK, meeting_id % 2**31])


def _retried(comment: Comment, meeting: Meeting) -> Comment:
    """A retry answers with the stored comment, but never with another meeting's (the id would leak it).

    A retry means the first answer was lost, and the process that stored the comment may have died between
    its commit and its publication: the comment is published again (the phones drop an id they already show),
    or a phone that heard a later comment on its stream would never see this one (its polls ask after ids
    above the largest it shows, and no sequence number was spent)."""
    if comment.meeting_id != meeting.pk:
        raise ValidationError(_("This comment was already sent to another meeting."))
    signals.live_changed.send(sender=Meeting, meeting_id=meeting.pk, comment_ids=(comment.pk,))
    return comment


def answer_question(*, comment: Comment, answer: str) -> Comment:
    if comment.kind != Comment.Kind.QUESTION:
        raise ValidationError(_("Only a question to the chair takes an answer."))
    check_record_open(comment.meeting)
    if not answer.strip():  # a question answered with nothing would count as answered and show no answer
        raise ValidationError(_("Write the answer before recording it."))
    comment.answer = answer.strip()
    comment.answered_at = timezone.now()
    comment.save(update_fields=["answer", "answered_at"])
    signals.live_changed.send(sender=Meeting, meeting_id=comment.meeting_id, comment_ids=(comment.pk,))
    return comment


@dataclass(frozen=True)
class PollState:
    status: str
    current_item_id: int | None
    last: int  # the largest comment id, 0 without comments
    answers: int  # how many questions the chair has answered (an answer changes a comment a phone may have)
    vote_signature: str  # "id.revision" of the latest vote on phones, "" without one
    queue: int  # the speaker queue's signature


def poll_state(meeting_id: int) -> PollState | None:
    """What a phone's poll compares with what it shows, from one SQL statement (every poll pays it; a streaming
    phone polls every five minutes, a phone without the stream every 3 s): None if there is no such meeting.
    Written in SQL: the ORM took longer to build the statement than the database to run it."""
    with connection.cursor() as cursor:
        cursor.execute(_POLL_SQL, [meeting_id])
        row = cursor.fetchone()
    if row is None:
        return None
    status, item, last, answers, vote, revision, queue = row
    return PollState(status, item, last or 0, answers, f"{vote}.{revision}" if vote else "", queue)


def update_state(meeting_id: int, published: Sequence[int] = ()) -> Meeting | None:
    """The meeting as a live update shows it, from one statement: the meeting with its current item and, as
    attributes, its counts (`speakers`, `n_comments`: the comments and the speaking turns, as
    `speaker_counts` counts them), its largest comment id (`last`), how many questions are answered (`answers`), its latest vote on phones as
    "id.revision" (`vote_signature`, "" without one) and the speaker queue's signature (`queue_signature`).

    With the ids of the comments an update `published`, also `prev`: the largest id of the meeting below
    the largest published one that the update does not carry (0 if none). A phone that has every comment up
    to `prev` has every comment up to the update's last; one that has not missed a publication and polls
    (static/js/live.js). Comments commit in id order (`_in_id_order`), so `prev` is final when read.

    Written in SQL and read through `core.rows` rather than built with the ORM: this runs for every comment
    posted and every poll with news, and building the counts from expressions cost about 2 ms of CPU a time,
    the meeting's `select_related` read another 0.4 ms (docs/PERFORMANCE.md)."""
    published = list(published)
    if published:
        marks = ", ".join(["%s"] * len(published))
        prev = f"MAX(CASE WHEN id < %s AND id NOT IN ({marks}) THEN id END)"
        prev_params = [max(published), *published]
    else:
        prev, prev_params = "NULL", []
    meeting = rows.first(
        Meeting,
        "t.id = %s",
        [*prev_params, meeting_id, meeting_id],
        related="current_item",
        columns=_STATE_COLUMNS,
        joins=_STATE_JOIN.format(prev=prev),
    )
    if meeting is None:
        return None
    meeting.n_comments = meeting.state_n + meeting.state_turn_opinions
    meeting.speakers = meeting.state_members + meeting.state_guests + meeting.state_turn_speakers
    meeting.last = meeting.state_last
    meeting.answers = meeting.state_answers
    meeting.prev = (meeting.state_prev or 0) if published else None
    meeting.vote, meeting.vote_revision = meeting.state_vote, meeting.state_revision
    meeting.vote_signature = f"{meeting.vote}.{meeting.vote_revision}" if meeting.vote else ""
    meeting.queue_signature = str(meeting.state_queue)
    return meeting


# A member is one speaker; a guest without a member row is one per name. A called turn counts as a speaker
# when the member has no comment in the meeting, and as an opinion when they have none on that item
# (meetings/speakers.py `counts` says the same in Python).
# The latest vote on phones and the speaker queue's signature of meeting `t` (`speakers.signature`).
_VOTE = "(SELECT v.{column} FROM meetings_phonevote v WHERE v.meeting_id = t.id ORDER BY v.id DESC LIMIT 1)"
_QUEUE = """(SELECT COUNT(*) + COUNT(s.called_at) + COUNT(s.ended_at) + COUNT(s.withdrawn_at)
     FROM meetings_speakingturn s WHERE s.meeting_id = t.id)"""
_STATE_COLUMNS = f"""
  c.n AS state_n, c.members AS state_members, c.guests AS state_guests, c.last AS state_last,
  c.answers AS state_answers,
  c.prev AS state_prev, {_VOTE.format(column="id")} AS state_vote,
  {_VOTE.format(column="revision")} AS state_revision, {_QUEUE} AS state_queue,
  (SELECT COUNT(DISTINCT s.member_id) FROM meetings_speakingturn s
     WHERE s.meeting_id = t.id AND s.called_at IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM meetings_comment x WHERE x.meeting_id = s.meeting_id AND x.speaker_id = s.member_id))
    AS state_turn_speakers,
  (SELECT COUNT(*) FROM meetings_speakingturn s
     WHERE s.meeting_id = t.id AND s.called_at IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM meetings_comment x WHERE x.meeting_id = s.meeting_id AND x.speaker_id = s.member_id
         AND x.agenda_item_id = s.agenda_item_id)) AS state_turn_opinions"""
_POLL_SQL = f"""SELECT t.status, t.current_item_id,
  (SELECT MAX(c.id) FROM meetings_comment c WHERE c.meeting_id = t.id),
  (SELECT COUNT(*) FROM meetings_comment c WHERE c.meeting_id = t.id AND c.answered_at IS NOT NULL),
  {_VOTE.format(column="id")}, {_VOTE.format(column="revision")}, {_QUEUE}
FROM meetings_meeting t WHERE t.id = %s"""
_STATE_JOIN = """CROSS JOIN (
  SELECT COUNT(*) AS n, COUNT(DISTINCT speaker_id) AS members,
    COUNT(DISTINCT CASE WHEN speaker_id IS NULL THEN speaker_name END) AS guests,
    MAX(id) AS last, COUNT(answered_at) AS answers, {prev} AS prev
  FROM meetings_comment WHERE meeting_id = %s
) c"""


def speaker_counts(meeting: Meeting) -> tuple[int, int]:
    """(speakers, opinions): "10 đồng chí phát biểu 13 ý kiến", from the comments and the speaking turns
    (a member who spoke in a turn counts even when nobody typed what they said; `speakers.counts`)."""
    rows = meeting.comments.values_list("speaker_id", "speaker_name", "agenda_item_id")
    return speakers.counts(rows, speakers.called_turns(meeting))


def is_delegate(comment: Comment, meeting: Meeting) -> bool:
    return comment.speaker_id is None or comment.speaker.cell_id != meeting.cell_id


def record_delegate(*, meeting: Meeting, member: Member) -> None:
    """A delegate from above who speaks is on the meeting's list of delegates (guests), not on its roll."""
    if member.cell_id == meeting.cell_id or meeting.guests.filter(member=member).exists():
        return
    Guest.objects.create(
        meeting=meeting,
        member=member,
        name=member.full_name,
        position=_("Delegate of %(organization)s") % {"organization": member.cell.name},
    )


# --- Votes ---------------------------------------------------------------------------------------------


def check_vote(*, meeting: Meeting, kind: str, subject: Member | None = None) -> Quorum:
    """Whether a vote of this kind may be taken now (by hand or on phones); the roll call as it stands."""
    # The minutes and the quality score may still be voted on right after the meeting closes.
    after_close = (Vote.Kind.MINUTES, Vote.Kind.SCORE)
    allowed = (
        (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED)
        if kind in after_close
        else (Meeting.Status.IN_PROGRESS,)
    )
    if (
        kind == Vote.Kind.MINUTES
        and meeting.status == Meeting.Status.ADOPTED
        # the minutes (documents/) point at the meeting: asked through that relation, not by importing them
        and Meeting.objects.filter(pk=meeting.pk, minutes__correction__isnull=False).exists()
    ):
        allowed = (Meeting.Status.ADOPTED,)  # the cell's vote on a correction of its adopted minutes
    if meeting.status not in allowed:
        raise ValidationError(_("Votes are taken only while the meeting is in progress."))
    q = quorum(meeting)
    meeting_rules = meeting.rules
    if kind == Vote.Kind.RECOGNITION:
        # Of this cell on the meeting's day: on its roll call, not here on temporary activity.
        on_roll = {a.member_id for a in q.rows if not a.temporary_here}
        if subject is None or subject.status != Member.Status.PROBATIONARY or subject.pk not in on_roll:
            raise ValidationError(_("Choose the probationary member of this cell the vote is about."))
        if q.official < meeting_rules.min_official_members:
            raise ValidationError(
                _("A cell with fewer than %(n)d official members cannot vote on recognition.")
                % {"n": meeting_rules.min_official_members}
            )
    return q


@transaction.atomic
def record_vote(
    *,
    meeting: Meeting,
    kind: str,
    question: str,
    by,
    subject: Member | None = None,
    totals: tuple[int, int, int] | None = None,
    ballots: dict[int, str] | None = None,
    agenda_item: AgendaItem | None = None,
    method: str | None = None,
) -> Vote:
    """Counts a vote by the right rule: more than half of the adjusted official membership for a resolution,
    at least two thirds of all official members for recognition. Totals above the voters are refused.
    `ballots` (member id → choice) are a named vote, by hand or from the phones (`method`)."""
    q = check_vote(meeting=meeting, kind=kind, subject=subject)
    meeting_rules = meeting.rules
    voters = {a.member_id for a in q.voters}
    if ballots is not None:
        unknown = set(ballots) - voters
        if unknown:
            raise ValidationError(_("Only official members present may vote."))
        counted = [ballots[m] for m in ballots if ballots[m]]
        totals = (counted.count("for"), counted.count("against"), counted.count("abstain"))
    votes_for, against, abstain = totals
    if min(totals) < 0:
        raise ValidationError(_("Vote counts cannot be negative."))
    if votes_for + against + abstain > len(voters):
        raise ValidationError(
            _("%(n)d votes were entered but only %(voters)d official members present may vote.")
            % {"n": votes_for + against + abstain, "voters": len(voters)}
        )
    if kind == Vote.Kind.RECOGNITION:
        base = q.official
        passed = rules.recognition_passes(meeting_rules, votes_for=votes_for, official=base)
        rule_text = _("at least 2/3 of all %(n)d official members") % {"n": base}
    else:
        base = q.adjusted
        passed = rules.resolution_passes(meeting_rules, votes_for=votes_for, adjusted=base)
        rule_text = _("more than half of the %(n)d official members counted") % {"n": base}
    vote = Vote.objects.create(
        meeting=meeting,
        kind=kind,
        question=question,
        subject=subject,
        agenda_item=agenda_item,
        method=method or (Vote.Method.NAMED if ballots is not None else Vote.Method.TOTALS),
        votes_for=votes_for,
        votes_against=against,
        abstentions=abstain,
        eligible=len(voters),
        base=base,
        passed=passed,
        rule=f"{rule_text} ({meeting_rules.name})"[:200],
        recorded_by=by,
    )
    if ballots is not None:
        bulk_create_with_history(
            [Ballot(vote=vote, member_id=m, choice=c) for m, c in ballots.items() if c],
            Ballot,
            default_user=by,
        )
    if kind == Vote.Kind.RECOGNITION and passed:
        subject.recognition_proposed_on = timezone.localtime(meeting.held_at).date()
        subject.save(update_fields=["recognition_proposed_on", "updated_at"])
    signals.vote_recorded.send(sender=Meeting, vote=vote)
    return vote


# --- Votes on phones -----------------------------------------------------------------------------------


@transaction.atomic
def open_phone_vote(
    *,
    meeting: Meeting,
    kind: str,
    question: str,
    by,
    subject: Member | None = None,
    agenda_item: AgendaItem | None = None,
) -> PhoneVote:
    """The secretary puts a question to the members' phones; the same checks as a vote entered by hand."""
    check_vote(meeting=meeting, kind=kind, subject=subject)
    try:
        with transaction.atomic():
            vote = PhoneVote.objects.create(
                meeting=meeting,
                kind=kind,
                question=question.strip()[:300],
                subject=subject,
                agenda_item=agenda_item,
                opened_by=by,
            )
    except IntegrityError:  # one_open_phone_vote_per_meeting: one is open already, or opened at the same time
        raise ValidationError(_("A vote on phones is already open: close it first.")) from None
    _vote_changed(meeting.pk)
    return vote


def cast_ballot(*, vote: PhoneVote, member: Member, choice: str) -> PhoneBallot:
    """A member's tap. The same tap again changes nothing (a double tap counts once); another choice replaces
    the first until the vote is closed, as a hand can still go down before the hands are counted."""
    if choice not in Ballot.Choice.values:
        raise ValidationError(_("Choose for, against or abstain."))
    with transaction.atomic():
        vote = PhoneVote.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=vote.pk)
        if not vote.is_open:
            raise ValidationError(_("This vote is closed: your choice was not counted."))
        attendance = vote.meeting.attendances.filter(member=member).first()
        if attendance is None or not attendance.may_vote:
            raise ValidationError(_("Only official members present at the meeting vote."))
        ballot = PhoneBallot.objects.filter(vote=vote, member=member).first()
        if ballot is not None and ballot.choice == choice:
            return ballot
        if ballot is None:
            try:
                with transaction.atomic():
                    ballot = PhoneBallot.objects.create(vote=vote, member=member, choice=choice)
            except IntegrityError:  # the other tap of a double tap got there first
                ballot = PhoneBallot.objects.get(vote=vote, member=member)
        if ballot.choice != choice:
            ballot.choice, ballot.cast_at = choice, timezone.now()
            ballot.save(update_fields=["choice", "cast_at"])
        PhoneVote.objects.filter(pk=vote.pk).update(revision=F("revision") + 1)
        _vote_changed(vote.meeting_id)
    return ballot


@transaction.atomic
def close_phone_vote(*, vote: PhoneVote, by) -> Vote | None:
    """Counts the ballots by `record_vote`, as a named show of hands entered by hand. A ballot of a member
    who is no longer present with a vote is left out; a vote nobody answered is withdrawn (None)."""
    vote = (
        PhoneVote.objects.select_for_update(of=("self",)).select_related("meeting", "subject").get(pk=vote.pk)
    )
    if not vote.is_open:
        raise ValidationError(_("This vote is already closed."))
    voters = {a.member_id for a in quorum(vote.meeting).voters}
    ballots = {b.member_id: b.choice for b in vote.ballots.order_by("pk") if b.member_id in voters}
    result = None
    if ballots:
        result = record_vote(
            meeting=vote.meeting,
            kind=vote.kind,
            question=vote.question,
            subject=vote.subject,
            ballots=ballots,
            agenda_item=vote.agenda_item,
            method=Vote.Method.PHONES,
            by=by,
        )
    vote.closed_at, vote.result = timezone.now(), result
    vote.save(update_fields=["closed_at", "result"])
    PhoneVote.objects.filter(pk=vote.pk).update(revision=F("revision") + 1)
    _vote_changed(vote.meeting_id)
    return result


def _vote_changed(meeting_id: int) -> None:
    """The phones hear that the vote moved (meetings/push.py, when on); its panel is theirs, so they poll."""
    signals.live_changed.send(sender=Meeting, meeting_id=meeting_id, comment_ids=())


@dataclass
class PhoneTally:
    """What the live page shows of the latest vote on phones: the tally, and the member's own choice."""

    vote: PhoneVote
    votes_for: int = 0
    against: int = 0
    abstain: int = 0
    voters: int = 0  # official members present now
    mine: str = ""  # the member's choice, "" before they tap
    may_cast: bool = False

    @property
    def cast(self) -> int:
        return self.votes_for + self.against + self.abstain


def phone_tally(meeting: Meeting, member: Member | None) -> PhoneTally | None:
    vote = meeting.phone_votes.select_related("result").order_by("-pk").first()
    if vote is None:
        return None
    choices = dict(vote.ballots.values_list("member_id", "choice"))
    voters = {a.member_id for a in quorum(meeting).voters}
    counted = [c for m, c in choices.items() if m in voters] if vote.is_open else []
    return PhoneTally(
        vote=vote,
        votes_for=counted.count(Ballot.Choice.FOR),
        against=counted.count(Ballot.Choice.AGAINST),
        abstain=counted.count(Ballot.Choice.ABSTAIN),
        voters=len(voters),
        mine=choices.get(member.pk, "") if member else "",
        may_cast=member is not None and member.pk in voters,
    )


# Members not expected in the room are absent for that reason: exempt, elsewhere, suspended.
NOT_EXPECTED = (("exempt", K.EXEMPT), ("elsewhere", K.TEMPORARY_ELSEWHERE), ("suspended", K.SUSPENDED))


@transaction.atomic
def close_meeting(*, meeting: Meeting, by) -> int:
    """Closes the meeting; members never marked are recorded as absent without reason. Returns how many."""
    if meeting.phone_votes.filter(closed_at__isnull=True).exists():
        raise ValidationError(_("A vote on phones is still open: close the vote first, then the meeting."))
    # Locked, as the plain UPDATE it replaces was: a check-in saved meanwhile is seen, not overwritten.
    pending = list(
        meeting.attendances.select_for_update().filter(status=Attendance.Status.PENDING).order_by("pk")
    )
    unmarked = 0
    for attendance in pending:
        kind = next((kind for flag, kind in NOT_EXPECTED if getattr(attendance, flag)), None)
        if kind is None:
            attendance.status = Attendance.Status.UNEXCUSED
            unmarked += 1
        else:
            attendance.status, attendance.reason = Attendance.Status.EXCUSED, str(kind.label)
    # One UPDATE for the roll and one INSERT for its audit history.
    bulk_update_with_history(pending, Attendance, ["status", "reason"], default_user=by)
    speakers.end_on_close(meeting)
    meeting.apply("close", by=by, ended_at=timezone.now(), current_item=None)
    return unmarked
