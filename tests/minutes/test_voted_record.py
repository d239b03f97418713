"""The cell adopts the minutes its meeting secretary read out (DOMAIN.md §1.4 step 16). After that vote the
record may still do what the end of an evening does: the meeting closes (members never marked become absent
without reason), and the dues stand as they were read. Anything else that moves is not adopted on the strength
of that vote; a correction after adoption changes the secretary's text and nothing of the record."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents import minutes
from documents.models import MinutesVersion
from meetings import dues, live
from meetings.models import Attendance, Guest, Meeting, Task, Vote

from ..clock import at
from .conftest import NOTES, adopt_vote, comment, correct, dues_line
from .pages import text, vi

NOVEMBER = dt.date(2026, 11, 1)
MOVED = (
    "Since the cell's vote on the minutes the record has changed (%(parts)s): read the changes out and take the "
    "vote again."
)


def minutes_url(meeting):
    return reverse("documents:minutes", args=[meeting.pk])


def adopt_url(meeting):
    return reverse("documents:minutes_adopt", args=[meeting.pk])


def read_out(record, world):
    """The meeting secretary reads the draft out before the close and the cell adopts it by vote."""
    minutes.save_notes(meeting=record.meeting, notes=NOTES, by=world.fellow.user)
    vote = adopt_vote(record.meeting, by=world.fellow.user)
    assert vote.passed
    return vote


def close(record, world, clock):
    clock.set(at(2026, 11, 5, 16, 5))
    live.close_meeting(meeting=record.meeting, by=world.secretary.user)


def test_the_usual_end_of_an_evening_keeps_the_vote(in_progress, world, clock):
    """Read out and voted before the close; the close marks the two never marked (one exempt, one absent)."""
    read_out(in_progress, world)
    close(in_progress, world, clock)

    version = minutes.adopt(meeting=in_progress.meeting, by=world.fellow.user)

    assert version.content["unexcused"] == [{"name": "Lý Văn Tâm"}]
    assert version.content["ended"] == "16 giờ 05"
    assert version.content["conclusion"] == NOTES["conclusion"]


def test_a_comment_added_after_the_vote_is_adopted_only_after_a_new_vote(in_progress, world, clock, login):
    meeting = in_progress.meeting
    read_out(in_progress, world)
    comment(
        meeting, in_progress.discussion, world.member, "Bổ sung: đề nghị khen thưởng tổ kỹ thuật.", by=None
    )
    close(in_progress, world, clock)
    client = login("fellow")

    warned = text(client.get(minutes_url(meeting)))
    refused = text(client.post(adopt_url(meeting), follow=True))

    parts = vi("the agenda and the comments")
    assert (
        vi(
            "Since this vote the record has changed (%(parts)s): read the changes out and take the vote again before "
            "adopting.",
            parts=parts,
        )
        in warned
    )
    assert vi(MOVED, parts=parts) in refused
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    assert not MinutesVersion.objects.filter(minutes__meeting=meeting).exists()

    adopt_vote(meeting, by=world.fellow.user)  # the addition read out, the cell votes again
    client.post(adopt_url(meeting))

    version = MinutesVersion.objects.get(minutes__meeting=meeting)
    said = [c["text"] for item in version.content["items"] for c in item["comments"]]
    assert "Bổ sung: đề nghị khen thưởng tổ kỹ thuật." in said


def test_the_secretary_sees_at_once_when_the_record_moves_after_the_vote(in_progress, world, login):
    """Still in the meeting: the page says so while the cell is in the room to hear it and vote again."""
    meeting = in_progress.meeting
    read_out(in_progress, world)
    client = login("fellow")
    assert vi("Adoption vote") in text(client.get(minutes_url(meeting)))
    assert vi("the agenda and the comments") not in text(client.get(minutes_url(meeting)))

    comment(meeting, in_progress.report, world.target, "Xin bổ sung một ý.", by=None)

    page = text(client.get(minutes_url(meeting)))
    assert (
        vi(
            "Since this vote the record has changed (%(parts)s): read the changes out and take the vote again before "
            "adopting.",
            parts=vi("the agenda and the comments"),
        )
        in page
    )


@pytest.mark.parametrize(
    ("change", "part"),
    [
        (
            lambda r, w: live.mark_attendance(
                attendance=r.meeting.attendances.get(member=r.missing), status=Attendance.Status.PRESENT
            ),
            "the roll call",
        ),
        (
            lambda r, w: live.record_vote(
                meeting=r.meeting,
                kind=Vote.Kind.RESOLUTION,
                question="Biểu quyết thêm",
                totals=(3, 0, 0),
                by=None,
            ),
            "the votes",
        ),
        (
            lambda r, w: Task.objects.create(
                meeting=r.meeting, title="Việc giao thêm", assignee=w.member, due_on=dt.date(2026, 12, 1)
            ),
            "the tasks",
        ),
        (lambda r, w: live.add_guest(meeting=r.meeting, guest=Guest(name="Trần Văn Khách")), "the guests"),
        (
            lambda r, w: live.set_clerk(meeting=r.meeting, clerk=w.member),
            "the chair or the meeting secretary",
        ),
    ],
    ids=["a member marked present", "another vote", "a task", "a guest", "another meeting secretary"],
)
def test_what_the_cell_did_not_hear_is_not_adopted(in_progress, world, clock, change, part):
    read_out(in_progress, world)
    change(in_progress, world)
    close(in_progress, world, clock)

    with pytest.raises(ValidationError) as refused:
        minutes.adopt(meeting=in_progress.meeting, by=world.fellow.user)

    assert refused.value.messages == [vi(MOVED, parts=vi(part))]


def rename(member, name):
    member.full_name = name
    member.save(update_fields=["full_name"])


def test_names_put_right_after_the_vote_do_not_stop_the_adoption(in_progress, world, clock, login):
    """The members' list is corrected the next morning (a speaker, the meeting secretary, a member never
    marked): the minutes are adopted as the cell heard them read, names included, not refused as though the
    roll call had moved (which would leave the secretary a vote nobody can take any more)."""
    read_out(in_progress, world)
    close(in_progress, world, clock)
    read = {m.pk: m.full_name for m in (world.member, world.fellow, in_progress.missing)}
    rename(world.member, "Nguyễn Văn Bình (sửa)")
    rename(world.fellow, "Võ Thị Ngọc Hân (sửa)")
    rename(in_progress.missing, "Lý Văn Tâm (sửa)")

    page = text(login("fellow").get(minutes_url(in_progress.meeting)))
    version = minutes.adopt(meeting=in_progress.meeting, by=world.fellow.user)

    moved = vi(
        "Since this vote the record has changed (%(parts)s): read the changes out and take the vote again before "
        "adopting.",
        parts="",
    )
    assert moved.split("(")[0] not in page  # no warning on the minutes page either
    assert "(sửa)" not in str(version.content)
    assert read[world.member.pk] in version.content["present_names"]
    assert version.content["clerk"] == read[world.fellow.pk]
    assert version.content["tasks"][0]["assignee"] == read[world.fellow.pk]
    assert version.content["unexcused"] == [{"name": read[in_progress.missing.pk]}]
    said = [c["speaker"] for item in version.content["items"] for c in item["comments"]]
    assert read[world.member.pk] in said


def test_a_vote_taken_again_reads_the_names_as_they_are_now(in_progress, world, clock):
    read_out(in_progress, world)
    rename(world.member, "Nguyễn Văn Bình (sửa)")
    adopt_vote(in_progress.meeting, by=world.fellow.user)  # read out again, with the name put right
    close(in_progress, world, clock)

    version = minutes.adopt(meeting=in_progress.meeting, by=world.fellow.user)

    assert "Nguyễn Văn Bình (sửa)" in version.content["present_names"]


def test_dues_paid_after_the_vote_are_not_written_into_the_minutes(in_progress, world, clock, login):
    read_out(in_progress, world)
    close(in_progress, world, clock)
    # The next morning the treasurer enters a payment for the meeting's month.
    late = dues.ensure_ledger(cell=world.cell, period=NOVEMBER, members=[world.fellow])[0]
    dues.record_payment(entry=late, method="cash", by=world.secretary.user)

    draft = text(login("fellow").get(minutes_url(in_progress.meeting)))
    version = minutes.adopt(meeting=in_progress.meeting, by=world.fellow.user)

    assert dues_line() in draft  # the two comrades who had paid when the minutes were read
    assert version.content["dues"] == {"due": 200000, "paid": 200000, "payers": 2}


def test_a_correction_changes_the_text_and_nothing_of_the_record(adopted, world):
    v1 = adopted.version
    # After adoption the record moves on: a late payment, a name put right in the member's file.
    late = dues.ensure_ledger(cell=world.cell, period=NOVEMBER, members=[world.fellow])[0]
    dues.record_payment(entry=late, method="cash", by=world.secretary.user)
    world.member.full_name = "Nguyễn Văn Bình (đã sửa)"
    world.member.save(update_fields=["full_name"])

    v2 = correct(
        adopted.meeting,
        notes={**NOTES, "conclusion": "Chi bộ thống nhất hoàn thành nhiệm vụ quý IV."},
        reason="Ghi sót nội dung kết luận",
        by=world.fellow.user,
    )

    assert v2.content["conclusion"] == "Chi bộ thống nhất hoàn thành nhiệm vụ quý IV."
    assert {k: v for k, v in v2.content.items() if k != "conclusion"} == {
        k: v for k, v in v1.content.items() if k != "conclusion"
    }


def test_every_part_of_the_minutes_is_either_compared_or_settled_later(adopted):
    """A part added to the minutes one day must say whether it may change after the cell's vote."""
    compared = {key for keys, _label in minutes.PARTS for key in keys}
    known = compared | set(minutes.SETTLED_LATER) | set(minutes.NOTE_FIELDS)

    assert set(adopted.version.content) <= known
