"""Who may see and change what. Every view asks here; no view filters by hand.

Access follows the party tree (DESIGN.md section 1):
- a post (Role) in an organisation, or a supervision of a cell, lets a user read that organisation and
  everything below it;
- a managing post (bí thư, phó bí thư, chi ủy viên) in a cell lets a user change that cell;
- a member reads their own cell's page and their own profile, nothing else;
- an outsider asking for an object gets 404, a reader asking to change it gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from meetings.models import AgendaItem, Document, Guidance, Meeting

from .models import Member, Organization, Role, Supervision


@dataclass(frozen=True)
class Access:
    is_admin: bool = False
    member: Member | None = None
    read_paths: tuple[str, ...] = ()
    managed_cell_ids: frozenset[int] = frozenset()
    own_cell_id: int | None = None
    # Committees above the cells where the user holds a post: sees the tree, publishes their guidance.
    committee_ids: frozenset[int] = frozenset()

    @property
    def reads_committee(self) -> bool:
        return bool(self.committee_ids)

    @property
    def is_reviewer(self) -> bool:
        return self.is_admin or self.reads_committee

    def reads(self, organization: Organization) -> bool:
        return self.is_admin or any(organization.path.startswith(p) for p in self.read_paths)

    def manages(self, organization: Organization) -> bool:
        return self.is_admin or organization.pk in self.managed_cell_ids

    def sees(self, organization: Organization) -> bool:
        return self.reads(organization) or organization.pk == self.own_cell_id

    def guides(self, organization: Organization) -> bool:
        """May write the monthly guidance of this committee."""
        return self.is_admin or organization.pk in self.committee_ids

    def is_below(self, organization: Organization) -> bool:
        """Sees something under this organisation (guidance from above is for every cell below)."""
        own = [self.member.cell.path] if self.member else []
        return self.is_admin or any(p.startswith(organization.path) for p in [*self.read_paths, *own])


NO_ACCESS = Access()


def access_for(user) -> Access:
    """The user's access, computed once per request (two queries) and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return NO_ACCESS
    cached = getattr(user, "_chibo_access", None)
    if cached is not None:
        return cached
    member = Member.objects.filter(user=user, left_on__isnull=True).select_related("cell").first()
    if user.is_superuser:
        access = Access(is_admin=True, member=member, own_cell_id=member.cell_id if member else None)
    elif member is None:
        access = NO_ACCESS
    else:
        today = timezone.localdate()
        roles = Role.objects.active_on(today).filter(member=member).select_related("organization")
        supervised = Supervision.objects.active_on(today).filter(officer=member).select_related("cell")
        read = {r.organization.path for r in roles} | {s.cell.path for s in supervised}
        managed = frozenset(
            r.organization_id for r in roles if r.organization.is_cell and r.kind in Role.MANAGING_KINDS
        )
        access = Access(
            member=member,
            read_paths=tuple(sorted(read)),
            managed_cell_ids=managed,
            own_cell_id=member.cell_id,
            committee_ids=frozenset(r.organization_id for r in roles if not r.organization.is_cell),
        )
    user._chibo_access = access
    return access


def _paths_q(paths, field="path") -> Q:
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths), Q(pk__in=[]))


def organizations_visible_to(user) -> QuerySet[Organization]:
    access = access_for(user)
    if access.is_admin:
        return Organization.objects.all()
    q = _paths_q(access.read_paths)
    if access.own_cell_id:
        q |= Q(pk=access.own_cell_id)
    return Organization.objects.filter(q)


def organizations_read_by(user) -> QuerySet[Organization]:
    """Organisations whose members' records the user may read (not just the cell page)."""
    access = access_for(user)
    if access.is_admin:
        return Organization.objects.all()
    return Organization.objects.filter(_paths_q(access.read_paths))


def members_visible_to(user) -> QuerySet[Member]:
    access = access_for(user)
    if access.is_admin:
        return Member.objects.all()
    q = _paths_q(access.read_paths, field="cell__path")
    if access.member:
        q |= Q(pk=access.member.pk)
    return Member.objects.filter(q)


def get_organization_for(user, pk: int, *, manage: bool = False) -> Organization:
    organization = Organization.objects.filter(pk=pk).first()
    access = access_for(user)
    if organization is None or not access.sees(organization):
        raise Http404
    if manage and not access.manages(organization):
        raise PermissionDenied
    return organization


