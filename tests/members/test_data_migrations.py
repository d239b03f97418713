"""The data migrations that fill existing rows for the new rules (run here on the current models)."""

import datetime as dt
import importlib

from django.apps import apps

from members.models import Member, Membership, StatusPeriod

from ..factories import MemberFactory, StatusPeriodFactory


def migration(name):
    return importlib.import_module(f"members.migrations.{name}")


def test_an_old_transfer_ends_the_old_membership_the_day_before_the_new_one(world):
    target = world.target
    old = target.memberships.get()
    old.ended_on = dt.date(2026, 9, 1)  # as transfers were written before
    old.save()
    Membership.objects.create(member=target, cell=world.cell_a2, started_on=dt.date(2026, 9, 1))
    left = MemberFactory(cell=world.cell).memberships.get()
    left.ended_on = dt.date(2026, 9, 1)  # left the roll, no next cell: untouched
    left.save()

    migration("0008_membership_last_day").end_the_day_before(apps, None)

    old.refresh_from_db()
    left.refresh_from_db()
    assert (old.ended_on, left.ended_on) == (dt.date(2026, 8, 31), dt.date(2026, 9, 1))
    assert world.target not in Member.objects.filter(
        pk__in=Membership.objects.on(dt.date(2026, 9, 1)).filter(cell=world.cell).values("member")
    )


def test_existing_suspensions_for_temporary_detention_keep_clearing_dues(world):
    detained = StatusPeriodFactory(
        member=world.member, kind=StatusPeriod.Kind.SUSPENDED, reason="Bị tạm giam"
    )
    disciplined = StatusPeriodFactory(member=world.fellow, kind=StatusPeriod.Kind.SUSPENDED, reason="Kỷ luật")

    migration("0006_statusperiod_detained").mark_detentions(apps, None)

    detained.refresh_from_db()
    disciplined.refresh_from_db()
    assert (detained.detained, disciplined.detained) == (True, False)


def test_existing_members_get_their_one_admission_date_as_the_decision_date(world):
    Member.objects.filter(pk=world.target.pk).update(admission_decision_date=None)

    migration("0007_member_admission_decision_date").copy_admission_date(apps, None)

    world.target.refresh_from_db()
    assert world.target.admission_decision_date == world.target.admission_date
