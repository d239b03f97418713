"""Who the user is in the party tree (Access), and the lists of what they may see.

Every view asks `access` (the package); no view filters by hand.

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
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from archive.models import SearchEntry
from core import rows
from evaluations.inbox import Scope
from meetings.models import Meeting
from members.models import Member, Organization, Role, Supervision
from notifications.models import Notification, PushSubscription


@dataclass(frozen=True)
class Access:
    is_admin: bool = False
    member: Member | None = None
    read_paths: tuple[str, ...] = ()
    managed_cell_ids: frozenset[int] = frozenset()
    own_cell_id: int | None = None
    # Committees above the cells where the user holds a post: sees the tree, publishes their guidance.
    committee_ids: frozenset[int] = frozenset()
    # The inbox (evaluations/inbox.py): the paths of those committees; of the ones where the post is a seat
    # on the committee itself (cấp ủy viên: secretary, deputy, member), whose cells look to the user as their
    # superior; and the cells the user supervises.
    committee_paths: tuple[str, ...] = ()
    board_paths: tuple[str, ...] = ()
    supervised_cell_ids: frozenset[int] = frozenset()

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
    member = _member_of(user)
    if user.is_superuser:
        access = Access(is_admin=True, member=member, own_cell_id=member.cell_id if member else None)
    elif member is None:
        access = NO_ACCESS
    else:
        posts = _posts_of(member, timezone.localdate())
        cell_kinds = set(Organization.CELL_KINDS)
        access = Access(
            member=member,
            read_paths=tuple(sorted({path for _pk, path, _kind, _post in posts})),
            managed_cell_ids=frozenset(
                pk for pk, _path, kind, post in posts if kind in cell_kinds and post in Role.MANAGING_KINDS
            ),
            own_cell_id=member.cell_id,
            committee_ids=frozenset(pk for pk, _path, kind, post in posts if post and kind not in cell_kinds),
            committee_paths=tuple(
                sorted({path for _pk, path, kind, post in posts if post and kind not in cell_kinds})
            ),
            board_paths=tuple(
                sorted(
                    {
                        path
                        for _pk, path, kind, post in posts
                        if kind not in cell_kinds and post in Role.MANAGING_KINDS
                    }
                )
            ),
            supervised_cell_ids=frozenset(
                pk for pk, _path, kind, post in posts if not post and kind in cell_kinds
            ),
        )
    user._chibo_access = access
    return access


def _member_of(user) -> Member | None:
    """The user's member row, not left, with its cell. Every signed-in request reads it: through `core.rows`
    it costs a third of the CPU the ORM spends building the same statement (docs/PERFORMANCE.md)."""
    return rows.first(Member, "t.user_id = %s AND t.left_on IS NULL", [user.pk], related="cell")


def _posts_of(member: Member, today) -> list[tuple]:
    """(organisation id, path, kind, post) of the member's posts (Role) and supervisions (post "") active
    `today`: the rows of Role.objects.active_on and Supervision.objects.active_on, in one query.

    Written as SQL: every signed-in request pays it, and the ORM took longer to build the two queries it
    replaces than the database takes to run them."""
    organization, role, supervision = (m._meta.db_table for m in (Organization, Role, Supervision))
    active = "{t}.starts_on <= %s AND ({t}.ends_on IS NULL OR {t}.ends_on >= %s)"
    sql = (
        f"SELECT o.id, o.path, o.kind, r.kind FROM {role} r JOIN {organization} o ON o.id = r.organization_id"
        f" WHERE r.member_id = %s AND {active.format(t='r')}"
        f" UNION ALL SELECT o.id, o.path, o.kind, '' FROM {supervision} s JOIN {organization} o"
        f" ON o.id = s.cell_id WHERE s.officer_id = %s AND {active.format(t='s')}"
    )
    day = connection.ops.adapt_datefield_value(today)
    with connection.cursor() as cursor:
        cursor.execute(sql, [member.pk, day, day, member.pk, day, day])
        return cursor.fetchall()


def _paths_q(paths, field="path") -> Q:
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths), Q(pk__in=[]))


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


def organizations_visible_to(user) -> QuerySet[Organization]:
    """The tree page: every organisation the user reads, and their own cell."""
    access = access_for(user)
    if access.is_admin:
        return Organization.objects.all()
    q = _paths_q(access.read_paths)
    if access.own_cell_id:
        q |= Q(pk=access.own_cell_id)
    return Organization.objects.filter(q)


def cells_managed_by(user, organization: Organization) -> list[Organization]:
    """Cells an import started from `organization` may write to."""
    access = access_for(user)
    if access.is_admin:
        return list(Organization.objects.under(Organization.objects.get_root(organization)).cells())
    return list(Organization.objects.cells().filter(pk__in=access.managed_cell_ids))


def search_entries_visible_to(user) -> QuerySet[SearchEntry]:
    """The search rows the user may read: their cell's and those of every organisation they read; what only
    a committee sees (an unpublished agenda) only in the cells they manage."""
    access = access_for(user)
    if access.is_admin:
        return SearchEntry.objects.all()
    readable = [Q(cell__path__startswith=path) for path in access.read_paths]
    if access.own_cell_id:
        readable.append(Q(cell_id=access.own_cell_id))
    if not readable:
        return SearchEntry.objects.none()
    return SearchEntry.objects.filter(reduce(or_, readable)).filter(
        Q(restricted=False) | Q(cell_id__in=access.managed_cell_ids)
    )


def inbox_scope_of(user) -> Scope:
    """Whose work waits for the user (evaluations/inbox.py): the cells that look to them as their superior
    (supervised, or directly under a committee where they hold a seat; never a cell they manage) and the
    committees they review. Empty for everybody else, the admin included: no inbox, no query."""
    access = access_for(user)
    return Scope(
        supervised_cell_ids=access.supervised_cell_ids,
        board_paths=access.board_paths,
        review_paths=access.committee_paths,
        managed_cell_ids=access.managed_cell_ids,
    )


def notifications_of(user) -> QuerySet[Notification]:
    """A notification is its recipient's alone; anyone else asking for one gets 404."""
    return Notification.objects.filter(recipient=user)


def push_subscriptions_of(user) -> QuerySet[PushSubscription]:
    """A device's push subscription is its owner's alone; anyone else asking for one gets 404."""
    return PushSubscription.objects.filter(user=user)


def calendar_meetings_of(user) -> QuerySet[Meeting]:
    """The meetings in a user's calendar feed: those of their own cell (none without a member)."""
    access = access_for(user)
    if access.member is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(cell_id=access.member.cell_id)