def get_member_for(user, pk: int, *, manage: bool = False) -> Member:
    member = Member.objects.select_related("cell", "user").filter(pk=pk).first()
    access = access_for(user)
    if member is None or not access.sees(member.cell):
        raise Http404
    is_self = access.member is not None and access.member.pk == member.pk
    if not (is_self or access.reads(member.cell)):
        raise PermissionDenied  # a fellow member of the cell: the profile is the committee's business
    if manage and not access.manages(member.cell):
        raise PermissionDenied
    return member


def can_manage(user, organization: Organization) -> bool:
    return access_for(user).manages(organization)


def can_read_members(user, organization: Organization) -> bool:
    return access_for(user).reads(organization)


def cells_managed_by(user, organization: Organization) -> list[Organization]:
    """Cells an import started from `organization` may write to."""
    access = access_for(user)
    if access.is_admin:
        return list(Organization.objects.under(Organization.objects.get_root(organization)).cells())
    return list(Organization.objects.cells().filter(pk__in=access.managed_cell_ids))


def get_meeting_for(user, pk: int, *, manage: bool = False, run: bool = False) -> Meeting:
    """Anyone who sees the cell sees its meetings; only its committee changes them. `run`: the committee
    or the member named meeting secretary (thư ký) for this meeting, who records attendance and votes."""
    meeting = Meeting.objects.select_related("cell").filter(pk=pk).first()
    access = access_for(user)
    if meeting is None or not access.sees(meeting.cell):
        raise Http404
    if manage and not access.manages(meeting.cell):
        raise PermissionDenied
    if run and not can_run(user, meeting):
        raise PermissionDenied
    return meeting


def can_run(user, meeting: Meeting) -> bool:
    access = access_for(user)
    is_clerk = access.member is not None and meeting.clerk_id == access.member.pk
    return access.manages(meeting.cell) or is_clerk


def may_read_self_criticism(user, cell: Organization) -> bool:
    """Self-criticism is for the cell's committee and the superior committee only (DOMAIN.md §8)."""
    access = access_for(user)
    return access.manages(cell) or access.reads(cell)


def can_see_agenda(user, meeting: Meeting) -> bool:
    """A draft agenda is the committee's; publishing shows it to the cell and the superior officer."""
    return meeting.is_published or access_for(user).manages(meeting.cell)


def get_agenda_item_for(user, pk: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting__cell").filter(pk=pk).first()
    if item is None:
        raise Http404
    get_meeting_for(user, item.meeting_id, manage=True)
    return item


def get_guidance_for(user, pk: int, *, manage: bool = False) -> Guidance:
    guidance = Guidance.objects.select_related("organization").filter(pk=pk).first()
    access = access_for(user)
    if guidance is None or not (
        access.reads(guidance.organization) or access.is_below(guidance.organization)
    ):
        raise Http404
    if manage and not access.guides(guidance.organization):
        raise PermissionDenied
    return guidance


def get_document_for(user, pk: int, *, manage: bool = False) -> Document:
    document = (
        Document.objects.select_related("meeting__cell", "guidance__organization").filter(pk=pk).first()
    )
    if document is None:
        raise Http404
    if document.meeting_id:
        meeting = get_meeting_for(user, document.meeting_id, manage=manage)
        if not can_see_agenda(user, meeting):
            raise Http404
    else:
        guidance = get_guidance_for(user, document.guidance_id, manage=manage)
        if not guidance.published_at and not access_for(user).guides(guidance.organization):
            raise Http404
    return document


def guided_organizations(user) -> QuerySet[Organization]:
    access = access_for(user)
    if access.is_admin:
        return Organization.objects.exclude(kind__in=Organization.CELL_KINDS)
    return Organization.objects.filter(pk__in=access.committee_ids)


def history_models_for(user, models) -> list:
    """The tables of the audit history a user may browse: staff holding the admin's "view historical …"
    permission of each (a superuser holds them all). Nobody else sees any of it: 403."""
    if not (user.is_active and (user.is_staff or user.is_superuser)):
        raise PermissionDenied
    allowed = [
        m for m in models if user.has_perm(f"{m._meta.app_label}.view_{m.history.model._meta.model_name}")
    ]
    if not allowed:
        raise PermissionDenied
    return allowed


def is_committee_account(user) -> bool:
    """An account that runs or reviews cells: any post (a cell's chi ủy, a committee above, a reviewing
    officer), a supervision of a cell, or staff. These sessions end after 30 idle minutes, and the
    operator may require them to log in with a second factor (members/security.py)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    access = access_for(user)
    return bool(access.read_paths or access.managed_cell_ids or access.committee_ids)
