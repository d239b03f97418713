"""Party dues: each member's monthly amount under the rule set in force, and the cell's ledger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import rules
from members.models import Member, StatusPeriod

from .models import DuesAdjustment, DuesEntry


def due_for(member: Member, period: dt.date, *, adjustments=None, periods=None) -> int:
    """What the member owes for the month, in whole đồng. `adjustments` / `periods` may be prefetched lists."""
    dues_rules = rules.dues_rules_for(period)
    adjustments = member.dues_adjustments.all() if adjustments is None else adjustments
    active = [a for a in adjustments if a.covers(period)]
    reduction = max((a.reduction for a in active), default=0)
    periods = member.status_periods.all() if periods is None else periods
    # Only a suspension because of temporary detention clears dues (QĐ 01); other suspended members pay.
    detained = dues_rules.detained_pay_nothing and any(
        p.kind == StatusPeriod.Kind.SUSPENDED and p.detained and p.covers(period) for p in periods
    )
    return rules.dues_amount(
        dues_rules,
        category=member.dues_category,
        basis=member.dues_basis,
        party_years=member.party_years(period),
        reduction=0 if reduction >= 100 else reduction,
        exempt=reduction >= 100 or detained,
    )


def check_adjustment(adjustment: DuesAdjustment) -> None:
    dues_rules = rules.dues_rules_for(adjustment.starts_on)
    if adjustment.reduction != 100 and adjustment.reduction not in dues_rules.reductions:
        raise ValidationError(
            _("A reduction is one of %(allowed)s percent, or 100 for an exemption.")
            % {"allowed": ", ".join(str(r) for r in dues_rules.reductions)}
        )
    months = (
        (adjustment.ends_on.year - adjustment.starts_on.year) * 12
        + adjustment.ends_on.month
        - adjustment.starts_on.month
        + 1
    )
    if adjustment.ends_on < adjustment.starts_on:
        raise ValidationError(_("The end date cannot be before the start date."))
    if months > dues_rules.max_reduction_months and adjustment.reduction != 100:
        raise ValidationError(
            _("A reduction lasts at most %(n)d months at a time.") % {"n": dues_rules.max_reduction_months}
        )


@transaction.atomic
def ensure_ledger(*, cell, period: dt.date, members: list[Member]) -> list[DuesEntry]:
    """The month's ledger rows for these members, created with what is due if missing."""
    existing = {
        e.member_id: e for e in DuesEntry.objects.filter(cell=cell, period=period, member__in=members)
    }
    missing = [m for m in members if m.pk not in existing]
    if missing:
        prefetched = Member.objects.filter(pk__in=[m.pk for m in missing]).prefetch_related(
            "dues_adjustments", "status_periods"
        )
        DuesEntry.objects.bulk_create(
            [
                DuesEntry(
                    member=m,
                    cell=cell,
                    period=period,
                    due=due_for(
                        m,
                        period,
                        adjustments=list(m.dues_adjustments.all()),
                        periods=list(m.status_periods.all()),
                    ),
                )
                for m in prefetched
            ],
            ignore_conflicts=True,
        )
    entries = list(
        DuesEntry.objects.filter(cell=cell, period=period, member__in=members).select_related("member")
    )
    if missing:
        _record_created([e for e in entries if e.member_id not in existing])
    return entries


def _record_created(entries: list[DuesEntry]) -> None:
    """Audit history for ledger rows just created. bulk_create(ignore_conflicts=True) returns no ids (a
    concurrent request may have written some of the rows), so the rows are read back and only those without
    history yet get their "created" record."""
    recorded = set(DuesEntry.history.filter(id__in=[e.pk for e in entries]).values_list("id", flat=True))
    DuesEntry.history.bulk_history_create([e for e in entries if e.pk not in recorded])


def _state(entry: DuesEntry) -> str:
    """What a ledger row shows: how it was paid, or "" while not paid."""
    return entry.method if entry.settled else ""


