"""The standard sections of a regular meeting (DESIGN.md section 3; DOMAIN.md §1.4) and agenda building."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from members import rules
from members.models import Member

from .models import AgendaItem, AgendaTemplateItem, Category, Guidance, Meeting


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    minutes: int
    category: str = Category.PARTY


STANDARD_SECTIONS = (
    Section("opening", _("Opening: purpose, guests, meeting secretary, roll call"), 5),
    Section("dues", _("Dues collection and dues situation"), 5),
    Section("news", _("News and current affairs"), 10),
    Section("directives", _("Directives and documents from above"), 10),
    Section("report", _("Report on last month and plan for next month"), 15, Category.PROFESSIONAL),
    Section("discussion", _("Discussion"), 20),
    Section("recognition", _("Recognition of official members"), 5),
    Section("self_criticism", _("Rotating self-criticism and criticism"), 15),
    Section("superior", _("Remarks of the superior officer"), 5),
    Section("conclusion", _("Conclusion of the chair and resolution vote"), 5),
    Section("evaluation", _("Quality evaluation of the meeting"), 5),
    Section("minutes", _("Reading and adoption of the minutes"), 5),
)
SECTION_CODES = {s.code for s in STANDARD_SECTIONS} | {"guidance", "thematic"}
# The sections that end a meeting, in this order: a new item goes before them, not after the minutes.
CLOSING_SECTIONS = ("superior", "conclusion", "evaluation", "minutes")


def template_for(cell, day: dt.date | None = None) -> list[AgendaTemplateItem]:
    """The cell's own template, or the standard sections (in Vietnamese, as documents are); self-criticism
    gets the rule set's minimum time (15 minutes under HD 42)."""
    own = list(AgendaTemplateItem.objects.filter(cell=cell))
    if own:
        return own
    self_criticism = rules.for_date(cell, day or timezone.localdate()).self_criticism_minutes[0]
    with translation.override("vi"):
        return [
            AgendaTemplateItem(
                cell=cell,
                position=i,
                section=s.code,
                title=str(s.title),
                planned_minutes=self_criticism if s.code == "self_criticism" else s.minutes,
                category=s.category,
            )
            for i, s in enumerate(STANDARD_SECTIONS, start=1)
        ]


def fill_agenda(meeting: Meeting) -> None:
    """A new meeting's draft agenda: the cell's template, plus the month's guidance from above."""
    if meeting.kind == Meeting.Kind.THEMATIC:
        with translation.override("vi"):
            outline = [
                ("opening", str(STANDARD_SECTIONS[0].title), 5),
                ("thematic", meeting.topic, 60),
                ("discussion", str(_("Discussion")), 20),
                ("conclusion", str(STANDARD_SECTIONS[9].title), 5),
            ]
        items = [
            AgendaItem(meeting=meeting, position=i, section=section, title=title, planned_minutes=minutes)
            for i, (section, title, minutes) in enumerate(outline, start=1)
        ]
    else:
        due = recognition_due(meeting)
        items = [
            AgendaItem(
                meeting=meeting,
                position=t.position,
                section=t.section,
                title=t.title,
                planned_minutes=t.planned_minutes,
                category=t.category,
                text=t.text,
            )
            for t in template_for(meeting.cell, timezone.localtime(meeting.scheduled_at).date())
            if t.section != "recognition" or due
        ]
    bulk_create_with_history(items, AgendaItem)  # the audit history gets a row per item
    if meeting.kind == Meeting.Kind.REGULAR:
        for guidance in guidance_for(meeting):
            add_guidance_item(meeting, guidance)


def recognition_due(meeting: Meeting) -> list[Member]:
    """Probationary members whose 12 months end before the meeting or within the month after it."""
    day = timezone.localtime(meeting.scheduled_at).date()
    probationary = Member.objects.current().filter(cell=meeting.cell, status=Member.Status.PROBATIONARY)
    return [
        m for m in probationary if m.probation_ends_on and m.probation_ends_on <= day + dt.timedelta(days=31)
    ]


