"""The minutes (biên bản): assembled from the live record, edited by the meeting secretary, adopted and
locked with a SHA-256, corrected only as new versions (DOMAIN.md §4.1)."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings import live
from meetings.models import Attendance, Meeting, Vote
from members.models import NO_TERM, Organization

from . import signals, verification
from .models import DocumentNumber, GeneratedPdf, Minutes, MinutesVersion

# What an official form shows where a fact was never recorded: a line to fill in by hand, not "tại , …".
BLANK = "……………"
NOTE_FIELDS = ("opening", "conclusion", "closing")


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def current_term(organization) -> str:
    """The cell's committee term. Without one nothing is numbered: a number per calendar year would
    restart at 01 every January, inside one term (DOMAIN.md §4.2)."""
    term = organization.term.strip()
    if not term:
        raise ValidationError(NO_TERM)
    return term


def number_for(meeting: Meeting, kind: str) -> DocumentNumber:
    """The meeting's number for a document type, issued once: the next in the cell's committee term."""
    existing = DocumentNumber.objects.filter(meeting=meeting, kind=kind).first()
    if existing:
        return existing
    term = current_term(meeting.cell)
    for _attempt in range(5):
        last = DocumentNumber.objects.filter(organization=meeting.cell, term=term, kind=kind).aggregate(
            m=Max("number")
        )["m"]
        try:
            with transaction.atomic():
                return DocumentNumber.objects.create(
                    organization=meeting.cell, term=term, kind=kind, number=(last or 0) + 1, meeting=meeting
                )
        except IntegrityError:  # another document took that number at the same moment: take the next
            existing = DocumentNumber.objects.filter(meeting=meeting, kind=kind).first()
            if existing:
                return existing
    raise RuntimeError("could not issue a document number")


def _d(value, fmt="SHORT_DATE_FORMAT") -> str:
    return (
        formats.date_format(timezone.localtime(value) if hasattr(value, "tzinfo") else value, fmt)
        if value
        else ""
    )


def _t(value) -> str:
    return timezone.localtime(value).strftime("%H giờ %M") if value else ""


def vote_sentence(vote: Vote) -> str:
    pct = f"{vote.share:.1f}".replace(".", ",")
    return _("%(for)d/%(base)d comrades in favour (%(pct)s%%)") % {
        "for": vote.votes_for,
        "base": vote.base,
        "pct": pct,
    }


def assemble(meeting: Meeting, notes: dict | None = None) -> dict:
    """Everything the minutes say, from the record, in Vietnamese. Free text comes from `notes`. Once the cell
    has voted on its minutes, the dues and the members' names are stated as they stood at that vote (see
    `record_moved`)."""
    record = _minutes(meeting)
    notes = notes if notes is not None else getattr(record, "notes", {}) or {}
    voted = getattr(record, "voted_record", None)
    names = dict(voted.get("names", {})) if voted else {}
    with translation.override("vi"):
        content = _assemble(meeting, notes, votes_until=getattr(record, "votes_until", None), names=names)
    if voted:
        content["dues"] = voted["content"]["dues"]
    return content


def _minutes(meeting):
    return Minutes.objects.filter(meeting=meeting).first()


def _assemble(
    meeting: Meeting, notes: dict, *, votes_until: int | None = None, names: dict | None = None
) -> dict:
    """`names`: the members' names by id as the minutes say them; a member not in it is named as the members'
    list has them now, and added to it (so the caller learns every name the minutes use)."""
    names = {} if names is None else names

    def name(member) -> str:
        return names.setdefault(str(member.pk), member.full_name)

    cell = meeting.cell
    parent = Organization.objects.get_parent(cell) if cell.depth > 1 else None
    # The real day of the meeting: a meeting opened on another day than planned is minuted on that day.
    day = timezone.localtime(meeting.held_at).date()
    ended_day = timezone.localtime(meeting.ended_at).date() if meeting.ended_at else None
    q = live.quorum(meeting)
    attendances = q.rows
    comments_by_item: dict[int | None, list] = {}
    for c in meeting.comments.select_related("speaker").order_by("pk"):
        comments_by_item.setdefault(c.agenda_item_id, []).append(
            {
                "speaker": name(c.speaker) if c.speaker_id else c.speaker_name,
                "kind": c.get_kind_display(),
                "text": c.text,
                "answer": c.answer,
                "delegate": live.is_delegate(c, meeting),
            }
        )
    items = [
        {
            "id": item.pk,
            "title": item.title,
            "presenter": name(item.presenter) if item.presenter_id else "",
            "note": notes.get(str(item.pk), ""),
            "comments": comments_by_item.get(item.pk, []),
        }
        for item in meeting.agenda_items.select_related("presenter")
    ]
    votes = [
        {
            "question": v.question,
            "kind": v.kind,
            "sentence": vote_sentence(v),
            "against": v.votes_against,
            "abstain": v.abstentions,
            "passed": v.passed,
        }
        for v in meeting.votes.order_by("recorded_at", "pk")
        if votes_until is None or v.pk <= votes_until
    ]
    speakers, n_comments = live.speaker_counts(meeting)
    # The month's dues are the regular meeting's business; a thematic meeting's minutes do not repeat them.
    dues_rows = (
        list(meeting.cell.dues.filter(period=meeting.period)) if meeting.kind == Meeting.Kind.REGULAR else []
    )
    number = DocumentNumber.objects.filter(meeting=meeting, kind=DocumentNumber.Kind.MINUTES).first()
    kind_title = _("regular") if meeting.kind == Meeting.Kind.REGULAR else _("thematic")
    return {
        "superior": parent.name.upper() if parent else "",
        "cell": cell.name.upper(),
        "cell_code": cell.code,
        "number": f"{number.number:02d}-BB/{cell.code}" if number else "",
        "place_date": _("%(place)s, day %(d)s month %(m)s year %(y)s")
        % {"place": cell.place or BLANK, "d": f"{day.day:02d}", "m": f"{day.month:02d}", "y": day.year},
        "title": _("party cell %(kind)s meeting of month %(m)s year %(y)s")
        % {"kind": kind_title, "m": f"{meeting.period.month:02d}", "y": meeting.period.year},
        "topic": meeting.topic,
        "date": _d(day),
        "started": _t(meeting.held_at),
        "ended": _t(meeting.ended_at),
        "ended_date": _d(ended_day),
        "planned_date": _d(timezone.localtime(meeting.scheduled_at).date())
        if meeting.held_on_another_day
        else "",
        "place": meeting.place or BLANK,
        "chair": name(meeting.chair) if meeting.chair_id else "",
        "clerk": name(meeting.clerk) if meeting.clerk_id else "",
        "totals": {
            "members": q.total,
            "official": q.official,
            "probationary": q.probationary,
            "temporary_here": q.temporary_here,
            "exempt": q.exempt,
            "elsewhere": q.elsewhere,
            "present": q.present,
            "adjusted": q.adjusted,
            "rate": f"{q.rate_percent:.1f}".replace(".", ",") if q.rate is not None else "",
        },
        "excused": [{"name": name(a.member), "reason": a.reason} for a in q.excused],
        "unexcused": [{"name": name(a.member)} for a in q.unexcused],
        "guests": [
            {"name": g.name, "position": g.position, "superior": g.is_superior_officer}
            for g in meeting.guests.order_by("-is_superior_officer", "pk")
        ],
        "items": items,
        "unassigned_comments": comments_by_item.get(None, []),
        "speakers": speakers,
        "comments": n_comments,
        "votes": votes,
        "tasks": [
            {"title": t.title, "assignee": name(t.assignee), "due": _d(t.due_on)}
            for t in meeting.tasks.select_related("assignee")
        ],
        "dues": {
            "due": sum(e.due for e in dues_rows),
            "paid": sum(e.paid for e in dues_rows),
            "payers": sum(1 for e in dues_rows if e.settled and e.due),
        },
        "score": _score(meeting),
        "opening": notes.get("opening", ""),
        "conclusion": notes.get("conclusion", ""),
        "closing": notes.get("closing", ""),
        "present_names": [name(a.member) for a in attendances if a.status == Attendance.Status.PRESENT],
    }


def _score(meeting: Meeting) -> dict | None:
    """The cell's adopted self-assessment, for the minutes (DOMAIN.md §4.1): evaluations/ answers
    (evaluations.receivers.minutes_score), since it sits above documents/."""
    answers = [score for _receiver, score in signals.minutes_score.send(sender=Meeting, meeting=meeting)]
    return next((score for score in answers if score), None)


def save_notes(*, meeting: Meeting, notes: dict, by) -> Minutes:
    if meeting.status not in (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED):
        raise ValidationError(
            _("The draft minutes can be edited from the opening of the meeting until their adoption.")
        )
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    minutes.notes = notes
    minutes.updated_by = by
    minutes.save()
    return minutes


def check_complete(meeting: Meeting) -> None:
    """Minutes without a roll call, a chair or a meeting secretary are empty: they are never adopted; nor are
    minutes whose chair or meeting secretary the roll call marks absent."""
    if not meeting.chair_id or not meeting.clerk_id:
        raise ValidationError(_("Name the chair and the meeting secretary before adopting the minutes."))
    if not meeting.attendances.exists():
        raise ValidationError(_("The minutes have no roll call; take it before adopting them."))
    away = set(
        meeting.attendances.filter(
            member_id__in=[meeting.chair_id, meeting.clerk_id],
            status__in=[Attendance.Status.EXCUSED, Attendance.Status.UNEXCUSED],
        ).values_list("member_id", flat=True)
    )
    if away:
        raise ValidationError(
            _(
                "The roll call marks %(who)s absent, yet the minutes name them as chair or meeting secretary: "
                "correct the roll call or name who really chaired and wrote the minutes."
            )
            % {"who": ", ".join(m.full_name for m in (meeting.chair, meeting.clerk) if m.pk in away)}
        )


def adoption_vote(meeting: Meeting) -> Vote | None:
    return meeting.votes.filter(kind=Vote.Kind.MINUTES).order_by("-recorded_at", "-pk").first()


@transaction.atomic
def adopt(*, meeting: Meeting, by) -> MinutesVersion:
    """Locks the minutes after the cell's adoption vote: number, content and its SHA-256."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.check_allows("adopt_minutes")
    current_term(meeting.cell)
    vote = adoption_vote(meeting)
    if vote is None or not vote.passed:
        raise ValidationError(_("Record the cell's vote adopting the minutes first; it must pass."))
    check_complete(meeting)
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    if changed_since_vote(minutes):
        raise ValidationError(
            _(
                "The draft minutes were changed after the cell's vote adopting them: read the changes out and "
                "take the vote again."
            )
        )
    moved = record_moved(minutes, assemble(meeting, minutes.notes))
    if moved:
        raise ValidationError(
            _(
                "Since the cell's vote on the minutes the record has changed (%(parts)s): read the changes out "
                "and take the vote again."
            )
            % {"parts": ", ".join(moved)}
        )
    minutes.votes_until = meeting.votes.aggregate(m=Max("pk"))["m"]
    minutes.save(update_fields=["votes_until", "updated_at"])
    number_for(meeting, DocumentNumber.Kind.MINUTES)
    version = _new_version(minutes, by=by, reason="")
    meeting.apply("adopt_minutes", by=by)
    request_pdf(meeting=meeting, kind=GeneratedPdf.Kind.MINUTES)
    _renew_resolution(meeting)
    return version


