"""Search through /search/ as a member of the cell reads it: with or without diacritics, the same on SQLite
and PostgreSQL (CI runs this file on both), highlighted, paged, and never showing more than one may read.

Who finds which cell's record is checked persona by persona in tests/test_permission_matrix.py."""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import escape

from archive import index
from archive.models import SearchEntry
from meetings import live
from meetings.models import AgendaItem, Comment, Document
from meetings.services import plan_regular_meeting, publish_meeting

from ..minutes.pages import text, vi
from .conftest import say

DECEMBER = dt.date(2026, 12, 1)


def search(client, q, **params):
    response = client.get(reverse("archive:search"), {"q": q, **params})
    assert response.status_code == 200
    return response


def found_comments(response) -> list[int]:
    """The comments a results page leads to, in the order shown (each result links to …/live/#c-<id>)."""
    return [int(pk) for pk in re.findall(r'href="[^"]*#c-(\d+)"', response.content.decode())]


@pytest.fixture
def four_good(world, live_meeting):
    comment = say(
        live_meeting,
        world.member,
        "Đề nghị xây dựng chi bộ bốn tốt; các đồng chí nộp đảng phí đúng hạn.",
    )
    index.reindex([live_meeting.pk])
    return comment


@pytest.mark.parametrize("q", ["bon tot", "bốn tốt", "BON TOT", "Bốn Tốt", "dang phi"])
def test_a_comment_is_found_with_or_without_diacritics(q, four_good, login):
    response = search(login("member"), q)

    assert found_comments(response) == [four_good.pk]
    page = text(response)
    assert vi("Comment by comrade %(name)s", name="Nguyễn Hoàng Nam") in page
    assert "Đề nghị xây dựng chi bộ bốn tốt; các đồng chí nộp đảng phí đúng hạn." in page


def test_the_words_found_are_marked_in_the_text_as_written(four_good, login):
    html = search(login("member"), "bon tot").content.decode()
    assert "chi bộ <mark>bốn</mark> <mark>tốt</mark>; các đồng chí" in html
    assert "<mark>đảng</mark>" not in html

    html = search(login("member"), "DANG PHI").content.decode()
    assert "nộp <mark>đảng</mark> <mark>phí</mark> đúng hạn" in html


def test_a_result_shows_the_cell_and_the_meeting_day(four_good, login):
    page = text(search(login("member"), "bon tot"))

    assert "Chi bộ A1 · 05/11/2026" in page
    assert "1 kết quả" in page


def test_a_word_in_no_entry_finds_nothing_and_says_so(four_good, login):
    response = search(login("member"), "bon tot khongcotu")

    assert found_comments(response) == []
    assert "<mark>" not in response.content.decode()
    assert vi("Nothing found for “%(query)s”.", query="bon tot khongcotu") in text(response)


def test_punctuation_alone_asks_for_a_word(four_good, login):
    response = search(login("member"), "!!!")

    assert found_comments(response) == []
    page = text(response)
    assert vi("Type at least one word to search for.") in page
    assert "Không tìm thấy" not in page  # no "nothing found for “!!!”" as if it had been searched


def test_markup_in_a_comment_or_the_query_is_shown_as_text(world, live_meeting, login):
    say(live_meeting, world.member, "Ghi chú <script>alert(1)</script> về đảng phí")
    index.reindex([live_meeting.pk])
    client = login("member")

    html = search(client, "script").content.decode()
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; về đảng phí" in html
    assert "<script>alert(1)" not in html

    html = search(client, '<img src=x onerror="alert(2)">').content.decode()
    assert "<img src=x" not in html
    assert escape('<img src=x onerror="alert(2)">') in html  # the query as typed, in the box and message


def test_results_come_twenty_to_a_page_newest_first(world, live_meeting, login):
    said = [
        say(live_meeting, world.member, f"Ý kiến số {n} về công tác thủy lợi nội đồng.") for n in range(25)
    ]
    index.reindex([live_meeting.pk])
    client = login("member")

    first = search(client, "thuy loi")
    second = search(client, "thuy loi", page=2)

    newest_first = [c.pk for c in reversed(said)]
    assert found_comments(first) == newest_first[:20]
    assert found_comments(second) == newest_first[20:]
    assert "1/2" in text(first) and "page=2" in first.content.decode()
    assert "2/2" in text(second)
    assert "25 kết quả" in text(first)


def test_a_new_comment_is_found_once_its_transaction_commits(
    world, live_meeting, login, django_capture_on_commit_callbacks
):
    client = login("member")
    assert found_comments(search(client, "nuoc sach")) == []

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("meetings:comment_post", args=[live_meeting.pk]),
            {"text": "Kiến nghị lắp đặt hệ thống nước sạch cho khu tập thể.", "kind": Comment.Kind.OPINION},
        )
    assert response.status_code == 302
    assert callbacks  # the reindex waited for the commit

    comment = Comment.objects.get(meeting=live_meeting)
    assert found_comments(search(client, "nuoc sach")) == [comment.pk]

    # A deleted comment leaves the results the same way.
    with django_capture_on_commit_callbacks(execute=True):
        comment.delete()
    assert found_comments(search(client, "nuoc sach")) == []


