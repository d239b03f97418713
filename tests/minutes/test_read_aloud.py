"""Reading the minutes out: at the end of the meeting the meeting secretary reads to the cell the text it
votes on (DOMAIN.md §4: read out and adopted before closing), from a phone or on the projector, in type
large enough to read standing, without the editing forms of the minutes page."""

import pytest
from django.urls import reverse

from documents import minutes

from .conftest import NOTES, adopt_vote, comment, dues_line
from .pages import text, vi


def read_url(meeting):
    return reverse("documents:minutes_read", args=[meeting.pk])


@pytest.fixture
def drafted(closed, world):
    minutes.save_notes(meeting=closed.meeting, notes=NOTES, by=world.fellow.user)
    return closed


def test_the_meeting_secretary_reads_the_draft_as_the_record_stands_without_the_forms(drafted, login):
    response = login("fellow").get(read_url(drafted.meeting))

    assert response.status_code == 200
    page = text(response)
    assert NOTES["opening"] in page and NOTES["conclusion"] in page  # the secretary's text
    assert "Tổ kỹ thuật đã hoàn thành bảo trì trạm biến áp." in page  # the record's comments
    assert dues_line() in page
    assert vi("Draft minutes: the text the cell votes on.") in page
    html = response.content.decode()
    assert "<textarea" not in html and "<form" not in html
    assert '<article class="document-preview reading">' in html  # the large type of a page read out


def test_the_minutes_page_leads_to_the_text_to_read_out(drafted, login):
    page = login("fellow").get(reverse("documents:minutes", args=[drafted.meeting.pk])).content.decode()

    assert f'href="{read_url(drafted.meeting)}"' in page


def test_the_chairs_live_page_leads_there_at_the_end_of_the_meeting(in_progress, login):
    chair = login("fellow").get(reverse("meetings:live", args=[in_progress.meeting.pk])).content.decode()
    member = login("member").get(reverse("meetings:live", args=[in_progress.meeting.pk])).content.decode()

    assert f'href="{read_url(in_progress.meeting)}"' in chair
    assert read_url(in_progress.meeting) not in member  # the draft is not a plain member's to read


def test_a_plain_member_reads_the_minutes_only_once_adopted(
    drafted, world, login, django_capture_on_commit_callbacks
):
    member = login("member")
    assert member.get(read_url(drafted.meeting)).status_code == 403

    adopt_vote(drafted.meeting, by=world.fellow.user)
    with django_capture_on_commit_callbacks(execute=True):
        minutes.adopt(meeting=drafted.meeting, by=world.fellow.user)

    page = text(member.get(read_url(drafted.meeting)))
    assert NOTES["conclusion"] in page
    assert vi("Adopted minutes, version %(v)s.", v=1) in page


def test_what_moved_since_the_vote_is_said_above_the_text(in_progress, world, login):
    meeting = in_progress.meeting
    minutes.save_notes(meeting=meeting, notes=NOTES, by=world.fellow.user)
    adopt_vote(meeting, by=world.fellow.user)
    comment(
        meeting, in_progress.report, world.member, "Một ý kiến ghi thêm sau biểu quyết.", by=world.fellow.user
    )

    page = text(login("fellow").get(read_url(meeting)))

    assert "Một ý kiến ghi thêm sau biểu quyết." in page
    moved = vi(
        "Since this vote the record has changed (%(parts)s): read the changes out and take the vote again "
        "before adopting.",
        parts=vi("the agenda and the comments"),
    )
    assert moved in page


def test_a_correction_is_read_out_as_proposed_not_as_adopted(adopted, world, login):
    minutes.propose_correction(
        meeting=adopted.meeting,
        notes={**NOTES, "conclusion": "Chi bộ thống nhất hoàn thành nhiệm vụ trước ngày 20 tháng 12."},
        reason="Ghi đúng thời hạn",
        by=world.fellow.user,
    )

    page = text(login("fellow").get(read_url(adopted.meeting)))

    assert "Chi bộ thống nhất hoàn thành nhiệm vụ trước ngày 20 tháng 12." in page
    assert NOTES["conclusion"] not in page
    assert vi("Correction being drafted — not adopted.") in page