def guidance_for(meeting: Meeting):
    ancestors = [meeting.cell.path[: i * meeting.cell.steplen] for i in range(1, meeting.cell.depth)]
    return Guidance.objects.filter(
        organization__path__in=ancestors, period=meeting.period, published_at__isnull=False
    ).select_related("organization")


def add_guidance_item(meeting: Meeting, guidance: Guidance) -> AgendaItem | None:
    """Puts the guidance in the draft agenda right after the directives section (once)."""
    if meeting.agenda_items.filter(guidance=guidance).exists():
        return None
    anchor = meeting.agenda_items.filter(section="directives").first()
    position = anchor.position + 1 if anchor else 1
    below = list(meeting.agenda_items.filter(position__gte=position))
    for item in below:
        item.position += 1
    bulk_update_with_history(below, AgendaItem, ["position"])
    return AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        section="guidance",
        guidance=guidance,
        title=guidance.title,
        text=guidance.text,
        planned_minutes=guidance.planned_minutes,
        category=Category.PARTY,
    )


def renumber(meeting: Meeting) -> None:
    moved = []
    for i, item in enumerate(meeting.agenda_items.order_by("position", "pk"), start=1):
        if item.position != i:
            item.position = i
            moved.append(item)
    # Only the items that moved are written, each with its row in the audit history.
    bulk_update_with_history(moved, AgendaItem, ["position"])


def default_position(meeting: Meeting) -> int:
    """Where an item added the ordinary way goes: before the closing sections that end the agenda (the
    superior officer's remarks, the chair's conclusion, the evaluation, the minutes), else last."""
    sections = list(meeting.agenda_items.order_by("position", "pk").values_list("section", flat=True))
    position = len(sections) + 1
    while position > 1 and sections[position - 2] in CLOSING_SECTIONS:
        position -= 1
    return position


def insert_item(meeting: Meeting, item: AgendaItem, *, at: int | None = None) -> AgendaItem:
    """Saves a new item at position `at` (1 = first; None: before the closing sections), the items from
    there on one place down."""
    renumber(meeting)
    count = meeting.agenda_items.count()
    position = default_position(meeting) if at is None else min(max(at, 1), count + 1)
    below = list(meeting.agenda_items.filter(position__gte=position))
    for other in below:
        other.position += 1
    bulk_update_with_history(below, AgendaItem, ["position"])
    item.meeting = meeting
    item.position = position
    item.save()
    return item


def reorder(meeting: Meeting, ids: list[int]) -> None:
    """Puts the agenda in the order of `ids`, which must name each of its items exactly once (a page loaded
    before an item was added or removed is refused, never half applied)."""
    items = {item.pk: item for item in meeting.agenda_items.all()}
    if len(ids) != len(items) or set(ids) != set(items):
        raise ValidationError(
            _(
                "The new order was not saved: the agenda has changed since this page was loaded. "
                "Here it is as it is now; move the item again."
            )
        )
    moved = []
    for position, pk in enumerate(ids, start=1):
        if items[pk].position != position:
            items[pk].position = position
            moved.append(items[pk])
    bulk_update_with_history(moved, AgendaItem, ["position"])


def move_item(item: AgendaItem, direction: str) -> None:
    """Swaps the item with its neighbour above or below."""
    renumber(item.meeting)
    items = list(item.meeting.agenda_items.order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return
    items[index].position, items[other].position = items[other].position, items[index].position
    bulk_update_with_history([items[index], items[other]], AgendaItem, ["position"])


def save_as_template(meeting: Meeting) -> int:
    items = list(meeting.agenda_items.exclude(section="guidance").order_by("position", "pk"))
    AgendaTemplateItem.objects.filter(cell=meeting.cell).delete()
    AgendaTemplateItem.objects.bulk_create(
        AgendaTemplateItem(
            cell=meeting.cell,
            position=i,
            section=it.section,
            title=it.title,
            planned_minutes=it.planned_minutes,
            category=it.category,
        )
        for i, it in enumerate(items, start=1)
    )
    return len(items)
