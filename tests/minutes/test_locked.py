"""Adopted means locked: after adoption nothing of the record changes except through a correction that the
cell adopts by its own vote, with the reason recorded; until then the correction is a draft, clearly
marked, and the adopted version stays the official text. A partial POST never blanks a field."""

from django.urls import reverse
from django.utils import timezone

from documents import minutes
from documents.models import MinutesVersion
from meetings import live
from meetings.models import Attendance, Guest, Meeting, SelfCriticismTurn, Vote

from .conftest import NOTES, adopt_vote, comment
from .pages import text, vi

LOCKED = "The minutes of this meeting are adopted: its record is locked. Correct the minutes instead."


def minutes_url(meeting):
    return reverse("documents:minutes", args=[meeting.pk])


def adopt_url(meeting):
    return reverse("documents:minutes_adopt", args=[meeting.pk])


def versions(meeting):
    return list(MinutesVersion.objects.filter(minutes__meeting=meeting).order_by("version"))


def test_posting_the_form_of_adopted_minutes_drafts_a_correction_and_version_1_stays_official(adopted, login):
    client = login("fellow")

    client.post(
        minutes_url(adopted.meeting),
        {**NOTES, "conclusion": "Kết luận đã sửa.", "reason": "Ghi sót kết luận"},
    )

    assert [v.version for v in versions(adopted.meeting)] == [1]
    assert minutes.pdf_source(adopted.meeting, "minutes")["version"] == 1
    page = text(client.get(minutes_url(adopted.meeting)))
    when = timezone.localtime(adopted.version.created_at).strftime("%H:%M %d/%m/%Y")
    assert vi("Adopted and locked — version %(v)s, %(when)s.", v=1, when=when) in page
    assert vi("Correction being drafted — not adopted.") in page
    assert "Kết luận đã sửa." in page  # the draft is shown, marked as a draft
    # Members read the adopted text, and a plain member sees the same official version.
    member_page = text(login("member").get(minutes_url(adopted.meeting)))
    assert NOTES["conclusion"] in member_page


def test_a_correction_becomes_version_2_only_after_the_cell_adopts_it_by_vote(adopted, world, login):
    client = login("fellow")
    client.post(
        minutes_url(adopted.meeting),
        {**NOTES, "conclusion": "Kết luận đã sửa.", "reason": "Ghi sót kết luận"},
    )

    page = text(client.post(adopt_url(adopted.meeting), follow=True))
    assert vi("Record the cell's vote adopting the correction first; it must pass.") in page
    adopt_vote(adopted.meeting, by=world.fellow.user, votes_for=2)  # 2 of 5: not passed
    client.post(adopt_url(adopted.meeting))
    assert len(versions(adopted.meeting)) == 1

    adopt_vote(adopted.meeting, by=world.fellow.user)
    client.post(adopt_url(adopted.meeting))

    v1, v2 = versions(adopted.meeting)
    assert v2.reason == "Ghi sót kết luận"
    assert v2.content["conclusion"] == "Kết luận đã sửa."
    # The votes on the correction are not part of the meeting's record.
    assert v2.content["votes"] == v1.content["votes"]
    assert minutes.pending_correction(adopted.meeting) is None


def test_without_a_correction_no_vote_is_taken_on_adopted_minutes(adopted, world, login):
    client = login("fellow")
    client.post(
        reverse("meetings:votes", args=[adopted.meeting.pk]),
        {"kind": "minutes", "question": "Thông qua lại biên bản", "method": "totals", "votes_for": "3"},
    )
    assert not adopted.meeting.votes.filter(question="Thông qua lại biên bản").exists()


def test_a_two_field_post_does_not_blank_the_opening_and_the_conclusion(closed, world, login):
    minutes.save_notes(meeting=closed.meeting, notes=NOTES, by=world.fellow.user)

    login("fellow").post(
        minutes_url(closed.meeting), {"closing": "Bế mạc.", f"item_{closed.report.pk}": "Báo cáo."}
    )

    notes = closed.meeting.minutes.__class__.objects.get(meeting=closed.meeting).notes
    assert notes["opening"] == NOTES["opening"]
    assert notes["conclusion"] == NOTES["conclusion"]
    assert notes["closing"] == "Bế mạc."
    assert notes[str(closed.report.pk)] == "Báo cáo."