def remember_voted_draft(vote) -> None:
    """The cell voted on its minutes (before their adoption): the meeting secretary's text as it stands now
    is the text voted on. A vote on a correction of adopted minutes is tied to it by `after_vote` instead."""
    if vote.kind != Vote.Kind.MINUTES or vote.meeting.status == Meeting.Status.ADOPTED:
        return
    meeting = vote.meeting
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    minutes.voted_notes = minutes.notes or {}
    names = {}  # every member's name as read out, by id: a name put right later does not change the minutes
    with translation.override("vi"):
        content = _assemble(meeting, minutes.voted_notes, votes_until=vote.pk, names=names)
    pending = meeting.attendances.filter(status=Attendance.Status.PENDING).select_related("member")
    minutes.voted_record = {
        "content": _record_of(content),
        "pending": [names.setdefault(str(a.member_id), a.member.full_name) for a in pending],
        "names": names,
    }
    minutes.save(update_fields=["voted_notes", "voted_record"])


def changed_since_vote(minutes: Minutes | None) -> bool:
    """The draft differs from the one the cell last voted on (never true before a vote)."""
    return (
        minutes is not None
        and minutes.voted_notes is not None
        and minutes.voted_notes != (minutes.notes or {})
    )


# The cell adopts the minutes its meeting secretary read out to it. After that vote the record may still do
# only what the end of an evening does: the meeting closes (its closing time; members never marked are
# recorded absent without reason), the score the cell voted on before is written in once adopted, and the
# number is issued at adoption. The dues, and the members' names, are stated as they stood at the vote
# (`assemble`): a payment entered the next day belongs to the ledger, and a name put right the next morning to
# the members' list, not to minutes already read out. Anything else that moved was not read.
SETTLED_LATER = ("superior", "cell", "cell_code", "number", "place_date", "ended", "ended_date", "dues")
PARTS = (
    (("title", "topic", "date", "started", "planned_date", "place"), gettext_lazy("the time and place")),
    (("chair", "clerk"), gettext_lazy("the chair or the meeting secretary")),
    (("totals", "excused", "unexcused", "present_names"), gettext_lazy("the roll call")),
    (("guests",), gettext_lazy("the guests")),
    (("items", "unassigned_comments", "speakers", "comments"), gettext_lazy("the agenda and the comments")),
    (("votes",), gettext_lazy("the votes")),
    (("tasks",), gettext_lazy("the tasks")),
    (("score",), gettext_lazy("the self-assessment")),
)


