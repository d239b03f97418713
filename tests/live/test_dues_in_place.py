"""Dues in one step and in place (issue #18 item 2): "Everyone paid the standard amount" records every member
not recorded yet as paid what is due; a tick changes its own row and the totals (htmx), or the page is
posted and shown again where scripts do not run."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import dues, live
from meetings.models import DuesEntry
from members.models import Member, StatusPeriod

from ..factories import MemberFactory, StatusPeriodFactory
from ..meetings.pages import HTMX
from .conftest import NOVEMBER
from .pages import messages_of, text, vi, vi_n

M = DuesEntry.Method
C = Member.DuesCategory


@pytest.fixture
def ledger_meeting(world, prepared):
    """November's meeting, open, in a cell whose members pay 100,000, 30,000, 5,000 and 80,000 đ and two
    who pay nothing (51 years in the party; suspended while detained)."""
    for member, category, basis in (
        (world.secretary, C.SALARY, 10_000_000),
        (world.member, C.PENSION, 6_000_000),
        (world.fellow, C.STUDENT, 0),
        (world.target, C.SALARY, 8_000_000),
    ):
        member.dues_category, member.dues_basis = category, basis
        member.save()
    MemberFactory(
        full_name="Tạ Văn Bảy", cell=world.cell, admission_date=dt.date(1975, 4, 30), dues_category=C.PENSION
    )
    detained = MemberFactory(full_name="Tô Văn Đình", cell=world.cell)
    StatusPeriodFactory(
        member=detained, kind=StatusPeriod.Kind.SUSPENDED, detained=True, starts_on=dt.date(2026, 10, 1)
    )
    return live.open_meeting(meeting=prepared, chair=world.secretary, clerk=world.fellow, by=None)


def url(name, meeting):
    return reverse(f"meetings:{name}", args=[meeting.pk])


def ledger() -> dict[str, tuple[int, int, str]]:
    return {
        e.member.full_name: (e.due, e.paid, e.method)
        for e in DuesEntry.objects.filter(period=NOVEMBER).select_related("member")
    }


@pytest.fixture
def collector(login, ledger_meeting):
    client = login("fellow")  # the meeting secretary collects the dues
    client.get(url("dues", ledger_meeting))  # the month's ledger is drawn up
    return client


def test_everyone_paid_records_each_member_not_recorded_yet_at_the_amount_due(
    collector,
    ledger_meeting,
    world,
):
    online = DuesEntry.objects.get(member=world.member, period=NOVEMBER)
    dues.record_payment(entry=online, method=M.ONLINE, by=None)

    response = collector.post(url("dues_all_paid", ledger_meeting), follow=True)

    assert response.redirect_chain[-1][0] == url("dues", ledger_meeting)
    assert messages_of(response) == [
        vi_n(
            "%(n)d member recorded as paid in cash. Now change only the exceptions.",
            "%(n)d members recorded as paid in cash. Now change only the exceptions.",
            3,
            n=3,
        )
    ]
    assert ledger() == {
        world.secretary.full_name: (100_000, 100_000, M.CASH),
        world.member.full_name: (30_000, 30_000, M.ONLINE),  # already paid online: kept
        world.fellow.full_name: (5_000, 5_000, M.CASH),
        world.target.full_name: (80_000, 80_000, M.CASH),
        "Tạ Văn Bảy": (0, 0, ""),  # exempt: nothing due, nothing recorded
        "Tô Văn Đình": (0, 0, ""),
    }
    entry = DuesEntry.objects.get(member=world.secretary, period=NOVEMBER)
    assert (entry.meeting, entry.recorded_by) == (ledger_meeting, world.fellow.user)
    page = text(response)
    assert vi("Collected %(paid)s of %(due)s đồng", paid="215.000", due="215.000") in page
    assert vi("Everyone paid the standard amount") not in page  # nobody is left to record


def test_with_htmx_everyone_paid_answers_with_the_ledger_in_place(collector, ledger_meeting, world):
    response = collector.post(url("dues_all_paid", ledger_meeting), **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="dues-ledger">') and "<html" not in html
    page = text(response)
    assert (
        vi_n(
            "%(n)d member recorded as paid in cash. Now change only the exceptions.",
            "%(n)d members recorded as paid in cash. Now change only the exceptions.",
            4,
            n=4,
        )
        in page
    )
    assert f"Phạm Quốc Hùng 100.000 đ · ✔ {vi('Cash at the meeting')}" in page
    assert vi("Collected %(paid)s of %(due)s đồng", paid="215.000", due="215.000") in page


def test_a_tick_changes_its_row_and_the_totals_in_place(collector, ledger_meeting, world):
    entry = DuesEntry.objects.get(member=world.secretary, period=NOVEMBER)

    paid = collector.post(url("dues", ledger_meeting), {"entry": entry.pk, "method": "cash"}, **HTMX)

    assert paid.status_code == 200
    html = paid.content.decode()
    assert html.startswith('<li class="list-group-item') and f'id="dues-{entry.pk}"' in html
    assert '<div id="dues-summary" hx-swap-oob="true">' in html
    page = text(paid)
    assert f"Phạm Quốc Hùng 100.000 đ · ✔ {vi('Cash at the meeting')} {vi('Mark as not paid')}" in page
    assert vi("Collected %(paid)s of %(due)s đồng", paid="100.000", due="215.000") in page
    assert html.count("<li") == 1  # its row only, not the others again

    undone = text(collector.post(url("dues", ledger_meeting), {"entry": entry.pk, "method": "undo"}, **HTMX))

    assert f"Phạm Quốc Hùng 100.000 đ · {vi('Not paid yet')} {vi('Paid in cash')}" in undone
    assert vi("Collected %(paid)s of %(due)s đồng", paid="0", due="215.000") in undone
    entry.refresh_from_db()
    assert (entry.paid, entry.method) == (0, "")


def test_the_exception_after_everyone_paid_is_one_tick(collector, ledger_meeting, world):
    collector.post(url("dues_all_paid", ledger_meeting), **HTMX)
    target = DuesEntry.objects.get(member=world.target, period=NOVEMBER)

    collector.post(url("dues", ledger_meeting), {"entry": target.pk, "method": "undo"}, **HTMX)

    assert ledger()[world.target.full_name] == (80_000, 0, "")
    page = text(collector.get(url("dues", ledger_meeting)))
    assert vi("Collected %(paid)s of %(due)s đồng", paid="135.000", due="215.000") in page
    # One member is still not recorded: the button stays, names him, and no longer looks like the way on.
    assert vi("Everyone paid the standard amount") in page
    assert vi("Not recorded yet: %(names)s.", names=world.target.full_name) in page


def test_a_tick_on_a_row_paid_meanwhile_on_another_device_keeps_how_it_was_paid(
    collector, ledger_meeting, world
):
    """The collector's page still shows the member unpaid; the treasurer has just recorded the payment made
    on the national portal. The collector's "Paid in cash" must not turn it into cash."""
    entry = DuesEntry.objects.get(member=world.member, period=NOVEMBER)
    dues.record_payment(entry=entry, method=M.ONLINE, by=world.secretary.user)

    response = collector.post(
        url("dues", ledger_meeting), {"entry": entry.pk, "method": "cash", "shown": ""}, **HTMX
    )

    assert response.status_code == 422
    now = vi("recorded as paid (%(method)s)", method=vi("Online (national portal)"))
    assert vi(
        "%(name)s's dues were changed on another device meanwhile: now %(now)s. Check the row, then tap again.",
        name=world.member.full_name,
        now=now,
    ) in text(response)
    assert "✔ " + vi("Online (national portal)") in text(response)  # the row as it is now
    assert ledger()[world.member.full_name] == (30_000, 30_000, M.ONLINE)


