"""Comments from members' phones during the meeting: stored once per client id, taken only while the
meeting is in progress, entered by the meeting secretary for others, answered by the chair, counted, and
polled cheaply."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import live, push
from meetings.models import Comment, Meeting

from ..conftest import forget_cache
from ..factories import MemberFactory, post_comment, thematic_meeting
from .conftest import at, token_issued_ago, transfer_out
from .pages import live_state, text, vi, vi_n

JSON = {"Accept": "application/json"}


def comment_url(meeting):
    return reverse("meetings:comment_post", args=[meeting.pk])


def post_json(client, meeting, **data):
    data = {"kind": "opinion", "client_id": str(uuid.uuid4())} | data
    return client.post(comment_url(meeting), data, headers=JSON)


def add_comment(meeting, speaker, text="Ý kiến", **kw):
    return post_comment(meeting, speaker, text, **kw)


def counts_text(speakers, comments):
    return (
        f"{vi_n('%(counter)s comrade spoke', '%(counter)s comrades spoke', speakers)} · "
        f"{vi_n('%(counter)s comment', '%(counter)s comments', comments)}"
    )


# --- Posting ----------------------------------------------------------------------------------------------


def test_the_same_client_id_posted_twice_is_stored_once(opened, world, login):
    client = login("member")
    client_id = str(uuid.uuid4())

    first = post_json(client, opened, text="Đề nghị bổ sung báo cáo.", client_id=client_id)
    retry = post_json(client, opened, text="Đề nghị bổ sung báo cáo.", client_id=client_id)

    assert first.status_code == 201
    assert first.json()["created"] is True
    comment = Comment.objects.get(meeting=opened)
    assert first.json()["id"] == comment.pk
    assert retry.status_code == 200
    assert retry.json() == {"id": comment.pk, "created": False}
    assert (comment.speaker, comment.text, comment.entered_by) == (
        world.member,
        "Đề nghị bổ sung báo cáo.",
        world.member.user,
    )
    assert comment.agenda_item == opened.current_item


def test_a_comment_from_the_plain_form_shows_on_the_live_page(opened, login):
    response = login("member").post(
        comment_url(opened), {"text": "Thống nhất với báo cáo.", "kind": "opinion"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("meetings:live", args=[opened.pk])
    page = text(response)
    assert vi("Your comment was recorded.") in page
    assert "Nguyễn Hoàng Nam" in page and "Thống nhất với báo cáo." in page


def test_a_client_id_of_another_meetings_comment_neither_posts_nor_reveals_it(opened, world, login):
    from meetings.services import plan_regular_meeting

    elsewhere, _created = plan_regular_meeting(cell=world.other_cell, period=opened.period)
    theirs = Comment.objects.create(meeting=elsewhere, speaker=world.outsider, text="Chuyện của chi bộ B1")

    response = post_json(login("member"), opened, text="Ý kiến của tôi", client_id=str(theirs.client_id))

    assert response.status_code == 409  # as any refusal while posting: the phone shows it, keeps the text
    assert response.json() == {"error": vi("This comment was already sent to another meeting.")}
    assert not Comment.objects.filter(meeting=opened).exists()


def test_an_empty_comment_is_refused(opened, login):
    response = post_json(login("member"), opened, text="   ")

    assert response.status_code == 400
    assert response.json()["error"] == vi("The comment is empty.")
    assert not Comment.objects.exists()


def test_comments_are_refused_before_the_meeting_opens(prepared, login):
    response = post_json(login("member"), prepared, text="Sớm quá")

    assert response.status_code == 409
    assert response.json()["error"] == vi("Comments are taken only while the meeting is in progress.")
    assert not Comment.objects.exists()


def test_comments_are_refused_after_the_meeting_closes(opened, world, login):
    client = login("member")
    sent = post_json(client, opened, text="Kịp lúc")
    live.close_meeting(meeting=opened, by=None)

    late = post_json(client, opened, text="Muộn rồi")
    late_form = client.post(comment_url(opened), {"text": "Muộn rồi", "kind": "opinion"}, follow=True)

    assert late.status_code == 409
    assert late.json()["error"] == vi("Comments are taken only while the meeting is in progress.")
    assert vi("Comments are taken only while the meeting is in progress.") in text(late_form)
    assert list(Comment.objects.values_list("text", flat=True)) == ["Kịp lúc"]
    # A phone that sent before the close and retries after it is told the comment is there.
    retry = post_json(client, opened, text="Kịp lúc", client_id=str(Comment.objects.get().client_id))
    assert (retry.status_code, retry.json()["created"]) == (200, False)
    assert sent.json()["id"] == retry.json()["id"]


def test_the_meeting_secretary_posts_for_a_member_without_a_phone_and_for_a_guest(opened, world, login):
    client = login("fellow")  # the meeting secretary of this meeting

    for_member = post_json(client, opened, text="Tôi hoàn thành tốt nhiệm vụ.", speaker=world.target.pk)
    for_guest = post_json(
        client, opened, text="Ghi nhận chi bộ chuẩn bị chu đáo.", speaker_name="Lê Văn Khách"
    )

    assert for_member.status_code == for_guest.status_code == 201
    member_comment = Comment.objects.get(pk=for_member.json()["id"])
    guest_comment = Comment.objects.get(pk=for_guest.json()["id"])
    assert (member_comment.speaker, member_comment.entered_by) == (world.target, world.fellow.user)
    assert (guest_comment.speaker, guest_comment.speaker_name) == (None, "Lê Văn Khách")
    page = text(client.get(reverse("meetings:live", args=[opened.pk])))
    assert "Dương Thị Mỹ Duyên" in page and "Tôi hoàn thành tốt nhiệm vụ." in page
    assert "Lê Văn Khách" in page and "Ghi nhận chi bộ chuẩn bị chu đáo." in page


def test_a_plain_member_cannot_post_in_someone_elses_name(opened, world, login):
    client = login("member")

    page = client.get(reverse("meetings:live", args=[opened.pk])).content.decode()
    sent = post_json(client, opened, text="Giả danh", speaker=world.fellow.pk, speaker_name="Người khác")

    assert 'name="speaker"' not in page and 'name="speaker_name"' not in page
    assert sent.status_code == 201
    comment = Comment.objects.get()
    assert (comment.speaker, comment.speaker_name) == (world.member, "")
    clerk_page = login("fellow").get(reverse("meetings:live", args=[opened.pk])).content.decode()
    assert 'name="speaker"' in clerk_page and 'name="speaker_name"' in clerk_page


def test_the_chair_answers_a_question(opened, world, login):
    asked = post_json(login("member"), opened, text="Khi nào tập huấn PCCC?", kind="question")
    question = Comment.objects.get(pk=asked.json()["id"])

    login("secretary").post(reverse("meetings:answer", args=[question.pk]), {"answer": "Trong tháng 12."})

    question.refresh_from_db()
    assert question.answer == "Trong tháng 12."
    assert question.answered_at == at(2026, 11, 5, 14, 0)
    page = text(login("member").get(reverse("meetings:live", args=[opened.pk])))
    answer_label = vi("Chair's answer")
    assert f"{answer_label}: Trong tháng 12." in page


def test_an_empty_answer_is_refused_and_the_question_still_waits(opened, world, login):
    asked = post_json(login("member"), opened, text="Khi nào tập huấn PCCC?", kind="question")

    response = login("secretary").post(
        reverse("meetings:answer", args=[asked.json()["id"]]), {"answer": "   "}, follow=True
    )

    assert vi("Write the answer before recording it.") in text(response)
    question = Comment.objects.get(pk=asked.json()["id"])
    assert (question.answer, question.answered_at) == ("", None)
    assert 'name="answer"' in response.content.decode()  # the form is still there to answer it


def test_only_a_question_takes_an_answer(opened, world, login):
    opinion = add_comment(opened, world.member, "Ý kiến thường")

    response = login("secretary").post(
        reverse("meetings:answer", args=[opinion.pk]), {"answer": "Trả lời"}, follow=True
    )

    assert vi("Only a question to the chair takes an answer.") in text(response)
    opinion.refresh_from_db()
    assert opinion.answer == ""


@pytest.mark.parametrize("page", ["meetings:live", "meetings:screen"])
def test_speakers_and_comments_are_counted_on_the_live_page_and_the_projector(opened, world, login, page):
    add_comment(opened, world.member, "Một")
    add_comment(opened, world.member, "Hai")
    add_comment(opened, world.secretary, "Ba")
    add_comment(opened, None, "Bốn", speaker_name="Lê Văn Khách")

    shown = text(login("fellow").get(reverse(page, args=[opened.pk])))

    assert counts_text(3, 4) in shown
    assert counts_text(3, 4).startswith("3 đồng chí phát biểu · 4 ý kiến")


# --- Polling ----------------------------------------------------------------------------------------------


def poll_url(meeting):
    return reverse("meetings:poll", args=[meeting.pk])


def test_poll_returns_only_the_comments_after_the_cursor(opened, world, login):
    add_comment(opened, world.secretary, "Đã có từ trước")
    client = login("member")
    state = live_state(client, opened)
    add_comment(opened, world.fellow, "Ý kiến mới")

    response = client.get(poll_url(opened), state)

    assert response.status_code == 200
    shown = text(response)
    assert "Ý kiến mới" in shown and "Võ Thị Ngọc Hân" in shown
    assert "Đã có từ trước" not in shown
    assert counts_text(2, 2) in shown


def test_the_poll_and_the_pushed_update_count_a_guest_by_name_and_a_member_once(opened, world, login):
    client = login("member")
    state = live_state(client, opened)
    add_comment(opened, world.member, "Một")
    add_comment(opened, world.member, "Hai")
    add_comment(opened, world.secretary, "Ba")
    add_comment(opened, None, "Bốn", speaker_name="Lê Văn Khách")
    add_comment(opened, None, "Năm", speaker_name="Lê Văn Khách")
    add_comment(opened, None, "Sáu", speaker_name="Trần Thị Khách")

    assert counts_text(4, 6) in text(client.get(poll_url(opened), state))
    html, _status = push.update_html(opened.pk)
    assert counts_text(4, 6) in html
    assert live.speaker_counts(opened) == (4, 6)


def test_a_phone_that_already_shows_the_question_gets_the_chairs_answer_by_polling(opened, world, login):
    """The answer changes a comment the phone already has: a phone that polls (no stream, or a stream that
    was down when the answer was published) must still be handed it, and only once."""
    asked = post_json(login("member"), opened, text="Khi nào tập huấn PCCC?", kind="question")
    add_comment(opened, world.fellow, "Ý kiến sau câu hỏi")
    phone = login("member")
    state = live_state(phone, opened)  # the question is on the phone, unanswered
    assert state["answers"] == 0

    login("secretary").post(
        reverse("meetings:answer", args=[asked.json()["id"]]), {"answer": "Trong tháng 12."}
    )
    phone = login("member")  # (one test client: the member's again)
    response = phone.get(poll_url(opened), state)

    assert response.status_code == 200
    shown = text(response)
    answer_label = vi("Chair's answer")
    assert f"{answer_label}: Trong tháng 12." in shown
    assert "Ý kiến sau câu hỏi" not in shown  # what the phone has is not sent again
    update = response.content.decode()
    assert 'data-answers="1"' in update
    # With the answer on the phone, the next poll has nothing new.
    assert phone.get(poll_url(opened), state | {"answers": 1}).status_code == 204


def test_the_projector_shows_the_answer_to_a_question_already_on_the_wall(opened, world, login):
    asked = post_json(login("member"), opened, text="Khi nào tập huấn PCCC?", kind="question")
    screen = login("secretary")
    context = screen.get(reverse("meetings:screen", args=[opened.pk])).context
    state = {
        "t": context["token"],
        "after": context["last_id"],
        "item": context["meeting"].current_item_id or "",
        "status": opened.status,
        "vote": context["vote_signature"],
        "answers": context["answers"],
        "screen": "1",
    }

    screen.post(reverse("meetings:answer", args=[asked.json()["id"]]), {"answer": "Trong tháng 12."})
    response = screen.get(poll_url(opened), state)

    assert response.status_code == 200
    answer_label = vi("Chair's answer")
    assert f"{answer_label}: Trong tháng 12." in text(response)
    assert screen.get(poll_url(opened), state | {"answers": 1}).status_code == 204  # the answer was the news


def test_poll_answers_nothing_new_with_204_in_two_queries(
    opened, world, login, django_assert_max_num_queries
):
    add_comment(opened, world.secretary, "Đã có từ trước")
    client = login("member")
    state = live_state(client, opened)

    with django_assert_max_num_queries(2):
        response = client.get(poll_url(opened), state)

    assert response.status_code == 204
    assert response.content == b""


def test_a_phone_moved_out_of_the_cell_stops_seeing_the_meeting_within_minutes(
    opened, world, login, monkeypatch
):
    """The token lets the poll skip the access checks, but not for long: past access.POLL_RECHECK the user's
    access is checked again, as for the meeting's page. A member transferred to another cell in the middle
    of the evening no longer reads the old cell's comments."""
    client = login("member")
    state = live_state(client, opened) | {
        "t": token_issued_ago(monkeypatch, opened, world.member.user, 6 * 60)
    }
    add_comment(opened, world.fellow, "Ý kiến sau khi chuyển")
    transfer_out(world)

    response = client.get(poll_url(opened), state)

    assert response.status_code == 404
    assert "Ý kiến sau khi chuyển" not in text(response)


