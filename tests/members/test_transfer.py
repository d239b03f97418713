"""Moving a member to another cell: the old membership is closed, not rewritten."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from meetings.live import roster_on
from members.models import Membership
from members.services import apply_due_transfers, transfer_member

from .pages import form_values, page_text, table_rows, vi


def roster(response) -> list[str]:
    return [cells[0] for cells in table_rows(response)[1:]]


def transfer(client, member, **data):
    return client.post(reverse("members:member_transfer", args=[member.pk]), data)


def test_transfer_keeps_the_history(world, login):
    client = login("secretary")
    target = world.target
    joined = target.memberships.get().started_on

    response = transfer(
        client, target, to_cell=world.other_cell.pk, on="01/09/2026", reason="Chuyển công tác sang Sở Nội vụ"
    )

    assert response.status_code == 302
    assert response["Location"] == world.cell.get_absolute_url()
    target.refresh_from_db()
    assert target.cell == world.other_cell
    old, new = Membership.objects.filter(member=target).order_by("started_on")
    # The old cell's last day is the day before: on 01/09 the member is on one roll only.
    assert (old.cell, old.started_on, old.ended_on) == (world.cell, joined, dt.date(2026, 8, 31))
    assert old.reason == "Chuyển công tác sang Sở Nội vụ"
    assert (new.cell, new.started_on, new.ended_on) == (world.other_cell, dt.date(2026, 9, 1), None)
    assert new.recorded_by == world.secretary.user
    # Gone from the old cell's roster, on the new one's.
    assert target.full_name not in roster(client.get(world.cell.get_absolute_url()))
    assert target.full_name in roster(login("admin").get(world.other_cell.get_absolute_url()))


def test_transfer_dated_before_the_member_joined_the_cell_is_refused(world, login):
    client = login("secretary")
    target = world.target
    joined = target.memberships.get().started_on
    day_before = joined - dt.timedelta(days=1)

    response = transfer(
        client,
        target,
        to_cell=world.cell_a2.pk,
        on=day_before.strftime("%d/%m/%Y"),
        reason="Chuyển sinh hoạt về Chi bộ A2",
    )

    assert response.status_code == 422  # refused: the form again, with what was typed
    expected = vi("The transfer date must be after the day the member joined the current cell.")
    assert expected in response.context["form"].non_field_errors()
    assert expected in page_text(response)
    # Everything the secretary typed is still there.
    assert form_values(response) == {
        "to_cell": str(world.cell_a2.pk),
        "on": day_before.strftime("%d/%m/%Y"),
        "reason": "Chuyển sinh hoạt về Chi bộ A2",
    }
    target.refresh_from_db()
    assert target.cell == world.cell
    only = target.memberships.get()
    assert (only.cell, only.ended_on) == (world.cell, None)


def test_transfer_without_a_reason_keeps_the_other_values(world, login):
    client = login("secretary")

    response = transfer(client, world.target, to_cell=world.cell_a2.pk, on="2026-09-01", reason="")

    assert response.status_code == 422  # refused: the form again, with what was typed
    assert "reason" in response.context["form"].errors
    assert form_values(response) == {"to_cell": str(world.cell_a2.pk), "on": "2026-09-01", "reason": ""}
    world.target.refresh_from_db()
    assert world.target.cell == world.cell


def test_current_cell_is_not_offered_as_a_destination(world, login):
    response = login("secretary").get(reverse("members:member_transfer", args=[world.target.pk]))

    offered = {c.name for c in response.context["form"].fields["to_cell"].queryset}
    assert offered == {"Chi bộ A2", "Chi bộ B1", "Chi bộ Cơ quan"}  # cells only, not A1, not committees


def test_a_transfer_dated_in_the_future_takes_effect_on_its_date(world, login):
    client = login("secretary")
    target = world.target
    today = timezone.localdate()
    on = today + dt.timedelta(days=20)

    response = transfer(
        client, target, to_cell=world.other_cell.pk, on=on.strftime("%d/%m/%Y"), reason="Nghỉ hưu"
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.cell == world.cell  # still a member of the old cell until the date
    expected = vi(
        "%(name)s will move to %(cell)s on %(date)s; until then they belong to this cell.",
        name=target.full_name,
        cell=world.other_cell.name,
        date=on.strftime("%d/%m/%Y"),
    )
    assert expected in page_text(client.get(world.cell.get_absolute_url()))
    assert target.full_name in roster(client.get(world.cell.get_absolute_url()))
    assert target.cell_on(on - dt.timedelta(days=1)) == world.cell
    assert target.cell_on(on) == world.other_cell
    detail = page_text(client.get(target.get_absolute_url()))
    notice = vi(
        "Transfer to %(cell)s on %(date)s; until then a member of %(current)s.",
        cell=world.other_cell.name,
        date=on.strftime("%d/%m/%Y"),
        current=world.cell.name,
    )
    assert notice in detail

    assert apply_due_transfers(today=on - dt.timedelta(days=1)) == 0
    assert apply_due_transfers(today=on) == 1
    assert apply_due_transfers(today=on) == 0  # a second run moves nobody
    target.refresh_from_db()
    assert target.cell == world.other_cell
    assert target.history.latest("history_id").cell_id == world.other_cell.pk


def test_on_the_transfer_day_the_member_is_on_the_new_cells_roll_only(world):
    on = dt.date(2026, 9, 1)

    transfer_member(member=world.target, to_cell=world.cell_a2, on=on, reason="Chuyển công tác", by=None)

    assert world.target in roster_on(world.cell, on - dt.timedelta(days=1))
    assert world.target not in roster_on(world.cell, on)
    assert world.target in roster_on(world.cell_a2, on)
    assert world.target not in roster_on(world.cell_a2, on - dt.timedelta(days=1))


def test_a_second_transfer_while_one_is_pending_is_refused_and_the_form_is_kept(world, login):
    client = login("secretary")
    target = world.target
    on = timezone.localdate() + dt.timedelta(days=20)
    transfer(client, target, to_cell=world.other_cell.pk, on=on.strftime("%d/%m/%Y"), reason="Nghỉ hưu")

    response = transfer(client, target, to_cell=world.cell_a2.pk, on=on.strftime("%d/%m/%Y"), reason="Đổi ý")

    assert response.status_code == 422  # refused: the form again, with what was typed
    expected = vi(
        "A transfer to %(cell)s on %(date)s is already pending.",
        cell=world.other_cell.name,
        date=on.strftime("%d/%m/%Y"),
    )
    assert expected in page_text(response)
    assert form_values(response)["reason"] == "Đổi ý"
    assert target.memberships.count() == 2
