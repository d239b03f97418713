"""Workflows that touch several models: creating and moving members, imports, account activation."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from . import importing
from .models import Invitation, Member, MemberImport, Membership, Organization


@transaction.atomic
def create_member(*, member: Member, cell: Organization, by, on: dt.date | None = None) -> Member:
    member.cell = cell
    member.save()
    Membership.objects.create(
        member=member,
        cell=cell,
        started_on=on or member.admission_date or timezone.localdate(),
        recorded_by=by,
    )
    return member


@transaction.atomic
def transfer_member(*, member: Member, to_cell: Organization, on: dt.date, reason: str, by) -> Member:
    """Moves a member to another cell on a date; the old membership is closed (its last day is the day
    before), not rewritten. A transfer dated in the future takes effect on its date: until then the member
    belongs to the old cell (`member.cell`, roll calls, dues, votes), and `apply_due_transfers` moves them."""
    if not to_cell.is_cell:
        raise ValidationError(_("Members belong to a party cell, not to a committee."))
    current = Membership.objects.select_for_update().filter(member=member, ended_on__isnull=True).first()
    if to_cell.pk == (current.cell_id if current else member.cell_id):
        raise ValidationError(_("The member is already in this cell."))
    if current and current.started_on > timezone.localdate():
        raise ValidationError(
            _("A transfer to %(cell)s on %(date)s is already pending.")
            % {"cell": current.cell.name, "date": current.started_on.strftime("%d/%m/%Y")}
        )
    if current and on <= current.started_on:
        raise ValidationError(
            _("The transfer date must be after the day the member joined the current cell.")
        )
    if current:
        current.ended_on = on - dt.timedelta(days=1)
        current.reason = reason
        current.save(update_fields=["ended_on", "reason"])
    Membership.objects.create(member=member, cell=to_cell, started_on=on, reason=reason, recorded_by=by)
    if on <= timezone.localdate():
        member.cell = to_cell
        member.save(update_fields=["cell", "updated_at"])
    return member


def apply_due_transfers(*, today: dt.date | None = None) -> int:
    """Daily: members whose transfer date has come move to their new cell. Idempotent."""
    today = today or timezone.localdate()
    due = Membership.objects.filter(ended_on__isnull=True, started_on__lte=today).exclude(
        member__cell_id=F("cell_id")
    )
    moved = 0
    for membership in due.select_related("member"):
        with transaction.atomic():
            member = Member.objects.select_for_update().get(pk=membership.member_id)
            if member.cell_id != membership.cell_id:
                member.cell_id = membership.cell_id
                member.save(update_fields=["cell", "updated_at"])  # saved one by one: each keeps its history
                moved += 1
    return moved


@transaction.atomic
def apply_import(*, member_import: MemberImport, cells: list[Organization], by) -> int:
    """Writes the whole file or nothing. Rows are checked again: the data may have changed since the preview."""
    locked = MemberImport.objects.select_for_update().get(pk=member_import.pk)
    if locked.applied_at:
        raise ValidationError(_("This file has already been imported."))
    rows = importing.check_rows(locked.table, default_cell=locked.organization, cells=cells)
    if any(not row.ok for row in rows):
        raise ValidationError(_("Some rows have problems; fix the file and upload it again."))
    members = [importing.member_from_row(row.values) for row in rows]
    for m in members:
        m.full_clean(exclude=["cell"])
    # Two INSERTs for the rows and two for their audit history, whatever the size of the file.
    created = bulk_create_with_history(members, Member, default_user=by)
    today = timezone.localdate()
    bulk_create_with_history(
        [
            Membership(member=m, cell_id=m.cell_id, started_on=m.admission_date or today, recorded_by=by)
            for m in created
        ],
        Membership,
        default_user=by,
    )
    locked.applied_at = timezone.now()
    locked.save(update_fields=["applied_at"])
    return len(created)


@transaction.atomic
def activate_account(*, code: str, username: str, password: str):
    invitation = Invitation.objects.select_for_update().filter(pk=_valid_invitation(code).pk).first()
    if invitation is None or invitation.used_at or invitation.member.user_id:
        raise ValidationError(_("This invitation code is not valid or has expired."))
    user = get_user_model().objects.create_user(
        username=username, password=password, email=invitation.member.email
    )
    invitation.member.user = user
    invitation.member.save(update_fields=["user", "updated_at"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user


def _valid_invitation(code: str) -> Invitation:
    invitation = Invitation.find_valid(code)
    if invitation is None:
        raise ValidationError(_("This invitation code is not valid or has expired."))
    return invitation