def test_an_older_token_of_a_user_still_in_the_cell_is_renewed(opened, world, login, monkeypatch):
    client = login("member")
    old = token_issued_ago(monkeypatch, opened, world.member.user, 6 * 60)
    state = live_state(client, opened)

    recent = client.get(poll_url(opened), state)
    renewed = client.get(poll_url(opened), state | {"t": old})

    assert recent.status_code == renewed.status_code == 204
    assert "X-Poll-Token" not in recent  # a recent token is believed alone
    fresh = renewed["X-Poll-Token"]
    assert client.get(poll_url(opened), state | {"t": fresh}).status_code == 204
    assert "X-Poll-Token" not in client.get(poll_url(opened), state | {"t": fresh})


def test_poll_reports_a_closed_meeting_even_without_new_comments(opened, login):
    client = login("member")
    state = live_state(client, opened)
    live.close_meeting(meeting=opened, by=None)

    response = client.get(poll_url(opened), state)

    assert response.status_code == 200
    assert vi("The meeting is closed.") in text(response)


def test_poll_reports_a_new_current_item(opened, login):
    client = login("member")
    state = live_state(client, opened)
    item = opened.agenda_items.get(section="discussion")
    live.set_current_item(meeting=opened, item=item)

    response = client.get(poll_url(opened), state)

    assert response.status_code == 200
    assert item.title in text(response)


