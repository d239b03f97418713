"""Per-object getters: each returns the object and what the user may do with it (`may`).

    meeting, may = access.meeting_for(request.user, pk, need="manage")

- an object the user does not see, or that does not exist: Http404 (an outsider must not learn it exists);
- `need` names a field of `may` the request needs; when it is False: PermissionDenied (403);
- without `need` the getter only checks that the user sees the object, and the view reads `may` to decide
  what to show (a form, a link, the draft).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core import rows
from documents.models import GeneratedPdf, MinutesVersion, VerificationCode
from evaluations.models import Evaluation, Rubric
from meetings.models import AgendaItem, Comment, Document, Guidance, Meeting, PhoneVote, Task
from members.models import Member, MemberImport, Organization, StatusPeriod
from notifications.models import CalendarFeed

from .rules import Access, access_for, cells_managed_by


def need_on(request, *, post: str, get: str | None = None) -> str | None:
    """What a page that shows on GET and changes on POST needs: `post` to change, `get` (or only seeing the
    object) to look."""
    return post if request.method == "POST" else get


def _check(may, need: str | None) -> None:
    if need is None:
        return
    if need not in {f.name for f in fields(may)}:
        raise ValueError(f"{type(may).__name__} has no {need!r}")  # a typo in a view, not a refusal
    if not getattr(may, need):
        raise PermissionDenied


# --- organisations and cells --------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationMay:
    manage: bool  # a cell's committee (chi ủy): settings, members, meetings
    read: bool  # the members' records, the dues ledger, the roster export (not just the cell's page)
    guide: bool  # a committee above the cells writes its monthly guidance
    review: bool  # a committee's dashboard and the archive of its cells' minutes books: its readers
    keep_books: bool  # a cell's minutes books: its committee and the committees above, not its members
    read_self_criticism: bool  # the cell's committee and the superior committee (DOMAIN.md §8)


def _organization_may(access: Access, organization: Organization) -> OrganizationMay:
    manages, reads = access.manages(organization), access.reads(organization)
    return OrganizationMay(
        manage=manages,
        read=reads,
        guide=not organization.is_cell and access.guides(organization),
        review=not organization.is_cell and reads,
        keep_books=organization.is_cell and (manages or reads),
        read_self_criticism=manages or reads,
    )


def organization_for(user, pk: int, *, need: str | None = None) -> tuple[Organization, OrganizationMay]:
    """A cell or a committee: anyone who sees it (its members see their own cell's page)."""
    organization = Organization.objects.filter(pk=pk).first()
    access = access_for(user)
    if organization is None or not access.sees(organization):
        raise Http404
    may = _organization_may(access, organization)
    _check(may, need)
    return organization, may


def cell_for(user, pk: int, *, need: str | None = None) -> tuple[Organization, OrganizationMay]:
    """Like organization_for, for pages that exist only for a cell (a committee's pk: 404)."""
    organization = Organization.objects.filter(pk=pk).first()
    access = access_for(user)
    if organization is None or not access.sees(organization) or not organization.is_cell:
        raise Http404
    may = _organization_may(access, organization)
    _check(may, need)
    return organization, may


# --- members ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberMay:
    manage: bool  # the committee of the member's cell
    is_self: bool


def _seen_member(user, member: Member | None, need: str | None) -> MemberMay:
    access = access_for(user)
    if member is None or not access.sees(member.cell):
        raise Http404
    is_self = access.member is not None and access.member.pk == member.pk
    if not (is_self or access.reads(member.cell)):
        raise PermissionDenied
    may = MemberMay(manage=access.manages(member.cell), is_self=is_self)
    _check(may, need)
    return may


def member_for(user, pk: int, *, need: str | None = None) -> tuple[Member, MemberMay]:
    """A member's record: the member themselves and the readers of the cell. A fellow member of the cell
    sees the cell's page but gets 403 here: the profile is the committee's business."""
    member = Member.objects.select_related("cell", "user").filter(pk=pk).first()
    return member, _seen_member(user, member, need)


def status_period_for(user, pk: int, *, need: str | None = None) -> tuple[StatusPeriod, MemberMay]:
    """A period of a member's status (exempt, ...), seen and changed with the member's record."""
    period = StatusPeriod.objects.select_related("member__cell", "member__user").filter(pk=pk).first()
    return period, _seen_member(user, period.member if period else None, need)


@dataclass(frozen=True)
class ImportMay:
    cells: tuple[Organization, ...]  # the cells the import may write members to


def import_for(user, pk: int) -> tuple[MemberImport, ImportMay]:
    """A pending member import: only the user who uploaded it, while they manage its cell."""
    pending = MemberImport.objects.select_related("organization").filter(pk=pk).first()
    if pending is None:
        raise Http404
    organization_for(user, pending.organization_id, need="manage")
    if pending.created_by_id != user.pk:
        raise Http404
    return pending, ImportMay(cells=tuple(cells_managed_by(user, pending.organization)))


# --- meetings and their record ------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingMay:
    manage: bool  # the cell's committee: plan, publish, open, close, the agenda
    run: bool  # the committee or the meeting's secretary (thư ký): roll call, votes, tasks, minutes
    read: bool  # reads the cell's records (its committee and the committees above), not just its page
    see_agenda: bool  # a draft agenda is the committee's; publishing shows it to the cell
    read_self_criticism: bool  # the cell's committee and the superior committee only (DOMAIN.md §8)
    score: bool  # the cell's own score sheet (its committee)
    score_superior: bool  # the superior's score sheet: readers from above (and the admin), not the cell


def _meeting_may(access: Access, meeting: Meeting) -> MeetingMay:
    manages, reads = access.manages(meeting.cell), access.reads(meeting.cell)
    is_clerk = access.member is not None and meeting.clerk_id == access.member.pk
    return MeetingMay(
        manage=manages,
        run=manages or is_clerk,
        read=reads,
        see_agenda=meeting.is_published or manages,
        read_self_criticism=manages or reads,
        score=manages,
        score_superior=reads and not manages or access.is_admin,
    )


def _seen_meeting(user, meeting: Meeting | None, need: str | None) -> MeetingMay:
    access = access_for(user)
    if meeting is None or not access.sees(meeting.cell):
        raise Http404
    may = _meeting_may(access, meeting)
    _check(may, need)
    return may


def meeting_for(user, pk: int, *, need: str | None = None) -> tuple[Meeting, MeetingMay]:
    """Anyone who sees the cell sees its meetings; only its committee changes them."""
    meeting = rows.first(Meeting, "t.id = %s", [pk], related="cell")  # every live request: core/rows.py
    return meeting, _seen_meeting(user, meeting, need)


def agenda_item_for(user, pk: int, *, need: str | None = None) -> tuple[AgendaItem, MeetingMay]:
    item = AgendaItem.objects.select_related("meeting__cell").filter(pk=pk).first()
    may = _seen_meeting(user, item.meeting if item else None, need)
    if not may.see_agenda:
        raise Http404
    return item, may


def task_for(user, pk: int, *, need: str | None = None) -> tuple[Task, MeetingMay]:
    task = Task.objects.select_related("meeting__cell").filter(pk=pk).first()
    return task, _seen_meeting(user, task.meeting if task else None, need)


def comment_for(user, pk: int, *, need: str | None = None) -> tuple[Comment, MeetingMay]:
    comment = Comment.objects.select_related("meeting__cell").filter(pk=pk).first()
    return comment, _seen_meeting(user, comment.meeting if comment else None, need)


@dataclass(frozen=True)
class PhoneVoteMay:
    run: bool  # the committee or the meeting's secretary: closes the vote
    cast: bool  # an official member present at the meeting (Attendance.may_vote): taps a choice


def phone_vote_for(user, pk: int, *, need: str | None = None) -> tuple[PhoneVote, PhoneVoteMay]:
    """A vote on phones: seen with its meeting (outsiders 404); only the members with a vote at that meeting
    cast a ballot (the others who see the meeting, guests from above included, 403)."""
    vote = PhoneVote.objects.select_related("meeting__cell").filter(pk=pk).first()
    meeting_may = _seen_meeting(user, vote.meeting if vote else None, None)
    member = access_for(user).member
    attendance = vote.meeting.attendances.filter(member=member).first() if member else None
    may = PhoneVoteMay(run=meeting_may.run, cast=attendance is not None and attendance.may_vote)
    _check(may, need)
    return vote, may


@dataclass(frozen=True)
class SpeakerMay:
    run: bool  # the committee or the meeting's secretary: calls the next speaker, ends a turn
    ask: bool  # a member on the meeting's roll, present: asks to speak, withdraws


def speaker_queue_for(user, pk: int, *, need: str | None = None) -> tuple[Meeting, SpeakerMay]:
    """A meeting's speaker queue: seen with its meeting (outsiders 404); the members present ask to speak,
    the chair's side calls them (the others who see the meeting, guests from above included, 403)."""
    meeting = Meeting.objects.select_related("cell").filter(pk=pk).first()
    meeting_may = _seen_meeting(user, meeting, None)
    member = access_for(user).member
    attendance = meeting.attendances.filter(member=member).first() if member else None
    may = SpeakerMay(run=meeting_may.run, ask=attendance is not None and attendance.present)
    _check(may, need)
    return meeting, may


def minutes_for(user, pk: int, *, need: str | None = None) -> tuple[Meeting, MeetingMay]:
    """The minutes page of a meeting: the draft is the meeting secretary's and the committee's until
    adoption (403 to the others); once a version is adopted everyone who sees the meeting reads it."""
    meeting, may = meeting_for(user, pk, need=need)
    if not may.run and not MinutesVersion.objects.filter(minutes__meeting=meeting).exists():
        raise PermissionDenied
    return meeting, may


def minutes_version_for(user, pk: int) -> tuple[MinutesVersion, MeetingMay]:
    """An adopted version of the minutes (`version.minutes.meeting` is its meeting)."""
    version = (
        MinutesVersion.objects.select_related("minutes__meeting__cell", "created_by").filter(pk=pk).first()
    )
    return version, _seen_meeting(user, version.minutes.meeting if version else None, None)


def pdf_for(user, pk: int, kind: str) -> tuple[GeneratedPdf, MeetingMay]:
    """A meeting's PDF that is ready to download (`generated.meeting` is its meeting). The programme of an
    agenda not yet published is the committee's and the meeting secretary's only: 404 to the others."""
    meeting, may = meeting_for(user, pk)
    if kind not in GeneratedPdf.Kind.values:
        raise Http404
    generated = GeneratedPdf.objects.filter(
        meeting=meeting, kind=kind, status=GeneratedPdf.Status.READY
    ).first()
    if generated is None or not generated.file:
        raise Http404
    if kind == GeneratedPdf.Kind.PROGRAMME and not meeting.is_published and not may.run:
        raise Http404
    generated.meeting = meeting
    return generated, may


@dataclass(frozen=True)
class VerificationMay:
    read: bool  # sees the meeting: the cell, the meeting, the version and a link to the minutes


def verification_for(user, code: str) -> tuple[VerificationCode | None, VerificationMay]:
    """A verification code (stored form, documents/verification.normalise) on the public page /xac-minh/:
    never a 404 or a 403, since anyone holding the paper may ask; an unknown code is None, and only a user
    who sees the meeting (its cell's members and readers, the committees above) may learn more than the
    anonymous answer."""
    found = (
        VerificationCode.objects.select_related("version__minutes__meeting__cell").filter(code=code).first()
        if code
        else None
    )
    if found is None or not user.is_authenticated:
        return found, VerificationMay(read=False)
    return found, VerificationMay(read=access_for(user).sees(found.version.minutes.meeting.cell))


def score_sheet_for(user, pk: int, *, rubric_kind: str, kind: str) -> tuple[Meeting, MeetingMay]:
    """A meeting's score sheet: the cell scores itself (its committee); the superior scores separately."""
    meeting, may = meeting_for(user, pk)
    if rubric_kind not in Rubric.Kind.values or kind not in Evaluation.Kind.values:
        raise PermissionDenied
    _check(may, "score" if kind == Evaluation.Kind.SELF else "score_superior")
    return meeting, may


POLL_SALT = "meetings.live.poll"
POLL_MAX_AGE = 12 * 3600
# A token older than this is not believed alone: the poll (or the stream) asks again whether its user still
# sees the meeting, as a page would (a member moved to another cell, a committee post that ended), and the
# poll hands the phone a fresh token. So a phone loses a meeting it may no longer see within minutes.
POLL_RECHECK = 5 * 60


def poll_token(meeting: Meeting, user) -> str:
    """Issued with a page the user was allowed to see; lets the poll skip the access queries."""
    return signing.dumps([meeting.pk, user.pk, int(time.time())], salt=POLL_SALT, compress=True)


@dataclass(frozen=True)
class PollToken:
    meeting_id: int
    user_id: int
    issued: int  # seconds since the epoch; 0 for a token issued before tokens said when

    @property
    def stale(self) -> bool:
        return time.time() - self.issued > POLL_RECHECK


def read_poll_token(token: str) -> PollToken:
    """What a valid token says (the live stream loads no session and checks the user's session itself);
    else PermissionDenied. The token was issued with a page its user was allowed to see, 12 h at most ago."""
    try:
        meeting_id, user_id, *issued = signing.loads(token, salt=POLL_SALT, max_age=POLL_MAX_AGE)
        return PollToken(int(meeting_id), int(user_id), int(issued[0]) if issued else 0)
    except (signing.BadSignature, ValueError, TypeError, IndexError):
        raise PermissionDenied from None


def check_poll_token(user, pk: int, token: str) -> str | None:
    """The live poll's check: a token issued to this user for this meeting. A recent one is believed alone;
    an older one only after the user is found to see the meeting still (404 or 403 as for its page), and a
    fresh token is returned for the phone to use from then on."""
    read = read_poll_token(token)
    if read.meeting_id != pk or read.user_id != user.pk:
        raise PermissionDenied
    if not read.stale:
        return None
    meeting, _may = meeting_for(user, pk)
    return poll_token(meeting, user)


def still_sees_meeting(user, pk: int) -> bool:
    """For the live stream's stale token: whether the user would still be let into the meeting's page."""
    try:
        meeting_for(user, pk)
    except (Http404, PermissionDenied):
        return False
    return True


def calendar_feed_owner(token: str):
    """The user whose private calendar address this is; the unguessable token is the only key."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed.user


# --- guidance and documents ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GuidanceMay:
    manage: bool  # the committee that wrote it: publish, attach documents, see the uptake


def guidance_for(user, pk: int, *, need: str | None = None) -> tuple[Guidance, GuidanceMay]:
    """A committee's monthly guidance: its readers and every cell below it."""
    guidance = Guidance.objects.select_related("organization").filter(pk=pk).first()
    access = access_for(user)
    if guidance is None or not (
        access.reads(guidance.organization) or access.is_below(guidance.organization)
    ):
        raise Http404
    may = GuidanceMay(manage=access.guides(guidance.organization))
    _check(may, need)
    return guidance, may


@dataclass(frozen=True)
class DocumentMay:
    manage: bool  # the meeting's committee, or the committee that wrote the guidance


def document_for(user, pk: int, *, need: str | None = None) -> tuple[Document, DocumentMay]:
    """A document attached to an agenda (seen with the agenda) or to guidance (seen once published)."""
    document = (
        Document.objects.select_related("meeting__cell", "guidance__organization").filter(pk=pk).first()
    )
    if document is None:
        raise Http404
    if need is not None and need not in {f.name for f in fields(DocumentMay)}:
        raise ValueError(f"DocumentMay has no {need!r}")
    if document.meeting_id:
        _meeting, meeting_may = meeting_for(user, document.meeting_id, need=need)
        if not meeting_may.see_agenda:
            raise Http404
        may = DocumentMay(manage=meeting_may.manage)
    else:
        guidance, guidance_may = guidance_for(user, document.guidance_id, need=need)
        if not guidance.published_at and not guidance_may.manage:
            raise Http404
        may = DocumentMay(manage=guidance_may.manage)
    return document, may
