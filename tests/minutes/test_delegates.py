"""A delegate from above who comments is recorded as a delegate (đại biểu) in the list of guests and in the
minutes, never as a member: not on the roll, not among the members who spoke."""

from django.urls import reverse

from documents import minutes

from ..factories import post_comment
from .pages import text


def officer_comments(meeting, world):
    return post_comment(
        meeting, world.officer, "Đề nghị chi bộ tăng thời lượng sinh hoạt tư tưởng.", by=world.officer.user
    )


def test_a_delegate_who_comments_is_a_guest_not_a_member_on_the_roll(in_progress, world):
    officer_comments(in_progress.meeting, world)

    meeting = in_progress.meeting
    assert meeting.guests.filter(member=world.officer, name=world.officer.full_name).count() == 1
    assert not meeting.attendances.filter(member=world.officer).exists()


def test_the_minutes_name_the_delegate_as_a_delegate(in_progress, world, login):
    officer_comments(in_progress.meeting, world)

    doc = minutes.assemble(in_progress.meeting)

    said = [c for c in doc["unassigned_comments"] + sum((i["comments"] for i in doc["items"]), [])]
    delegate = [c for c in said if c["speaker"] == world.officer.full_name]
    assert [c["delegate"] for c in delegate] == [True]
    assert all(not c["delegate"] for c in said if c["speaker"] != world.officer.full_name)
    assert world.officer.full_name in [g["name"] for g in doc["guests"]]
    page = text(login("secretary").get(reverse("documents:minutes", args=[in_progress.meeting.pk])))
    assert f"Đồng chí {world.officer.full_name} (đại biểu):" in page
