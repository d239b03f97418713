"""`manage.py seed_demo` retells the seed article's meeting: Chi bộ Điện - Điện tử - Viễn thông - Kỹ thuật
cơ khí, 05/11/2026: 17 members on the roll, 10 comrades spoke 13 comments, one recognition."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from meetings import live
from meetings.models import DuesEntry, Meeting, Vote
from members.models import Member
from ops.demo import members as demo

from ..clock import at
from ..live.pages import text, vi_n

ARTICLE_MONTH = dt.date(2026, 11, 1)


@pytest.fixture
def meeting(demo_data, db):
    return Meeting.objects.get(cell__name=demo.MODEL_CELL, kind=Meeting.Kind.REGULAR, period=ARTICLE_MONTH)


def login_as(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_article_meeting_has_17_members_on_the_roll(meeting):
    assert meeting.scheduled_at == at(2026, 11, 5, 14, 0)
    assert meeting.attendances.count() == 17
    q = live.quorum(meeting)
    assert (q.official, q.probationary) == (15, 2)


def test_ten_comrades_spoke_thirteen_comments(meeting, client):
    assert live.speaker_counts(meeting) == (10, 13)

    page = text(login_as(client, "dangvien.dien").get(reverse("meetings:live", args=[meeting.pk])))

    spoke = vi_n("%(counter)s comrade spoke", "%(counter)s comrades spoke", 10)
    comments = vi_n("%(counter)s comment", "%(counter)s comments", 13)
    assert f"{spoke} · {comments}" in page
    assert "10 đồng chí phát biểu · 13 ý kiến" in page


def test_one_recognition_vote_passed_for_duong_thi_my_duyen(meeting, client):
    vote = Vote.objects.get(meeting=meeting, kind=Vote.Kind.RECOGNITION)
    duyen = Member.objects.get(cell=meeting.cell, full_name="Dương Thị Mỹ Duyên")

    assert (vote.subject, vote.passed) == (duyen, True)
    assert duyen.recognition_proposed_on == dt.date(2026, 11, 5)
    assert duyen.status == Member.Status.PROBATIONARY  # the superior committee decides later
    page = text(login_as(client, "thuky.dien").get(reverse("meetings:votes", args=[meeting.pk])))
    assert f"{vote.votes_for}/15 đồng chí tán thành" in page


def test_dues_were_collected_for_the_month(meeting):
    entries = list(DuesEntry.objects.filter(cell=meeting.cell, period=ARTICLE_MONTH).select_related("member"))

    assert len(entries) == 17
    unpaid = {e.member.full_name for e in entries if not e.settled}
    assert unpaid == {"Bùi Thị Kim Ngân"}
    paid = [e for e in entries if e.due and e.settled]
    assert paid and all(e.meeting == meeting and e.paid_on == dt.date(2026, 11, 5) for e in paid)
    methods = {e.member.full_name: e.method for e in paid}
    assert methods["Trương Quang Vinh"] == DuesEntry.Method.ONLINE
    assert methods["Phạm Quốc Hùng"] == DuesEntry.Method.CASH