def test_a_token_issued_to_another_user_is_refused(opened, world, login):
    token = live_state(login("member"), opened)["t"]

    response = login("fellow").get(poll_url(opened), {"t": token, "after": 0})

    assert response.status_code == 403


def test_a_token_for_another_meeting_is_refused(opened, world, login):
    thematic = thematic_meeting(
        world.cell,
        topic="Văn hóa ứng xử trên mạng xã hội",
        scheduled_at=at(2026, 11, 5, 16, 0),
        shares_session_with=opened,
        published=True,
    )
    live.open_meeting(meeting=thematic, chair=world.secretary, clerk=None, by=None)
    client = login("member")
    other = live_state(client, thematic)

    assert client.get(poll_url(thematic), other).status_code == 204
    assert client.get(poll_url(opened), other).status_code == 403


def test_a_forged_token_is_refused(opened, login):
    assert login("member").get(poll_url(opened), {"t": "forged", "after": 0}).status_code == 403


# --- The live page and the projector cost the same with 1 comment or 50 (STYLE.md S2) ----------------------


def add_comments(meeting, world, count):
    speakers = [MemberFactory(cell=world.cell) for _ in range(5)]
    items = list(meeting.agenda_items.all())
    for n in range(count):
        Comment.objects.create(
            meeting=meeting,
            speaker=speakers[n % 5] if n % 7 else None,
            speaker_name="" if n % 7 else f"Khách {n}",
            agenda_item=items[n % len(items)],
            kind=[Comment.Kind.OPINION, Comment.Kind.PROPOSAL, Comment.Kind.QUESTION][n % 3],
            text=f"Ý kiến {n}",
            answer="Đã trả lời" if n % 6 == 2 else "",
        )