def test_mark_as_not_paid_takes_back_only_the_payment_the_collector_saw(collector, ledger_meeting, world):
    entry = DuesEntry.objects.get(member=world.member, period=NOVEMBER)
    dues.record_payment(entry=entry, method=M.CASH, by=world.fellow.user)  # what the collector's page shows
    dues.undo_payment(entry=entry)  # the treasurer corrects it on another device...
    dues.record_payment(entry=entry, method=M.ONLINE, by=world.secretary.user)  # ...paid online in fact

    stale = collector.post(
        url("dues", ledger_meeting), {"entry": entry.pk, "method": "undo", "shown": "cash"}, **HTMX
    )
    assert stale.status_code == 422
    assert ledger()[world.member.full_name] == (30_000, 30_000, M.ONLINE)

    seen = collector.post(
        url("dues", ledger_meeting), {"entry": entry.pk, "method": "undo", "shown": "online"}, **HTMX
    )
    assert seen.status_code == 200
    assert ledger()[world.member.full_name] == (30_000, 0, "")


def test_an_entry_of_another_cell_is_refused_in_place_and_nothing_changes(
    collector,
    ledger_meeting,
    world,
    login,
):
    other = DuesEntry.objects.create(
        member=world.outsider, cell=world.other_cell, period=NOVEMBER, due=50_000
    )

    response = collector.post(url("dues", ledger_meeting), {"entry": other.pk, "method": "cash"}, **HTMX)

    assert response.status_code == 422
    assert vi("This dues entry is not in this month's ledger.") in text(response)
    other.refresh_from_db()
    assert other.paid == 0


def test_without_htmx_a_tick_posts_the_page_and_shows_it_again(collector, ledger_meeting, world):
    entry = DuesEntry.objects.get(member=world.fellow, period=NOVEMBER)

    response = collector.post(url("dues", ledger_meeting), {"entry": entry.pk, "method": "online"})

    assert response.status_code == 302 and response.url == url("dues", ledger_meeting)
    assert ledger()[world.fellow.full_name] == (5_000, 5_000, M.ONLINE)


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("officer", 403), ("outsider", 404)])
def test_only_the_committee_and_the_meeting_secretary_record_everyone_paid(
    ledger_meeting,
    login,
    persona,
    status,
):
    response = login(persona).post(url("dues_all_paid", ledger_meeting), **HTMX)

    assert response.status_code == status
    assert not DuesEntry.objects.filter(paid__gt=0).exists()
