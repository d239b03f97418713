"""The audit history across the tracked models: who changed what and when (django-simple-history).

Each tracked model has its own historical table; a page of recent changes is one UNION ALL over them, newest
first, read one row beyond the page to know whether another follows (no COUNT over every table). Only the rows
of the page are then loaded, with the record before each (for the changed fields) in two queries per model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import CharField, OuterRef, Subquery, Value
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from members.models import Member


# The models whose every change is kept: every model that declares HistoricalRecords (django-simple-history
# marks them), so a model tracked tomorrow is on the page without being listed here. High-volume derived
# tables such as CellMonth, Notification or the search index are not tracked; MeetingEvent is itself a
# journal; MinutesVersion rows are written once, with who and why, and never changed.
def tracked_models() -> tuple:
    return tuple(m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute"))


PAGE_SIZE = 50

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}

# Names for the fields that carry no verbose name of their own (bookkeeping fields of the record).
FIELD_LABELS = {
    "official": _("official member"),
    "temporary_here": _("temporary activity here"),
    "elsewhere": _("temporary activity elsewhere"),
    "exempt": _("exempt"),
    "suspended": _("suspended"),
    "checked_in_at": _("checked in at"),
    "self_checked_in": _("checked in on their phone"),
    "eligible": _("eligible voters"),
    "base": _("denominator"),
    "passed": _("passed"),
    "rule": _("rule"),
    "recorded_by": _("recorded by"),
    "recorded_at": _("recorded at"),
    "client_id": _("client id"),
    "created_at": _("created at"),
    "created_by": _("created by"),
    "answered_at": _("answered at"),
    "entered_by": _("entered by"),
    "updated_by": _("updated by"),
    "prefilled": _("pre-filled from the record"),
    "kind": _("kind"),
    "total": _("total"),
    "level": _("level"),
    "level_label": _("level"),
    "adopted_vote": _("adoption vote"),
    "adopted_at": _("adopted at"),
    "confirmed_by": _("confirmed by"),
    "confirmed_at": _("confirmed at"),
    "meeting": _("meeting"),
    "member": _("member"),
    "cell": _("party cell"),
    "organization": _("organisation"),
    "officer": _("officer"),
    "evaluation": _("evaluation"),
    "criterion": _("criterion"),
    "rubric": _("rubric"),
    "vote": _("vote"),
    "choice": _("choice"),
    "notes": _("notes"),
    "current_item": _("current agenda item"),
    "guidance": _("guidance"),
    "agenda_item": _("agenda item"),
    "user": _("login account"),
}


def label_of(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def field_label(model, name: str) -> str:
    try:
        verbose = model._meta.get_field(name).verbose_name
    except Exception:  # a field dropped since the record was written
        verbose = name
    if isinstance(verbose, Promise):
        return str(verbose)
    return str(FIELD_LABELS.get(name, verbose))


@dataclass
class Change:
    model: type
    record: object
    changed: list[str] = field(default_factory=list)
    member_name: str = ""

    @property
    def when(self):
        return self.record.history_date

    @property
    def action(self) -> str:
        return str(ACTIONS.get(self.record.history_type, self.record.history_type))

    @property
    def user(self):
        return self.record.history_user

    @property
    def who(self) -> str:
        user = self.record.history_user
        if user is None:
            return ""
        member = getattr(user, "member", None)
        return member.full_name if member else user.get_username()

    @property
    def model_name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def object_id(self):
        return self.record.id

    @property
    def title(self) -> str:
        """A short name for the object, from the row itself (no query per row)."""
        for name in ("full_name", "name", "title", "question", "text"):
            value = getattr(self.record, name, "")
            if value:
                return value if len(value) <= 60 else value[:59] + "…"
        period = getattr(self.record, "period", None)
        parts = [self.member_name, f"{period:%m/%Y}" if period else ""]
        return " · ".join(p for p in parts if p)

    @property
    def admin_url(self) -> str:
        opts = self.model._meta
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[self.record.id])
        except NoReverseMatch:
            return ""


def _entries(model, user_id: int | None):
    rows = model.history.order_by()
    if user_id:
        rows = rows.filter(history_user_id=user_id)
    return rows.annotate(model_label=Value(label_of(model), output_field=CharField())).values_list(
        "history_date", "history_id", "model_label"
    )


def page_of_changes(models, *, user_id: int | None = None, page: int = 1) -> tuple[list[Change], bool]:
    """One page of changes, newest first, and whether an older page follows."""
    start, stop = (page - 1) * PAGE_SIZE, page * PAGE_SIZE + 1
    by_label = {label_of(m): m for m in models}
    parts = [_entries(m, user_id) for m in models]
    if len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL: each table gives at most the rows the page can reach, read through its date index.
        parts = [p.order_by("-history_date", "-history_id")[:stop] for p in parts]
    rows = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
    found = list(rows.order_by("-history_date", "-history_id")[start:stop])
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    wanted: dict[str, list[int]] = {}
    for _date, history_id, label in found:
        wanted.setdefault(label, []).append(history_id)
    records = {}
    for label, ids in wanted.items():
        for change in _load(by_label[label], ids):
            records[(label, change.record.history_id)] = change
    _name_members(records.values())
    return [records[(label, history_id)] for _date, history_id, label in found], more


def _load(model, history_ids: list[int]) -> list[Change]:
    history = model.history.model
    # The record before: the same object's latest row written earlier (history ids only grow).
    before = history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by(
        "-history_id"
    )
    records = list(
        history.objects.filter(history_id__in=history_ids)
        .select_related("history_user__member")
        .annotate(previous_id=Subquery(before.values("history_id")[:1]))
    )
    previous = history.objects.in_bulk([r.previous_id for r in records if r.previous_id])
    changes = []
    for record in records:
        change = Change(model=model, record=record)
        prior = previous.get(record.previous_id)
        if record.history_type == "~" and prior is not None:
            change.changed = [field_label(model, f) for f in record.diff_against(prior).changed_fields]
        changes.append(change)
    return changes


def _name_members(changes) -> None:
    """Rows about a member (attendance, dues, ballots, posts…) are named after the member: one query."""
    ids = {getattr(c.record, "member_id", None) for c in changes} - {None}
    if not ids:
        return
    names = dict(Member.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    for change in changes:
        change.member_name = names.get(getattr(change.record, "member_id", None), "")


def users_in(models) -> list:
    """The users who made a change in these tables, for the filter: one query, then their names."""
    parts = [
        m.history.order_by().exclude(history_user_id=None).values_list("history_user_id", flat=True)
        for m in models
    ]
    ids = set(parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0].distinct())
    users = get_user_model().objects.filter(pk__in=ids).select_related("member")
    return sorted(
        users, key=lambda u: (getattr(u, "member", None) and u.member.full_name or u.get_username()).lower()
    )