def test_a_partial_correction_keeps_the_adopted_text_of_the_other_fields(adopted, login):
    login("fellow").post(minutes_url(adopted.meeting), {"closing": "Bế mạc lúc 16 giờ 05.", "reason": "Giờ"})

    draft = minutes.pending_correction(adopted.meeting)["notes"]
    assert draft["opening"] == NOTES["opening"]
    assert draft["conclusion"] == NOTES["conclusion"]
    assert draft["closing"] == "Bế mạc lúc 16 giờ 05."


def test_the_clerk_of_adopted_minutes_is_fixed_and_a_plain_member_writes_nothing(adopted, world, login):
    page = text(
        login("secretary").post(
            reverse("meetings:clerk", args=[adopted.meeting.pk]), {"clerk": world.member.pk}, follow=True
        )
    )

    assert vi(LOCKED) in page
    adopted.meeting.refresh_from_db()
    assert adopted.meeting.clerk == world.fellow
    response = login("member").post(minutes_url(adopted.meeting), {"conclusion": "x", "reason": "y"})
    assert response.status_code == 403
    assert len(versions(adopted.meeting)) == 1


def test_no_guest_is_added_after_adoption(adopted, login):
    before = Guest.objects.filter(meeting=adopted.meeting).count()

    page = text(
        login("fellow").post(
            reverse("meetings:guest_add", args=[adopted.meeting.pk]), {"name": "Khách muộn"}, follow=True
        )
    )

    assert vi(LOCKED) in page
    assert Guest.objects.filter(meeting=adopted.meeting).count() == before


def test_no_self_criticism_is_recorded_after_adoption(adopted, world, login):
    response = login("secretary").post(
        reverse("meetings:self_criticism", args=[adopted.meeting.pk]),
        {"member": world.member.pk, "summary": "Thêm sau khi thông qua."},
    )

    assert response.status_code == 422
    assert vi(LOCKED) in text(response)
    assert not SelfCriticismTurn.objects.filter(meeting=adopted.meeting).exists()


def test_no_question_is_answered_after_adoption(in_progress, world, login):
    meeting = in_progress.meeting
    question = comment(meeting, in_progress.discussion, world.member, "Hỏi?", by=world.secretary.user)
    type(question).objects.filter(pk=question.pk).update(kind="question")
    live.close_meeting(meeting=meeting, by=world.secretary.user)
    minutes.save_notes(meeting=meeting, notes=NOTES, by=world.fellow.user)
    adopt_vote(meeting, by=world.fellow.user)
    minutes.adopt(meeting=meeting, by=world.fellow.user)

    login("fellow").post(reverse("meetings:answer", args=[question.pk]), {"answer": "Trả lời muộn."})

    question.refresh_from_db()
    assert question.answer == ""


def test_minutes_naming_a_chair_the_roll_call_marks_absent_are_never_adopted(closed, world, login):
    meeting = closed.meeting
    adopt_vote(meeting, by=world.secretary.user)
    meeting.attendances.filter(member=meeting.chair).update(status=Attendance.Status.EXCUSED)

    page = text(login("secretary").post(adopt_url(meeting), follow=True))

    assert (
        vi(
            "The roll call marks %(who)s absent, yet the minutes name them as chair or meeting secretary: "
            "correct the roll call or name who really chaired and wrote the minutes.",
            who=meeting.chair.full_name,
        )
        in page
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED


def test_minutes_without_a_chair_or_a_secretary_are_never_adopted(closed, world, login):
    Meeting.objects.filter(pk=closed.meeting.pk).update(clerk=None)
    adopt_vote(closed.meeting, by=world.secretary.user)

    page = text(login("secretary").post(adopt_url(closed.meeting), follow=True))

    assert vi("Name the chair and the meeting secretary before adopting the minutes.") in page
    closed.meeting.refresh_from_db()
    assert closed.meeting.status == Meeting.Status.CLOSED
    assert Vote.objects.filter(meeting=closed.meeting, kind=Vote.Kind.MINUTES).exists()