def test_the_comments_of_a_meeting_in_progress_wait_at_most_a_minute_for_one_reindex_of_their_meeting(
    world, live_meeting, login, django_capture_on_commit_callbacks, monkeypatch
):
    """2,000 phones post a comment a second per meeting and each reindex reads the meeting's whole record: a
    meeting in progress sends one reindex a minute, not one per comment; closing it sends one at once."""
    from archive import signals, tasks

    sent = []
    monkeypatch.setattr(
        tasks.reindex_meetings, "apply_async", lambda args, countdown=None: sent.append((args[0], countdown))
    )
    monkeypatch.setattr(tasks.reindex_meetings, "delay", lambda ids: sent.append((ids, None)))
    client = login("member")
    for words in ("nước sạch", "đường điện", "trạm y tế"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("meetings:comment_post", args=[live_meeting.pk]),
                {"text": f"Kiến nghị về {words}.", "kind": Comment.Kind.OPINION},
            )
        assert response.status_code == 302
    assert sent == [([live_meeting.pk], signals.LIVE_REINDEX_DELAY)]
    assert signals.LIVE_REINDEX_DELAY <= 60

    # The job, when it runs, finds every comment of the minute.
    tasks.reindex_meetings.run([live_meeting.pk])
    assert len(found_comments(search(client, "kien nghi"))) == 3

    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        live.close_meeting(meeting=live_meeting, by=world.secretary.user)
    assert sent == [([live_meeting.pk], None)]


# --- the same answers on SQLite and PostgreSQL -------------------------------------------------------------

CORPUS = {
    "four good": "Chi bộ phấn đấu đạt chi bộ bốn tốt.",
    "dues": "Thu đảng phí tháng 11 đầy đủ.",
    "four comrades": "Bốn đồng chí được khen thưởng.",
    "graduated": "Tốt nghiệp lớp trung cấp lý luận chính trị.",
    "ballots": "Phiếu bầu hợp lệ: 12 phiếu.",
    "file": "Xem tệp bao_cao_thang_11.pdf đính kèm.",
}

# query -> the comments it finds: every word must be there, as a whole word, in any order.
EXPECTED = {
    "bon": {"four good", "four comrades"},
    "tot": {"four good", "graduated"},
    "bon tot": {"four good"},
    "tot bon": {"four good"},
    "dang phi": {"dues"},
    "phi": {"dues"},  # not "phiếu"
    "phieu": {"ballots"},
    "thang 11": {"dues", "file"},
    "12": {"ballots"},
    "bao cao": {"file"},
    "bao_cao": {"file"},
    "luan chinh tri": {"graduated"},
    "bo": {"four good"},  # "chi bộ", not "bốn"
    "khen thuong bon": {"four comrades"},
    "bon tot khen": set(),
    "hoang nam": set(CORPUS),  # the speaker, named in each result's title
}


def test_search_finds_the_same_comments_on_either_database(world, live_meeting, login):
    by_label = {say(live_meeting, world.member, said).pk: label for label, said in CORPUS.items()}
    index.reindex([live_meeting.pk])
    client = login("member")

    answers = {q: {by_label[pk] for pk in found_comments(search(client, q))} for q in EXPECTED}

    assert answers == EXPECTED


def test_a_document_is_found_by_the_words_of_its_file_name(world, live_meeting, login):
    document = Document.objects.create(
        meeting=live_meeting,
        title="Báo cáo tháng",
        file=ContentFile(b"%PDF-1.4", name="bao_cao_thang_11.pdf"),
        original_name="bao_cao_quy_IV_2026.pdf",
        content_type="application/pdf",
        size=8,
    )
    index.reindex([live_meeting.pk])

    html = search(login("member"), "quy iv").content.decode()

    assert reverse("meetings:document", args=[document.pk]) in html
    assert "bao_cao_<mark>quy</mark>_<mark>IV</mark>_2026.pdf" in html


# --- what only the committee reads ----------------------------------------------------------------------


def test_an_unpublished_agenda_is_found_by_the_committee_only(world, cell, clock, client, login):
    meeting, _created = plan_regular_meeting(cell=cell, period=DECEMBER)
    item = meeting.agenda_items.order_by("position").last()
    AgendaItem.objects.filter(pk=item.pk).update(text="Dự kiến bàn việc nâng cấp đường giao thông nông thôn.")
    index.reindex([meeting.pk])
    agenda = reverse("meetings:meeting", args=[meeting.pk])

    def finds(persona):
        return agenda in search(login(persona), "giao thong nong thon").content.decode()

    assert SearchEntry.objects.filter(meeting=meeting, kind=SearchEntry.Kind.AGENDA, restricted=True).exists()
    assert finds("secretary")
    assert not finds("member")
    assert not finds("fellow")

    publish_meeting(meeting=meeting, by=world.secretary.user)
    index.reindex([meeting.pk])
    assert finds("member")


def test_the_search_page_needs_a_login(client, world):
    response = client.get(reverse("archive:search"), {"q": "dang phi"})
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_comment_in_another_cell_is_not_offered_to_this_cell(world, live_meeting, login):
    other, _created = plan_regular_meeting(cell=world.other_cell, period=dt.date(2026, 11, 1))
    publish_meeting(meeting=other, by=world.outsider.user)
    live.open_meeting(meeting=other, chair=world.outsider, clerk=world.outsider, by=world.outsider.user)
    theirs = say(other, world.outsider, "Chi bộ B1 bàn về đảng phí.")
    ours = say(live_meeting, world.member, "Chi bộ A1 bàn về đảng phí.")
    index.reindex([other.pk, live_meeting.pk])

    assert found_comments(search(login("member"), "dang phi")) == [ours.pk]
    assert found_comments(search(login("outsider"), "dang phi")) == [theirs.pk]