def _record_of(content: dict) -> dict:
    """The minutes' content less the meeting secretary's own text (that is compared on its own: `voted_notes`)."""
    facts = {key: value for key, value in content.items() if key not in NOTE_FIELDS}
    facts["items"] = [{**item, "note": ""} for item in content["items"]]
    return facts


def record_moved(minutes: Minutes | None, content: dict) -> list[str]:
    """The parts of the record that say something now which the minutes the cell voted on did not, beyond
    what the end of an evening settles (see above). Nothing before a vote."""
    voted = minutes.voted_record if minutes is not None else None
    if not voted:
        return []
    then, now = voted["content"], _record_of(content)
    pending = set(voted["pending"])
    now["unexcused"] = [row for row in now["unexcused"] if row["name"] not in pending]
    if then["score"] is None:
        now["score"] = None
    return [str(label) for keys, label in PARTS if any(then.get(key) != now.get(key) for key in keys)]


def not_as_voted(minutes: Minutes, content: dict) -> list[str]:
    """What adopted minutes (`content`) say that the cell did not vote on: the secretary's text other than
    read out, the dues other than stated at the vote, and the parts of the record `record_moved` names.
    Nothing for minutes voted on before their vote was kept. For `manage.py check_records`."""
    if minutes.voted_record is None:
        return []
    differs = []
    if minutes.voted_notes is not None and with_notes(content, minutes.voted_notes) != content:
        differs.append(_("the meeting secretary's text"))
    if content.get("dues") != minutes.voted_record["content"]["dues"]:
        differs.append(_("the dues"))
    return differs + record_moved(minutes, content)


