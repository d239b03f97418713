"""The members' comment list is rendered once and kept (meetings/rendered.py): what a member sees is
exactly what a fresh rendering shows, an answer or a new comment shows at the next load, and the chair's
answer forms (with the chair's own CSRF token) are never kept nor shown to anyone else."""

import re

from django.urls import reverse

from meetings import live
from meetings.models import Comment

from ..conftest import forget_cache
from ..factories import post_comment
from .pages import text, vi

LIST = re.compile(r'<ol class="list-group mb-4" id="comments"[^>]*>(.*?)</ol>', re.S)


def comment_list(client, meeting) -> str:
    page = client.get(reverse("meetings:live", args=[meeting.pk])).content.decode()
    return LIST.search(page).group(1)  # the items (the list's own attributes carry a signed, timed token)


def test_a_member_sees_what_a_fresh_rendering_shows_across_blocks(opened, world, login):
    for n in range(45):  # three blocks of 20, the last one partial
        post_comment(opened, world.member if n % 2 else world.fellow, f"Ý kiến số {n}")
    member = login("member")
    first = comment_list(member, opened)  # rendered and kept
    kept = comment_list(member, opened)  # from the cache
    forget_cache()
    fresh = comment_list(member, opened)

    assert kept == first == fresh
    assert all(f"Ý kiến số {n}" in kept for n in range(45))


def test_an_answer_and_a_new_comment_show_at_the_next_load(opened, world, login):
    question = post_comment(opened, world.member, "Khi nào tập huấn PCCC?", kind=Comment.Kind.QUESTION)
    member = login("member")
    assert "Trong tháng 12." not in comment_list(member, opened)

    live.answer_question(comment=question, answer="Trong tháng 12.")
    post_comment(opened, world.fellow, "Ý kiến mới sau câu trả lời")

    shown = text(member.get(reverse("meetings:live", args=[opened.pk])))
    assert vi("Chair's answer") + ": Trong tháng 12." in shown
    assert "Ý kiến mới sau câu trả lời" in shown


def test_the_chairs_answer_form_is_never_kept_for_a_member(opened, world, login):
    post_comment(opened, world.member, "Khi nào tập huấn PCCC?", kind=Comment.Kind.QUESTION)

    chair_list = comment_list(login("secretary"), opened)
    member_list = comment_list(login("member"), opened)
    again = comment_list(login("secretary"), opened)

    assert 'name="answer"' in chair_list and "csrfmiddlewaretoken" in chair_list
    assert 'name="answer"' in again
    assert 'name="answer"' not in member_list and "csrfmiddlewaretoken" not in member_list
    assert "Khi nào tập huấn PCCC?" in member_list


def test_the_chair_sees_the_kept_list_with_a_form_under_each_waiting_question(opened, world, login):
    """The chair sees the list the members see (it is drawn from the same kept blocks), and under each question
    still waiting, and only there, an answer form posting to that question."""
    waiting = post_comment(opened, world.member, "Khi nào tập huấn PCCC?", kind=Comment.Kind.QUESTION)
    answered = post_comment(opened, world.fellow, "Ai phụ trách hồ sơ?", kind=Comment.Kind.QUESTION)
    live.answer_question(comment=answered, answer="Đồng chí Hân.")
    post_comment(opened, world.fellow, "Đề nghị tăng cường học tập nghị quyết.")

    member_list = comment_list(login("member"), opened)
    chair_list = comment_list(login("secretary"), opened)

    actions = re.findall(r'<form method="post" action="([^"]+)"', chair_list)
    assert actions == [reverse("meetings:answer", args=[waiting.pk])]
    assert f'<input class="form-control form-control-sm" id="answer-{waiting.pk}" name="answer"' in chair_list
    without_forms = re.sub(r"<form .*?</form>", "", chair_list, flags=re.S)
    assert without_forms.split() == re.sub(r"<!--answer-form:\d+-->", "", member_list).split()


FORM = re.compile(r'<form[^>]*id="comment-form".*?</form>', re.S)


def comment_form(client, meeting) -> str:
    page = client.get(reverse("meetings:live", args=[meeting.pk])).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", FORM.search(page).group(0))


def test_the_kept_comment_form_follows_the_current_item_and_the_agenda(opened, world, login):
    items = list(opened.agenda_items.order_by("position", "pk"))
    member = login("member")
    first = comment_form(member, opened)  # rendered and kept
    assert comment_form(member, opened) == first  # from the cache
    assert first.count("<form") == 1 and 'name="client_id"' in first  # the fields inside the page's form
    assert f'<option value="{items[0].pk}" selected' in first or opened.current_item_id is None

    live.set_current_item(meeting=opened, item=items[1])
    moved = comment_form(member, opened)
    assert f'<option value="{items[1].pk}" selected' in moved

    items[2].title = "Kiểm điểm công tác phòng cháy chữa cháy"
    items[2].save()
    renamed = comment_form(member, opened)
    assert "Kiểm điểm công tác phòng cháy chữa cháy" in renamed
    forget_cache()
    assert comment_form(member, opened) == renamed  # what a fresh rendering shows

    # The chair's form (speaker fields) is never the members' one.
    chair = comment_form(login("secretary"), opened)
    assert 'name="speaker"' in chair and 'name="speaker"' not in renamed