@transaction.atomic
def record_payment(*, entry: DuesEntry, method: str, by, meeting=None) -> DuesEntry:
    """One tick of the collector. A payment recorded meanwhile on another device (the treasurer's
    record of a payment on the national portal, a second collector) is not written over: refused, so the
    record keeps how it was really paid. Returns the row as it is now."""
    if method not in DuesEntry.Method.values:
        raise ValidationError(_("Choose how the dues were paid."))
    entry = DuesEntry.objects.select_for_update().select_related("member").get(pk=entry.pk)
    if entry.settled:
        raise _changed_meanwhile(entry)
    return _pay(entry, method=method, by=by, meeting=meeting)


def _changed_meanwhile(entry: DuesEntry) -> ValidationError:
    if entry.settled:
        now = _("recorded as paid (%(method)s)") % {"method": entry.get_method_display()}
    else:
        now = _("not paid yet")
    return ValidationError(
        _(
            "%(name)s's dues were changed on another device meanwhile: now %(now)s. Check the row, then tap again."
        )
        % {"name": entry.member.full_name, "now": now}
    )


def _pay(entry: DuesEntry, *, method: str, by, meeting) -> DuesEntry:
    entry.paid = entry.due
    entry.method = method
    entry.paid_on = timezone.localdate()
    entry.meeting = meeting
    entry.recorded_by = by
    entry.save(update_fields=["paid", "method", "paid_on", "meeting", "recorded_by"])
    return entry


@transaction.atomic
def record_all_paid(*, entries: list[DuesEntry], by, meeting=None) -> int:
    """Everyone paid the standard amount, in one step: each entry not recorded yet is paid what is due (cash
    at the meeting); the collector then changes the exceptions. Exempt entries (nothing due) and entries
    already recorded are left as they are. Returns how many were recorded."""
    # Locked and read again: a payment recorded meanwhile (another phone, the online portal) is kept as it is.
    rows = DuesEntry.objects.select_for_update().filter(pk__in=[e.pk for e in entries]).order_by("pk")
    recorded = 0
    for entry in rows:
        if entry.due and not entry.settled:
            _pay(entry, method=DuesEntry.Method.CASH, by=by, meeting=meeting)
            recorded += 1
    return recorded


@transaction.atomic
def undo_payment(*, entry: DuesEntry, shown: str | None = None) -> DuesEntry:
    """ "Mark as not paid". `shown`: how the collector's page showed the row (a method, or "" for not paid);
    when the row has changed since on another device, nothing is undone (the collector would otherwise take
    back a payment they never saw). Returns the row as it is now."""
    entry = DuesEntry.objects.select_for_update().select_related("member").get(pk=entry.pk)
    if shown is not None and shown != _state(entry):
        raise _changed_meanwhile(entry)
    entry.paid = 0
    entry.method = ""
    entry.paid_on = None
    entry.meeting = None
    entry.save(update_fields=["paid", "method", "paid_on", "meeting"])
    return entry


@dataclass
class MonthTotals:
    due: int
    paid: int
    kept: int
    remitted: int
    unpaid_members: int
    retained_share: Fraction


def month_totals(cell, entries: list[DuesEntry], period: dt.date) -> MonthTotals:
    due = sum(e.due for e in entries)
    paid = sum(e.paid for e in entries)
    share = (
        Fraction(cell.dues_retained_percent, 100)
        if cell.dues_retained_percent is not None
        else rules.dues_rules_for(period).retained_share_default
    )
    kept = rules.whole_dong(paid * share)
    return MonthTotals(due, paid, kept, paid - kept, sum(1 for e in entries if not e.settled), share)


def paid_through(entries: list[DuesEntry]) -> dt.date | None:
    """The last month up to which every month on the ledger is paid ("đã đóng đảng phí hết tháng …")."""
    last = None
    for entry in sorted(entries, key=lambda e: e.period):
        if not entry.settled:
            break
        last = entry.period
    return last


def unpaid_months(entries: list[DuesEntry], year: int) -> int:
    return sum(1 for e in entries if e.period.year == year and not e.settled and e.due > 0)
