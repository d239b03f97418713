""" "Của tôi" (#21): a member's own record on one page — the meeting coming or going on, its documents, the
tasks given to them, their dues, their attendance this year, their comments — and nothing of another
member's. Who may open it at all is in tests/test_permission_matrix.py (no id in the address)."""

import datetime as dt

from django.core.files.base import ContentFile
from django.urls import reverse

from meetings import dues
from meetings.models import Document, Task

from ..factories import post_comment
from .conftest import NOVEMBER, mark
from .pages import text, vi


def paper(meeting, title: str) -> Document:
    """A paper attached to the meeting (a one-line PDF)."""
    return Document.objects.create(
        meeting=meeting,
        title=title,
        file=ContentFile(b"%PDF-1.4", name="paper.pdf"),
        original_name="paper.pdf",
        content_type="application/pdf",
        size=8,
    )


def test_a_member_reads_their_own_record_and_nothing_of_a_fellows(opened, world, login):
    paper(opened, "Báo cáo kết quả tháng 10")
    Task.objects.create(
        meeting=opened,
        title="Vận động đóng góp quỹ khuyến học",
        assignee=world.member,
        due_on=dt.date(2026, 11, 30),
    )
    Task.objects.create(
        meeting=opened, title="Cập nhật sổ đảng viên", assignee=world.fellow, due_on=dt.date(2026, 11, 20)
    )
    post_comment(opened, world.member, "Đề nghị tổ chức học tập nghị quyết.")
    post_comment(opened, world.fellow, "Tôi nhất trí với báo cáo.")
    mark(opened, world.member)
    dues.ensure_ledger(cell=world.cell, period=NOVEMBER, members=[world.member, world.fellow])

    response = login("member").get(reverse("meetings:mine"))

    assert response.status_code == 200
    page = text(response)
    assert "Báo cáo kết quả tháng 10" in page  # the meeting going on, with its papers
    assert "Vận động đóng góp quỹ khuyến học" in page and "30/11/2026" in page
    assert "Đề nghị tổ chức học tập nghị quyết." in page
    assert "11/2026" in page and vi("unpaid") in page  # November's dues, not yet paid
    assert vi("Present") in page
    # Nothing of the fellow's: their task, their comment.
    assert "Cập nhật sổ đảng viên" not in page
    assert "Tôi nhất trí với báo cáo." not in page


def test_an_unpublished_meeting_shows_its_date_but_not_its_papers(world, login, clock):
    from .conftest import plan

    meeting = plan(world, publish=False)
    paper(meeting, "Dự thảo nghị quyết")

    page = text(login("member").get(reverse("meetings:mine")))

    assert "05/11/2026" in page
    assert "Dự thảo nghị quyết" not in page
