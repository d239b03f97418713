"""core/rows.py, the live path's reads, reads what the ORM reads: every field of the row and of the object
joined, with the same types (aware datetimes, dates, UUIDs, booleans) on SQLite as on PostgreSQL."""

import pytest

from core import rows
from meetings.models import Comment, Meeting
from members.models import Member

pytestmark = pytest.mark.django_db


def values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_member_with_the_cell_is_the_orms(world):
    orm = Member.objects.select_related("cell").get(pk=world.member.pk)

    read = rows.first(Member, "t.user_id = %s AND t.left_on IS NULL", [world.member.user_id], related="cell")

    assert values(read) == values(orm)
    assert values(read.cell) == values(orm.cell)
    assert Member.cell.is_cached(read)


def test_a_meeting_with_its_datetimes_and_no_current_item(prepared):
    orm = Meeting.objects.get(pk=prepared.pk)

    read = rows.first(Meeting, "t.id = %s", [prepared.pk], related="current_item")

    assert values(read) == values(orm)
    assert read.scheduled_at.tzinfo is not None
    assert read.current_item is None


def test_a_comment_with_its_uuid_and_a_missing_row(opened, world):
    comment = Comment.objects.create(
        meeting=opened, speaker=world.member, text="Tán thành.", agenda_item=opened.current_item
    )

    read = rows.first(Comment, "t.id = %s", [comment.pk], related="agenda_item")

    assert read.client_id == Comment.objects.get(pk=comment.pk).client_id
    assert values(read.agenda_item) == values(opened.current_item)
    assert rows.first(Comment, "t.id = %s", [comment.pk + 1000]) is None
