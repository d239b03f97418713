"""Journey c: the secretary records the resolution vote, closes the meeting, writes and adopts the minutes,
and downloads the minutes PDF (rendered by the Celery task, eager in tests)."""

import pytest
from playwright.sync_api import expect

from meetings.models import Meeting, Vote

from ..meetings.pages import vi
from .test_live_meeting import open_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPENING = "Đồng chí Phạm Quốc Hùng tuyên bố lý do, giới thiệu đại biểu."
CONCLUSION = "Chi bộ thống nhất tập trung hoàn thành nhiệm vụ chuyên môn tháng 12."


def record_vote(page, question: str, votes_for: int) -> None:
    page.get_by_label(vi("Question")).fill(question)
    page.get_by_role("group", name=vi("By totals")).get_by_label(vi("For"), exact=True).fill(str(votes_for))
    page.get_by_role("button", name=vi("Record the vote")).click()
    expect(page.get_by_role("status")).to_have_text(vi("Vote recorded: %(result)s.", result=vi("passed")))


def test_secretary_closes_the_meeting_and_adopts_the_minutes(browse, world, clock, shoot):
    meeting = open_meeting(world, world.secretary, world.member, world.fellow)
    page = browse.open("secretary", f"/meetings/{meeting.pk}/live/")

    # The resolution vote, by totals.
    page.get_by_role("navigation", name=vi("Meeting record")).get_by_role("link", name=vi("Votes")).click()
    expect(page.get_by_label(vi("Vote on"))).to_have_value(Vote.Kind.RESOLUTION)
    record_vote(page, "Thông qua nghị quyết tháng 11", 3)
    expect(page.locator("main")).to_contain_text("Thông qua nghị quyết tháng 11")

    # Close, after the confirmation; the probationary member never marked is recorded absent.
    page.get_by_role("link", name=vi("Comments")).click()
    page.get_by_role("button", name=vi("Close the meeting")).click()
    page.get_by_role("dialog").get_by_role("button", name=vi("Close the meeting")).click()
    expect(page.get_by_text(vi("The meeting is closed."))).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text(
        vi(
            "%(n)d members not marked were recorded as absent without reason; correct them on the attendance page if needed.",
            n=1,
        )
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED

    # The meeting secretary's text, kept and shown in the draft.
    page.get_by_role("link", name=vi("Minutes"), exact=True).click()
    page.get_by_label(vi("Opening"), exact=True).fill(OPENING)
    page.get_by_label(vi("Conclusion of the chair"), exact=True).fill(CONCLUSION)
    page.get_by_role("button", name=vi("Save the draft")).click()
    expect(page.get_by_role("status")).to_have_text(vi("The draft minutes were saved."))
    expect(page.locator("article")).to_contain_text(OPENING)
    expect(page.get_by_label(vi("Conclusion of the chair"), exact=True)).to_have_value(CONCLUSION)
    expect(page.get_by_role("button", name=vi("Adopt and lock the minutes"))).to_be_disabled()

    # Read out to the cell: the meeting secretary's phone shows the text voted on in large type, no forms.
    page.get_by_role("link", name=vi("Read out in large type")).click()
    expect(page.locator("article.reading")).to_contain_text(CONCLUSION)
    page.get_by_role("link", name=vi("Back to the minutes")).click()
    phone = browse.open("fellow", f"/meetings/{meeting.pk}/minutes/read/", phone=True)
    expect(phone.locator("header")).to_contain_text(vi("Draft minutes: the text the cell votes on."))
    expect(phone.locator("article.reading")).to_contain_text(OPENING)
    assert phone.locator("form, textarea").count() == 0
    shoot(phone, "minutes-read")
    phone.close()

    # The adoption vote: the minutes page's link opens the vote form on it.
    page.get_by_role("link", name=vi("Record the adoption vote")).click()
    expect(page.get_by_label(vi("Vote on"))).to_have_value(Vote.Kind.MINUTES)
    record_vote(page, "Thông qua biên bản", 3)
    page.get_by_role("navigation", name=vi("Meeting record")).get_by_role("link", name=vi("Minutes")).click()
    page.get_by_role("button", name=vi("Adopt and lock the minutes")).click()
    page.get_by_role("dialog").get_by_role("button", name=vi("Adopt and lock")).click()
    expect(page.get_by_role("status")).to_contain_text("SHA-256")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ADOPTED

    # The PDF, rendered by the Celery task: a real PDF file.
    minutes_row = page.get_by_role("listitem").filter(has_text=vi("Minutes (PDF)"))
    with page.expect_download() as download_info:
        minutes_row.get_by_role("link", name=vi("Download PDF")).click()
    download = download_info.value
    assert download.suggested_filename.startswith("minutes-")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