def with_notes(content: dict, notes: dict) -> dict:
    """Adopted minutes with the meeting secretary's text replaced: what a correction changes, and all it
    changes. The record's facts stay as adopted (a dues payment or a name changed later is not written in)."""
    content = {**content, **{key: notes.get(key, "") for key in NOTE_FIELDS}}
    content["items"] = [{**item, "note": notes.get(str(item.get("id")), "")} for item in content["items"]]
    return content


def pending_correction(meeting: Meeting) -> dict | None:
    record = _minutes(meeting)
    return record.correction if record else None


@transaction.atomic
def propose_correction(*, meeting: Meeting, notes: dict, reason: str, by) -> Minutes:
    """A correction after adoption is a draft until the cell adopts it by vote; the adopted version stays
    the official text meanwhile, and nothing of the record changes."""
    if meeting.status != Meeting.Status.ADOPTED:
        raise ValidationError(_("Only adopted minutes are corrected; before adoption, edit the draft."))
    if not reason.strip():
        raise ValidationError(_("Say why the minutes are corrected."))
    minutes = Minutes.objects.select_for_update().get(meeting=meeting)
    last_vote = meeting.votes.aggregate(m=Max("pk"))["m"] or 0
    minutes.correction = {
        "notes": notes,
        "reason": reason.strip()[:500],
        "by": getattr(by, "pk", None),
        "at": timezone.now().isoformat(),
        "after_vote": last_vote,
    }
    minutes.save(update_fields=["correction", "updated_at"])
    return minutes


