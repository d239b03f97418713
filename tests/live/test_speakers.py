"""The speaker queue ("Xin phát biểu", #21 part 4): members present ask to speak on the item under
discussion or withdraw, the chair calls them in the order they asked, each turn is recorded, the phones hear
of it through the live path, and the minutes count who spoke in a turn as they count comments."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from documents import minutes
from meetings import live, push, speakers
from meetings.models import Meeting, SpeakingTurn

from ..clock import at
from ..factories import MemberFactory, UserFactory, post_comment
from .conftest import mark
from .pages import live_state, messages_of, text, vi
from .test_push import published, pushing, subscribe  # noqa: F401  (the fixture)

FETCH = {"X-Requested-With": "fetch"}


@pytest.fixture
def room(opened, world):
    """Present: the chair (secretary), member, fellow (the meeting secretary) and the probationary member."""
    mark(opened, world.secretary, world.member, world.fellow, world.target)
    return opened


def url(name, meeting):
    return reverse(f"meetings:speaker_{name}", args=[meeting.pk])


def waiting_names(meeting):
    meeting = Meeting.objects.select_related("current_item").get(pk=meeting.pk)
    return [t.member.full_name for t in speakers.queue_of(meeting).waiting]


def speaking(meeting):
    meeting = Meeting.objects.select_related("current_item").get(pk=meeting.pk)
    turn = speakers.queue_of(meeting).speaking
    return turn.member if turn else None


# --- The queue ------------------------------------------------------------------------------------------


def test_the_chair_calls_speakers_in_the_order_they_asked_and_the_next_ends_the_turn_before(
    room, world, clock
):
    speakers.ask(meeting=room, member=world.target)
    clock.set(at(2026, 11, 5, 14, 1))
    speakers.ask(meeting=room, member=world.member)
    clock.set(at(2026, 11, 5, 14, 2))
    speakers.ask(meeting=room, member=world.fellow)
    assert waiting_names(room) == [world.target.full_name, world.member.full_name, world.fellow.full_name]

    clock.set(at(2026, 11, 5, 14, 3))
    first = speakers.call_next(meeting=room)
    assert first.member == world.target and speaking(room) == world.target
    assert waiting_names(room) == [world.member.full_name, world.fellow.full_name]

    clock.set(at(2026, 11, 5, 14, 7))
    second = speakers.call_next(meeting=room)
    first.refresh_from_db()
    assert first.ended_at == at(2026, 11, 5, 14, 7) == second.called_at
    assert speaking(room) == world.member and waiting_names(room) == [world.fellow.full_name]

    clock.set(at(2026, 11, 5, 14, 9))
    speakers.end_turn(meeting=room)
    assert speaking(room) is None
    second.refresh_from_db()
    assert (second.called_at, second.ended_at) == (at(2026, 11, 5, 14, 7), at(2026, 11, 5, 14, 9))
    turn = SpeakingTurn.objects.get(member=world.target)
    assert (turn.meeting, turn.agenda_item, turn.requested_at) == (
        room,
        room.current_item,
        at(2026, 11, 5, 14),
    )


def test_one_open_request_per_member_and_item(room, world):
    first = speakers.ask(meeting=room, member=world.member)
    assert speakers.ask(meeting=room, member=world.member) == first  # a double tap asks once
    assert waiting_names(room) == [world.member.full_name]
    with pytest.raises(IntegrityError), transaction.atomic():
        SpeakingTurn.objects.create(meeting=room, member=world.member, agenda_item=room.current_item)

    # Speaking now is still the open request: asking again changes nothing.
    speakers.call_next(meeting=room)
    assert speakers.ask(meeting=room, member=world.member) == first
    assert waiting_names(room) == []
    # Once the turn is over the member may ask again, and on another item too.
    speakers.end_turn(meeting=room)
    again = speakers.ask(meeting=room, member=world.member)
    assert again != first and waiting_names(room) == [world.member.full_name]


def test_a_withdrawn_request_leaves_the_queue_and_may_be_made_again(room, world):
    speakers.ask(meeting=room, member=world.member)
    speakers.ask(meeting=room, member=world.fellow)

    assert speakers.withdraw(meeting=room, member=world.member) == 1
    assert waiting_names(room) == [world.fellow.full_name]
    assert speakers.withdraw(meeting=room, member=world.member) == 0  # nothing left to withdraw
    assert speakers.call_next(meeting=room).member == world.fellow

    speakers.ask(meeting=room, member=world.member)  # the member changes their mind: at the end of the queue
    assert waiting_names(room) == [world.member.full_name]
    assert SpeakingTurn.objects.filter(member=world.member).count() == 2


def test_the_queue_is_the_current_items(room, world):
    speakers.ask(meeting=room, member=world.member)
    items = list(room.agenda_items.order_by("position"))
    live.set_current_item(meeting=room, item=items[1])
    assert waiting_names(room) == []
    with pytest.raises(ValidationError):
        speakers.call_next(meeting=room)
    speakers.ask(meeting=room, member=world.member)  # a new request on the new item
    assert waiting_names(room) == [world.member.full_name]
    live.set_current_item(meeting=room, item=items[0])
    assert waiting_names(room) == [world.member.full_name]  # the first request waits on its item


def test_only_members_present_ask_and_only_while_the_meeting_is_in_progress(room, world, prepared):
    absent = MemberFactory(full_name="Trần Văn Vắng", cell=world.cell)
    with pytest.raises(ValidationError), translation.override("vi"):
        speakers.ask(meeting=room, member=absent)  # not on the roll (joined after the roll call)
    speakers.ask(meeting=room, member=world.member)
    speakers.call_next(meeting=room)

    live.close_meeting(meeting=room, by=world.secretary.user)
    room.refresh_from_db()
    assert SpeakingTurn.objects.get().ended_at is not None  # the turn under way ends with the meeting
    for step in (
        lambda: speakers.ask(meeting=room, member=world.fellow),
        lambda: speakers.call_next(meeting=room),
        lambda: speakers.end_turn(meeting=room),
        lambda: speakers.withdraw(meeting=room, member=world.member),
    ):
        with pytest.raises(ValidationError) as refused, translation.override("vi"):
            step()
        assert (
            vi("The speaker queue is open only while the meeting is in progress.") in refused.value.messages
        )


# --- Who may do what, through the pages --------------------------------------------------------------------


def test_members_present_ask_and_withdraw_from_their_phone_and_see_their_place(room, world, login):
    speakers.ask(meeting=room, member=world.target)
    member = login("member")

    response = member.post(url("ask", room), follow=True)
    assert messages_of(response) == [vi("You are in the queue to speak.")]
    page = text(response)
    assert vi("You are number %(n)s in the queue.", n=2) in page
    assert waiting_names(room) == [world.target.full_name, world.member.full_name]

    response = member.post(url("withdraw", room), follow=True)
    assert messages_of(response) == [vi("Your request to speak is withdrawn.")]
    assert waiting_names(room) == [world.target.full_name]


def test_a_member_not_present_may_not_ask_and_a_member_may_not_call(room, world, login):
    late = MemberFactory(full_name="Trần Văn Muộn", cell=world.cell, user=UserFactory(username="muon"))
    room.attendances.create(member=late, official=True)  # on the roll, not checked in
    client = Client()
    client.force_login(late.user)
    assert client.post(url("ask", room)).status_code == 403
    assert not SpeakingTurn.objects.exists()

    member = login("member")
    member.post(url("ask", room))
    assert member.post(url("next", room)).status_code == 403
    assert member.post(url("end", room)).status_code == 403
    assert speaking(room) is None


def test_a_member_of_another_cell_gets_404(room, world):
    outsider = Client()
    outsider.force_login(world.outsider.user)
    for name in ("ask", "withdraw", "next", "end"):
        assert outsider.post(url(name, room)).status_code == 404
    assert not SpeakingTurn.objects.exists()


def test_the_meeting_secretary_calls_the_next_from_the_live_page(room, world, login, clock):
    for who in (world.member, world.target):
        speakers.ask(meeting=room, member=who)
    chair = login("fellow")  # the meeting secretary runs the meeting
    page = chair.get(reverse("meetings:live", args=[room.pk]))
    assert vi("Call the next speaker") in text(page) and url("next", room) in page.content.decode()
    queue = text(page).split(vi("Speaker queue"), 1)[1]
    assert queue.index(world.member.full_name) < queue.index(world.target.full_name)

    response = chair.post(url("next", room), headers=FETCH)
    assert response.status_code == 200
    answer = text(response)
    assert vi("Speaking now") in answer and world.member.full_name in answer
    assert speaking(room) == world.member

    chair.post(url("end", room))
    refused = chair.post(url("end", room), headers=FETCH)  # nobody has the floor any more
    assert refused.status_code == 409
    assert f'data-refusal="{vi("Nobody has the floor.")}"' in refused.content.decode()


def test_each_step_is_in_the_audit_history_with_who_did_it(room, world, login):
    login("member").post(url("ask", room))
    login("secretary").post(url("next", room))
    turn = SpeakingTurn.objects.get()
    history = list(turn.history.order_by("history_id"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert [h.history_user for h in history] == [world.member.user, world.secretary.user]


# --- The projector, the hint, the live path ----------------------------------------------------------------


def test_the_projector_shows_who_speaks_and_since_when(room, world, login, clock):
    speakers.ask(meeting=room, member=world.fellow)
    clock.set(at(2026, 11, 5, 14, 10))
    speakers.call_next(meeting=room)
    clock.set(at(2026, 11, 5, 14, 12, 5))

    page = login("secretary").get(reverse("meetings:screen", args=[room.pk]))
    html = page.content.decode()
    assert world.fellow.full_name in text(page) and vi("Speaking now") in text(page)
    since = int(at(2026, 11, 5, 14, 10).timestamp() * 1000)
    assert f'data-since="{since}">2:05<' in html  # the script counts on from the turn's start


def test_the_rules_give_the_self_criticism_item_its_time_and_other_items_none(room, world):
    item = room.agenda_items.get(section="self_criticism")
    assert speakers.time_hint(room, item) == vi(
        "This item takes %(low)d–%(high)d minutes by the rules (%(rules)s).",
        low=15,
        high=30,
        rules="HD 42-HD/BTCTW (2025)",
    )
    assert speakers.time_hint(room, room.agenda_items.get(section="discussion")) == ""


def test_the_poll_brings_the_queue_when_it_moved_and_costs_nothing_more_otherwise(
    room, world, login, django_assert_max_num_queries
):
    phone = login("fellow")
    state = live_state(phone, room)
    poll = reverse("meetings:poll", args=[room.pk])
    with django_assert_max_num_queries(2):
        assert phone.get(poll, state).status_code == 204  # nothing new: still the user and one summary

    speakers.ask(meeting=room, member=world.member)
    response = phone.get(poll, state)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-queue-signature="1"' in html and world.member.full_name in text(response)

    state["speakers"] = speakers.signature(SpeakingTurn.objects.all())
    assert phone.get(poll, state).status_code == 204
    speakers.withdraw(meeting=room, member=world.member)
    assert phone.get(poll, state).status_code == 200


def test_a_queue_step_is_pushed_with_the_queue_and_a_comment_only_with_its_signature(
    room, world, request, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    listener = subscribe(request.getfixturevalue("pushing"), room)
    with django_capture_on_commit_callbacks(execute=True):
        speakers.ask(meeting=room, member=world.member)
    _sequence, update = published(listener)
    assert 'data-queue-signature="1"' in update["html"] and world.member.full_name in update["html"]

    with django_assert_max_num_queries(2):  # a comment's update: live.update_state's meeting and its counts
        html, _status = push.update_html(room.pk, ())
    assert 'data-signature="1"' in html and "data-queue-signature" not in html


# --- Counting who spoke ------------------------------------------------------------------------------------


def test_a_turn_counts_its_speaker_once_with_or_without_a_typed_comment(room, world):
    items = list(room.agenda_items.order_by("position"))
    # member: a turn and a comment on the same item (one speaker, one opinion);
    # fellow: a turn nobody typed (one speaker, one opinion); target: a comment only.
    for who in (world.member, world.fellow):
        speakers.ask(meeting=room, member=who)
        speakers.call_next(meeting=room)
    post_comment(room, world.member, "Tôi đồng ý với báo cáo.", agenda_item=items[0])
    post_comment(room, world.target, "Đề nghị bổ sung chỉ tiêu.", agenda_item=items[0])
    # member again, on another item, in a turn without a comment: another opinion, not another speaker.
    live.set_current_item(meeting=room, item=items[1])
    speakers.ask(meeting=room, member=world.member)
    speakers.call_next(meeting=room)
    # a member who asked and withdrew, or was never called, did not speak.
    speakers.ask(meeting=room, member=world.secretary)

    assert live.speaker_counts(room) == (3, 4)
    state = live.update_state(room.pk)  # the live counts, in SQL, agree
    assert (state.speakers, state.n_comments) == (3, 4)


def test_the_minutes_count_the_speakers_of_turns(room, world):
    speakers.ask(meeting=room, member=world.fellow)
    speakers.call_next(meeting=room)
    post_comment(room, world.member, "Ý kiến đã ghi.")
    live.close_meeting(meeting=room, by=world.secretary.user)
    room.refresh_from_db()

    with translation.override("vi"):
        doc = minutes.assemble(room)
    assert (doc["speakers"], doc["comments"]) == (2, 2)


def test_the_quality_score_and_the_dashboard_count_the_speakers_of_turns(room, world):
    """What the minutes say the quality score and the committee's dashboard say too: the fellow spoke in a
    turn nobody typed, the member typed a comment."""
    from evaluations import facts, indicators
    from evaluations.models import CellMonth

    speakers.ask(meeting=room, member=world.fellow)
    speakers.call_next(meeting=room)
    post_comment(room, world.member, "Ý kiến đã ghi.")
    live.close_meeting(meeting=room, by=world.secretary.user)
    room.refresh_from_db()

    fact = facts.facts_for(room)["speakers_share"]
    assert fact.value == 2 / 4 and fact.text == "2/4 đồng chí có mặt phát biểu 2 ý kiến"
    indicators.refresh_meeting(room.pk)
    row = CellMonth.objects.get(cell=room.cell, period=room.period)
    assert (row.speakers, row.comments) == (2, 2)
