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

from .models import Member, Organization, Role, Supervision


@dataclass(frozen=True)
class Access:
    is_admin: bool = False
    member: Member | None = None
    read_paths: tuple[str, ...] = ()
    managed_cell_ids: frozenset[int] = frozenset()
    own_cell_id: int | None = None
    # Holds a post in a committee above the cells: sees the tree page.
    reads_committee: bool = False

    @property
    def is_reviewer(self) -> bool:
        return self.is_admin or self.reads_committee

    def reads(self, organization: Organization) -> bool:
        return self.is_admin or any(organization.path.startswith(p) for p in self.read_paths)

    def manages(self, organization: Organization) -> bool:
        return self.is_admin or organization.pk in self.managed_cell_ids

    def sees(self, organization: Organization) -> bool:
        return self.reads(organization) or organization.pk == self.own_cell_id


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
            reads_committee=any(not r.organization.is_cell for r in roles),
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