def correction_vote(meeting: Meeting) -> Vote | None:
    """The cell's vote on the pending correction: a minutes vote recorded after the correction was drafted."""
    correction = pending_correction(meeting)
    if not correction:
        return None
    return (
        meeting.votes.filter(kind=Vote.Kind.MINUTES, pk__gt=correction.get("after_vote", 0))
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def adopt_correction(*, meeting: Meeting, by) -> MinutesVersion:
    """The cell adopted the correction by its own vote: a new version, with the reason; earlier ones stay."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.ADOPTED:
        raise ValidationError(_("Only adopted minutes are corrected; before adoption, edit the draft."))
    minutes = Minutes.objects.select_for_update().get(meeting=meeting)
    correction = minutes.correction
    if not correction:
        raise ValidationError(_("There is no correction to adopt."))
    vote = correction_vote(meeting)
    if vote is None or not vote.passed:
        raise ValidationError(_("Record the cell's vote adopting the correction first; it must pass."))
    content = with_notes(latest_version(meeting).content, correction["notes"])
    minutes.notes = correction["notes"]
    minutes.correction = None
    minutes.updated_by = by
    minutes.save()
    version = _new_version(minutes, content=content, by=by, reason=correction["reason"])
    request_pdf(meeting=meeting, kind=GeneratedPdf.Kind.MINUTES)
    _renew_resolution(meeting)
    return version


def _new_version(minutes: Minutes, *, by, reason: str, content: dict | None = None) -> MinutesVersion:
    """A locked version of `content`, by default the minutes as they stand (`assemble`)."""
    if content is None:
        content = assemble(minutes.meeting, minutes.notes)
    last = minutes.versions.aggregate(m=Max("version"))["m"] or 0
    version = MinutesVersion.objects.create(
        minutes=minutes,
        version=last + 1,
        content=content,
        sha256=content_hash(content),
        created_by=by,
        reason=reason,
    )
    verification.code_for(version, GeneratedPdf.Kind.MINUTES)  # printed on its PDF, checked at /xac-minh/
    return version


def _renew_resolution(meeting: Meeting) -> None:
    """A resolution already rendered (before adoption, or from an earlier version) is rendered again: it then
    carries the new version's verification code (verification.stamp) and is signed (documents/signing.py)."""
    if GeneratedPdf.objects.filter(meeting=meeting, kind=GeneratedPdf.Kind.RESOLUTION).exists():
        request_pdf(meeting=meeting, kind=GeneratedPdf.Kind.RESOLUTION)


def latest_version(meeting: Meeting) -> MinutesVersion | None:
    return MinutesVersion.objects.filter(minutes__meeting=meeting).order_by("-version").first()


# --- PDFs -------------------------------------------------------------------------------------------------


def pdf_source(meeting: Meeting, kind: str) -> dict:
    """What a PDF is rendered from: the adopted version for minutes, the record for the others."""
    if kind == GeneratedPdf.Kind.MINUTES:
        version = latest_version(meeting)
        if version is None:
            raise ValidationError(_("The minutes have not been adopted yet."))
        return {"minutes": version.content, "version": version.version, "sha256": version.sha256}
    content = assemble(meeting)
    if kind == GeneratedPdf.Kind.RESOLUTION:
        number = number_for(meeting, DocumentNumber.Kind.RESOLUTION)
        content["resolution_number"] = f"{number.number:02d}-NQ/{meeting.cell.code}"
        content["duration"] = (
            int((meeting.ended_at - meeting.started_at).total_seconds() // 60)
            if meeting.ended_at and meeting.started_at
            else None
        )
    if kind == GeneratedPdf.Kind.PROGRAMME:
        # The invitation states the plan (it is sent before the meeting).
        content["when"] = timezone.localtime(meeting.scheduled_at).strftime("%H giờ %M, ngày %d/%m/%Y")
        # The programme is issued when the agenda is published, days before the meeting it invites to.
        issued = timezone.localtime(meeting.published_at or timezone.now()).date()
        with translation.override("vi"):
            content["place_date"] = _("%(place)s, day %(d)s month %(m)s year %(y)s") % {
                "place": meeting.cell.place or BLANK,
                "d": f"{issued.day:02d}",
                "m": f"{issued.month:02d}",
                "y": issued.year,
            }
    return content


def request_pdf(*, meeting: Meeting, kind: str) -> GeneratedPdf:
    """Marks the PDF as being prepared and enqueues its rendering once the transaction commits."""
    if kind == GeneratedPdf.Kind.RESOLUTION and meeting.status not in (
        Meeting.Status.CLOSED,
        Meeting.Status.ADOPTED,
    ):
        raise ValidationError(_("The resolution is prepared after the meeting closes."))
    if kind == GeneratedPdf.Kind.RESOLUTION:
        current_term(meeting.cell)  # the resolution is numbered in the term, as the minutes are
    if kind == GeneratedPdf.Kind.PROGRAMME and not meeting.is_published:
        raise ValidationError(_("The programme is prepared once the agenda is published."))
    return GeneratedPdf.request(meeting=meeting, kind=kind)  # rendered after commit (documents.tasks)