def queries(client, url) -> int:
    """Queries of a load with nothing kept yet (the members' rendered comments: meetings/rendered.py)."""
    forget_cache()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["member", "fellow", "secretary"])
@pytest.mark.parametrize("page", ["meetings:live", "meetings:screen"])
def test_live_pages_cost_the_same_with_1_or_50_comments(opened, world, login, persona, page):
    client = login(persona)
    url = reverse(page, args=[opened.pk])
    add_comments(opened, world, 1)
    client.get(url)  # warm the session and the per-process caches
    with_one = queries(client, url)

    add_comments(opened, world, 49)
    with_fifty = queries(client, url)

    assert Comment.objects.filter(meeting=opened).count() == 50
    assert with_fifty == with_one


def test_a_closed_meeting_keeps_its_comments_readable(opened, world, login):
    add_comment(opened, world.member, "Ý kiến lưu lại")
    live.close_meeting(meeting=opened, by=None)

    response = login("fellow").get(reverse("meetings:live", args=[opened.pk]))

    assert response.status_code == 200
    assert "Ý kiến lưu lại" in text(response)
    assert opened.status == Meeting.Status.CLOSED


def test_the_projector_shows_a_waiting_question_without_the_chairs_answer_form(opened, world, login):
    """The projector is a display for the room: the chair answers on the live page, never on the wall."""
    question = add_comment(opened, world.member, "Khi nào tập huấn PCCC?", kind="question")
    chair = login("secretary")
    answer_url = reverse("meetings:answer", args=[question.pk])

    projector = chair.get(reverse("meetings:screen", args=[opened.pk])).content.decode()
    live_page = chair.get(reverse("meetings:live", args=[opened.pk])).content.decode()

    assert "Khi nào tập huấn PCCC?" in projector
    assert answer_url not in projector
    assert answer_url in live_page
