"""Reminder fixtures on top of tests/conftest.py's `world`.

Chi bộ A1's regular meeting of December 2026 is on Saturday 05/12/2026 at 14:00 (Vietnam time), so D-7 is
28/11, D-3 is 02/12, D-1 is 04/12 and D+2 is 07/12. Every persona with a login has an email address; the
probationary member without a login (`target`) is not yet due for recognition unless a test says so.
"""

import datetime as dt
import html
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from meetings.models import Meeting
from notifications import reminders
from notifications.models import Notification

from ..clock import at

DECEMBER = dt.date(2026, 12, 1)
SITE = "https://chibo.example.org"


def vi(message: str, **params) -> str:
    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def vi_n(singular: str, plural: str, count: int, **params) -> str:
    with translation.override("vi"):
        text = ngettext(singular, plural, count)
    return text % {"counter": count, **params}


def page_text(response) -> str:
    """What the user reads on the page: tags dropped, entities decoded, whitespace collapsed."""
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def run_at(*args) -> int:
    """The beat job, with the clock at at(*args)."""
    return reminders.run(now=at(*args))


def told(kind: str, **filters) -> list[tuple[str, str]]:
    """(username, occasion) of every notification of that kind, sorted: who was told, and on which occasion."""
    rows = Notification.objects.filter(kind=kind, **filters).select_related("recipient")
    return sorted((n.recipient.username, n.key.rsplit(":", 1)[1]) for n in rows)


def usernames(kind: str, **filters) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=kind, **filters).values_list("recipient__username", flat=True)
    )


@pytest.fixture
def world(world, settings):
    settings.SITE_URL = SITE
    for persona in ("secretary", "member", "fellow", "officer", "reviewer", "outsider"):
        user = getattr(world, persona).user
        user.email = f"{persona}@example.org"
        user.save(update_fields=["email"])
    world.target.admission_date = dt.date(2026, 6, 1)  # probation ends 01/06/2027
    world.target.save(update_fields=["admission_date"])
    return world


@pytest.fixture
def clock(monkeypatch):
    """clock(at(...)) freezes django.utils.timezone.now (and so localdate) for views and services, and the
    time a notification is stamped with (its field default holds the original timezone.now)."""
    created_at = Notification._meta.get_field("created_at")

    def freeze(when: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: when)
        monkeypatch.setattr(created_at, "_get_default", lambda: when)

    return freeze


def meeting_of(cell, when: dt.datetime, **fields) -> Meeting:
    return Meeting.objects.create(
        cell=cell,
        period=when.date().replace(day=1),
        scheduled_at=when,
        place=fields.pop("place", ""),
        **fields,
    )


@pytest.fixture
def regular(world) -> Meeting:
    """Chi bộ A1's planned regular meeting, 05/12/2026 14:00, in the meeting room."""
    return meeting_of(world.cell, at(2026, 12, 5, 14, 0), place="Hội trường tầng 2")


def many_cells(parent, n: int, *, meeting_at: dt.datetime, closed_at=None, officer=None) -> list:
    """n cells under `parent`, bulk-created so that hundreds take about a second. Each has a secretary with a
    login and an email address, and a planned regular meeting at `meeting_at` with no committee session;
    with `closed_at`, also a closed meeting whose minutes are not adopted (the secretary kept them), and with
    `officer`, that member follows every new cell for the committee above."""
    from django.contrib.auth import get_user_model

    from members.models import Member, Organization, Role, Supervision

    parent.refresh_from_db()
    depth, first = parent.depth + 1, parent.numchild + 1
    paths = [Organization._get_path(parent.path, depth, first + i) for i in range(n)]
    Organization.objects.bulk_create(
        Organization(
            name=f"Chi bộ {first + i}", kind=Organization.Kind.CELL, term="2025–2030", path=path, depth=depth
        )
        for i, path in enumerate(paths)
    )
    Organization.objects.filter(pk=parent.pk).update(numchild=parent.numchild + n)
    cells = list(Organization.objects.filter(path__in=paths))
    User = get_user_model()
    tag = f"{parent.pk}-{first}"
    User.objects.bulk_create(
        User(username=f"bt-{tag}-{i}", email=f"bt-{tag}-{i}@example.org") for i in range(n)
    )
    users = list(User.objects.filter(username__startswith=f"bt-{tag}-").order_by("pk"))
    Member.objects.bulk_create(
        Member(full_name=f"Bí thư {cell.name}", cell=cell, user=user, admission_date=dt.date(2010, 5, 19))
        for cell, user in zip(cells, users, strict=True)
    )
    members = {m.cell_id: m for m in Member.objects.filter(cell__in=cells)}
    Role.objects.bulk_create(
        Role(member=members[c.pk], organization=c, kind=Role.Kind.SECRETARY, starts_on=dt.date(2025, 1, 1))
        for c in cells
    )
    if officer is not None:
        Supervision.objects.bulk_create(
            Supervision(officer=officer, cell=c, starts_on=dt.date(2025, 1, 1)) for c in cells
        )
    meetings = [
        Meeting(cell=c, period=meeting_at.date().replace(day=1), scheduled_at=meeting_at, place="Hội trường")
        for c in cells
    ]
    if closed_at is not None:
        meetings += [
            Meeting(
                cell=c,
                period=closed_at.date().replace(day=1),
                scheduled_at=closed_at,
                status=Meeting.Status.CLOSED,
                clerk=members[c.pk],
            )
            for c in cells
        ]
    Meeting.objects.bulk_create(meetings)
    return cells
