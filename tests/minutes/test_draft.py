"""The draft minutes: assembled from the live record the moment the meeting closes, with the meeting
secretary's free text; a plain member sees only the adopted minutes (DOMAIN.md §4.1)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents import minutes
from documents.models import Minutes
from meetings import live
from meetings.models import Attendance, Meeting
from meetings.services import plan_regular_meeting

from .conftest import at, comment, dues_line
from .pages import text, vi


def minutes_url(meeting):
    return reverse("documents:minutes", args=[meeting.pk])


def sentence(page: str, label: str) -> str:
    """The sentence of the page that starts with `label`, up to its full stop."""
    assert label in page, f"{label!r} not on the page"
    return page.split(label, 1)[1].split(". ", 1)[0]


@pytest.fixture
def closed_by_the_chair(in_progress, login, clock):
    """The secretary closes the meeting at 16:05 with the close button."""
    clock.set(at(2026, 11, 5, 16, 5))
    login("secretary").post(reverse("meetings:close", args=[in_progress.meeting.pk]))
    in_progress.meeting.refresh_from_db()
    assert in_progress.meeting.status == Meeting.Status.CLOSED
    return in_progress


def test_closing_the_meeting_leaves_a_draft_with_everything_the_record_holds(
    closed_by_the_chair, world, login
):
    page = text(login("fellow").get(minutes_url(closed_by_the_chair.meeting)))

    assert vi("Draft assembled from the record") in page
    # Header: superior body and cell in capitals, place and date as documents write them.
    assert "ĐẢNG BỘ A" in page
    assert "CHI BỘ A1" in page
    assert "Cần Thơ, ngày 05 tháng 11 năm 2026" in page
    assert "sinh hoạt chi bộ thường kỳ tháng 11 năm 2026" in page
    # Time and place.
    assert "14 giờ 00 ngày 05/11/2026" in page
    assert "Hội trường tầng 3, số 2 Hùng Vương" in page
    # Chair and meeting secretary.
    assert f"{vi('Chair')}: {vi('comrade')} Phạm Quốc Hùng" in page
    assert f"{vi('Meeting secretary')}: {vi('comrade')} Võ Thị Ngọc Hân" in page
    # Totals: 7 members of the cell (6 official, 1 probationary), 1 here temporarily, 1 exempt; 5 present.
    assert (
        vi(
            "The cell has %(total)s members: %(official)s official and %(prob)s probationary",
            total=7,
            official=6,
            prob=1,
        )
        in page
    )
    assert vi("%(n)s on temporary activity here", n=1) in page
    assert vi("%(n)s exempt from activity", n=1) in page
    assert vi("Present: %(present)s comrades (%(rate)s%%).", present=5, rate="66,7") in page
    # Absent by name, with reasons, excused and unexcused apart.
    excused = sentence(page, vi("Absent with reason") + ":")
    unexcused = sentence(page, vi("Absent without reason") + ":")
    assert "Đặng Thị Thu Trang (Đi công tác Hà Nội)" in excused
    assert "Lý Văn Tâm" not in excused
    assert "Lý Văn Tâm" in unexcused
    assert "Đặng Thị Thu Trang" not in unexcused
    # Guests, the superior officer first.
    guests = sentence(page, vi("Guests") + ":")
    assert guests.index("Lê Văn Phúc") < guests.index("Nguyễn Thị Lan, Chủ tịch Công đoàn cơ sở")
    assert vi("Superior officer assigned to the cell") in guests
    # Every agenda item, with its comments by speaker name.
    for item in closed_by_the_chair.meeting.agenda_items.all():
        assert item.title in page
    report = closed_by_the_chair.report.title
    discussion = closed_by_the_chair.discussion.title
    said_on_report = page.split(report, 1)[1].split(discussion, 1)[0]
    assert (
        f"{vi('Comrade')} Nguyễn Hoàng Nam: Tổ kỹ thuật đã hoàn thành bảo trì trạm biến áp." in said_on_report
    )
    said_on_discussion = page.split(discussion, 1)[1]
    assert f"{vi('Comrade')} Dương Thị Mỹ Duyên: Đề nghị tăng cường học tập nghị quyết." in said_on_discussion
    assert vi("In all, %(s)s comrades spoke %(c)s comments.", s=2, c=2) in page
    # The vote: 3 for, out of the 5 official members counted.
    assert "Thông qua nghị quyết tháng 11: 3/5 đồng chí tán thành (60,0%)" in page
    # Tasks with assignee and date; dues collected; closing time.
    assert "Hoàn thiện hồ sơ chuyển chính thức Võ Thị Ngọc Hân 30/11/2026" in page
    assert dues_line() in page
    assert "16 giờ 05" in page
    # No number before adoption.
    assert "-BB/" not in page


def test_an_exempt_member_who_stays_away_is_counted_as_exempt_not_absent(closed, login):
    page = text(login("fellow").get(minutes_url(closed.meeting)))

    assert vi("%(n)s exempt from activity", n=1) in page
    assert "Trần Văn Ẩn" not in sentence(page, vi("Absent with reason") + ":")
    assert "Trần Văn Ẩn" not in sentence(page, vi("Absent without reason") + ":")


@pytest.mark.parametrize("marked", [Attendance.Status.EXCUSED, Attendance.Status.UNEXCUSED])
def test_an_exempt_member_marked_absent_is_not_listed_absent_either(in_progress, world, login, marked):
    live.mark_attendance(
        attendance=in_progress.meeting.attendances.get(member=in_progress.exempt), status=marked, reason=""
    )
    live.close_meeting(meeting=in_progress.meeting, by=world.secretary.user)

    page = text(login("fellow").get(minutes_url(in_progress.meeting)))

    assert "Trần Văn Ẩn" not in page


def test_the_meeting_secretary_writes_the_free_text(closed, login):
    client = login("fellow")
    meeting = closed.meeting
    response = client.post(
        minutes_url(meeting),
        {
            "opening": "Đồng chí Bí thư tuyên bố lý do.",
            f"item_{closed.report.pk}": "Đồng chí Bí thư trình bày báo cáo tháng 10.",
            "conclusion": "Chi bộ thống nhất nhiệm vụ tháng 12.",
            "closing": "Biên bản lập thành hai bản.",
        },
    )
    assert response.status_code == 302

    page = text(client.get(minutes_url(meeting)))

    assert vi("The draft minutes were saved.") in page
    draft = page.split(vi("Draft assembled from the record"), 1)[1]
    assert "Đồng chí Bí thư tuyên bố lý do." in draft
    report_part = draft.split(closed.report.title, 1)[1].split(closed.discussion.title, 1)[0]
    assert "Đồng chí Bí thư trình bày báo cáo tháng 10." in report_part
    assert "Chi bộ thống nhất nhiệm vụ tháng 12." in draft
    assert "Biên bản lập thành hai bản." in draft


def test_the_facts_stay_those_of_the_record_after_the_text_is_saved(in_progress, world, login, clock):
    client = login("fellow")
    meeting = in_progress.meeting
    client.post(minutes_url(meeting), {"opening": "Khai mạc lúc 14 giờ."})
    # Later in the meeting: one more comment; after closing, an absence is corrected on the roll.
    comment(
        meeting,
        in_progress.discussion,
        world.secretary,
        "Cần hoàn thành trước ngày 30/11.",
        by=world.secretary.user,
    )
    clock.set(at(2026, 11, 5, 16, 5))
    live.close_meeting(meeting=meeting, by=world.secretary.user)
    live.mark_attendance(
        attendance=meeting.attendances.get(member=in_progress.missing),
        status=Attendance.Status.EXCUSED,
        reason="Ốm",
    )

    page = text(client.get(minutes_url(meeting)))

    assert "Khai mạc lúc 14 giờ." in page
    assert f"{vi('Comrade')} Phạm Quốc Hùng: Cần hoàn thành trước ngày 30/11." in page
    assert vi("In all, %(s)s comrades spoke %(c)s comments.", s=3, c=3) in page
    assert "Lý Văn Tâm (Ốm)" in sentence(page, vi("Absent with reason") + ":")


def test_posting_attendance_figures_changes_nothing_but_the_text(closed, login):
    client = login("fellow")
    meeting = closed.meeting
    client.post(
        minutes_url(meeting),
        {
            "opening": "Mở đầu.",
            "present": "12",
            "totals": "12",
            "rate": "100",
            "unexcused": "",
            "chair": "Ai đó",
            "votes": "12/12",
        },
    )

    page = text(client.get(minutes_url(meeting)))

    assert vi("Present: %(present)s comrades (%(rate)s%%).", present=5, rate="66,7") in page
    assert "Lý Văn Tâm" in sentence(page, vi("Absent without reason") + ":")
    assert f"{vi('Chair')}: {vi('comrade')} Phạm Quốc Hùng" in page
    assert "3/5 đồng chí tán thành (60,0%)" in page
    assert set(Minutes.objects.get(meeting=meeting).notes) <= {
        "opening",
        "conclusion",
        "closing",
        *(str(pk) for pk in meeting.agenda_items.values_list("pk", flat=True)),
    }


def test_a_plain_member_cannot_read_or_write_the_draft(closed, login):
    client = login("member")
    url = minutes_url(closed.meeting)

    assert client.get(url).status_code == 403
    assert client.post(url, {"opening": "Sửa trộm."}).status_code == 403
    assert not Minutes.objects.filter(meeting=closed.meeting, notes__opening="Sửa trộm.").exists()


def test_a_plain_member_reads_the_adopted_minutes(adopted, login):
    response = login("member").get(minutes_url(adopted.meeting))

    assert response.status_code == 200
    page = text(response)
    assert "Nguyễn Hoàng Nam: Tổ kỹ thuật đã hoàn thành bảo trì trạm biến áp." in page
    assert adopted.version.sha256 in page
    assert vi("Save the correction as a draft") not in page
    assert 'name="reason"' not in response.content.decode()


def test_the_draft_can_be_edited_from_the_opening_of_the_meeting_not_before(world):
    meeting, _created = plan_regular_meeting(cell=world.cell, period=dt.date(2026, 12, 1))

    with pytest.raises(ValidationError) as refused:
        minutes.save_notes(meeting=meeting, notes={"opening": "Sớm quá."}, by=world.fellow.user)

    assert refused.value.messages == [
        vi("The draft minutes can be edited from the opening of the meeting until their adoption.")
    ]


def test_a_place_never_recorded_is_a_line_to_fill_in_not_a_stray_comma(in_progress, world):
    meeting = in_progress.meeting
    meeting.place = ""
    meeting.save(update_fields=["place"])
    world.cell.place = ""
    world.cell.save(update_fields=["place"])

    doc = minutes.assemble(meeting)

    assert doc["place"] == minutes.BLANK
    assert doc["place_date"].startswith(f"{minutes.BLANK}, ")
