"""Dated statuses (exempt, abroad, ...): what the committee records and which ones count on a given day."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from members.models import StatusPeriod

from ..factories import StatusPeriodFactory
from .pages import form_values, page_text, vi


def record(client, member, **data):
    return client.post(reverse("members:status_create", args=[member.pk]), data)


def record_detained(client, member, **data):
    """Records a status from 01/10/2026 with "because of temporary detention" ticked."""
    return record(client, member, starts_on="01/10/2026", detained="on", **data)


def test_exemption_is_recorded_and_counted_on_the_cell_page(world, login):
    client = login("secretary")
    start = timezone.localdate() - dt.timedelta(days=10)

    response = record(
        client, world.member, kind="exempt", starts_on=start.strftime("%d/%m/%Y"), reason="Ốm dài ngày"
    )

    assert response.status_code == 302
    period = world.member.status_periods.get()
    assert (period.kind, period.starts_on, period.ends_on) == (StatusPeriod.Kind.EXEMPT, start, None)
    assert period.recorded_by == world.secretary.user
    cell_page = client.get(world.cell.get_absolute_url())
    assert cell_page.context["n_exempt"] == 1
    assert vi("Exempt from activity") in page_text(cell_page)


def test_exemption_without_a_reason_is_refused(world, login):
    client = login("secretary")

    response = record(client, world.member, kind="exempt", starts_on="01/01/2026", ends_on="", reason="")

    assert response.status_code == 422  # refused: the form again, with what was typed
    assert vi("An exemption needs a reason.") in response.context["form"].errors["reason"]
    assert form_values(response) == {"kind": "exempt", "starts_on": "01/01/2026", "ends_on": "", "reason": ""}
    assert not StatusPeriod.objects.exists()


def test_other_statuses_need_no_reason(world, login):
    response = record(login("secretary"), world.member, kind="abroad", starts_on="01/09/2026", reason="")

    assert response.status_code == 302
    assert world.member.status_periods.get().kind == StatusPeriod.Kind.ABROAD


def test_end_before_start_is_refused(world, login):
    client = login("secretary")

    response = record(
        client, world.member, kind="abroad", starts_on="01/09/2026", ends_on="31/08/2026", reason="Học tập"
    )

    assert response.status_code == 422  # refused: the form again, with what was typed
    assert vi("The end date cannot be before the start date.") in response.context["form"].errors["ends_on"]
    assert form_values(response)["reason"] == "Học tập"
    assert not StatusPeriod.objects.exists()


def test_editing_an_exemption_to_end_before_it_starts_is_refused(world, login):
    period = StatusPeriodFactory(member=world.member, starts_on=dt.date(2026, 1, 1))
    client = login("secretary")

    response = client.post(
        reverse("members:status_edit", args=[period.pk]),
        {"kind": "exempt", "starts_on": "01/01/2026", "ends_on": "01/12/2025", "reason": period.reason},
    )

    assert response.status_code == 422  # refused: the form again, with what was typed
    assert vi("The end date cannot be before the start date.") in response.context["form"].errors["ends_on"]
    period.refresh_from_db()
    assert period.ends_on is None


def test_active_on_counts_both_ends_and_open_periods(world):
    m = world.member
    winter = StatusPeriodFactory(member=m, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 31))
    abroad = StatusPeriodFactory(
        member=m, kind="abroad", starts_on=dt.date(2026, 3, 1), ends_on=None, reason=""
    )
    may = StatusPeriodFactory(
        member=world.fellow, starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 5, 31)
    )

    def active(day):
        return set(StatusPeriod.objects.active_on(day))

    assert active(dt.date(2025, 12, 31)) == set()
    assert active(dt.date(2026, 1, 1)) == {winter}
    assert active(dt.date(2026, 3, 31)) == {winter, abroad}
    assert active(dt.date(2026, 4, 1)) == {abroad}
    assert active(dt.date(2026, 5, 31)) == {abroad, may}
    assert active(dt.date(2030, 1, 1)) == {abroad}
    assert m.active_status_periods(dt.date(2026, 3, 15)) == [abroad, winter]


def test_ended_exemption_no_longer_counts_on_the_cell_page(world, login):
    today = timezone.localdate()
    StatusPeriodFactory(member=world.member, starts_on=today - dt.timedelta(days=60), ends_on=today)
    StatusPeriodFactory(
        member=world.fellow, starts_on=today - dt.timedelta(days=60), ends_on=today - dt.timedelta(days=1)
    )
    StatusPeriodFactory(member=world.secretary, starts_on=today + dt.timedelta(days=1))

    page = login("secretary").get(world.cell.get_absolute_url())

    assert page.context["n_exempt"] == 1  # only the one still exempt today


def test_a_suspension_because_of_temporary_detention_is_recorded(world, login):
    response = record_detained(login("secretary"), world.member, kind="suspended", reason="Tạm giam")

    assert response.status_code == 302
    period = world.member.status_periods.get()
    assert (period.kind, period.detained) == (StatusPeriod.Kind.SUSPENDED, True)
    detail = page_text(login("secretary").get(world.member.get_absolute_url()))
    assert f"{vi('Suspended')} ({vi('because of temporary detention')})" in detail


def test_temporary_detention_on_anything_but_a_suspension_is_refused(world, login):
    response = record_detained(login("secretary"), world.member, kind="abroad", reason="Học tập")

    assert response.status_code == 422  # refused: the form again, with what was typed
    errors = response.context["form"].errors["detained"]
    assert vi("Only a suspension can be because of temporary detention.") in errors
    assert form_values(response)["reason"] == "Học tập"
    assert not StatusPeriod.objects.exists()
