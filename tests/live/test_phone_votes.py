"""Votes on members' phones (issue #18, item 11): the secretary opens a vote, each official member present taps
a choice once (and may change it until the close), the tally follows on the live poll, and the close counts
the ballots by the rule of a vote entered by hand."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from meetings import live
from meetings.models import Attendance, Ballot, PhoneBallot, PhoneVote, Vote

from ..factories import MemberFactory, UserFactory
from .conftest import mark
from .pages import live_state, messages_of, text, vi

S = Attendance.Status
FETCH = {"X-Requested-With": "fetch"}
QUESTION = "Thông qua nghị quyết tháng 11-2026"


@pytest.fixture
def room(opened, world):
    """Present: the three official members (voters) and the probationary member (speaks, does not vote)."""
    mark(opened, world.secretary, world.member, world.fellow, world.target)
    return opened


@pytest.fixture
def phone_vote(room, world):
    return live.open_phone_vote(
        meeting=room, kind=Vote.Kind.RESOLUTION, question=QUESTION, by=world.secretary.user
    )


def ballot_url(vote):
    return reverse("meetings:ballot", args=[vote.pk])


def close_url(vote):
    return reverse("meetings:phone_vote_close", args=[vote.pk])


def live_url(meeting):
    return reverse("meetings:live", args=[meeting.pk])


def tap(client, vote, choice, **kw):
    return client.post(ballot_url(vote), {"choice": choice}, **kw)


# --- Opening ----------------------------------------------------------------------------------------------


def test_the_secretary_opens_a_vote_on_phones_from_the_votes_page(room, world, login):
    client = login("secretary")

    response = client.post(
        reverse("meetings:votes", args=[room.pk]),
        {"kind": "resolution", "question": QUESTION, "method": "phones"},
    )

    assert response.status_code == 302 and response["Location"] == live_url(room) + "#phone-vote"
    vote = PhoneVote.objects.get()
    assert (vote.question, vote.kind, vote.is_open, vote.agenda_item) == (
        QUESTION,
        "resolution",
        True,
        room.current_item,
    )
    assert not Vote.objects.exists()  # nothing is in the record until the close
    page = text(client.get(live_url(room)))
    assert QUESTION in page and vi("Close the vote and count") in page


def test_a_second_vote_on_phones_waits_for_the_first_to_close(phone_vote, room, world):
    with pytest.raises(ValidationError) as refused, translation.override("vi"):
        live.open_phone_vote(meeting=room, kind=Vote.Kind.OTHER, question="Khác", by=None)

    assert refused.value.messages == [vi("A vote on phones is already open: close it first.")]


def test_a_recognition_vote_on_phones_is_refused_as_by_hand(room, world, login):
    response = login("secretary").post(
        reverse("meetings:votes", args=[room.pk]),
        {"kind": "recognition", "question": "Công nhận", "subject": world.member.pk, "method": "phones"},
    )

    assert response.status_code == 422
    assert not PhoneVote.objects.exists()


# --- Who votes --------------------------------------------------------------------------------------------


def test_official_members_present_see_the_buttons_the_others_do_not(phone_vote, room, world, login):
    member_page = text(login("member").get(live_url(room)))

    assert vi("Tap your choice once.") in member_page
    assert vi("For") in member_page
    officer_page = login("officer").get(live_url(room)).content.decode()
    assert ballot_url(phone_vote) not in officer_page  # the superior officer is a guest: no vote


def test_one_tap_counts_and_a_second_tap_counts_once(phone_vote, world, login):
    client = login("member")

    first = tap(client, phone_vote, "for", headers=FETCH)
    again = tap(client, phone_vote, "for", headers=FETCH)

    assert first.status_code == again.status_code == 200
    assert vi("Your vote is counted. You may change it until the secretary closes the vote.") in text(again)
    assert list(PhoneBallot.objects.values_list("member", "choice")) == [(world.member.pk, "for")]


def test_a_member_may_change_the_choice_until_the_close(phone_vote, world, login):
    client = login("member")
    tap(client, phone_vote, "for")

    response = tap(client, phone_vote, "against", follow=True)

    assert vi("Your vote is counted.") in messages_of(response)
    assert list(PhoneBallot.objects.values_list("member", "choice")) == [(world.member.pk, "against")]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("outsider", 404),  # another cell's secretary: the meeting does not exist for them
        ("officer", 403),  # the superior officer sees the meeting but is a guest
        ("reviewer", 403),  # a reviewer from above reads the cell's record
        ("nobody", 404),  # a login without a party member
    ],
)
def test_who_is_not_a_member_of_the_cell_cannot_vote(phone_vote, world, login, who, status):
    assert tap(login(who), phone_vote, "for").status_code == status
    assert not PhoneBallot.objects.exists()


def test_an_absent_member_and_a_probationary_member_cannot_vote(phone_vote, room, world, login):
    live.mark_attendance(attendance=room.attendances.get(member=world.member), status=S.EXCUSED, reason="Ốm")
    probationary = Client()
    world.target.user = UserFactory(username="duyen")
    world.target.save()
    probationary.force_login(world.target.user)

    assert tap(login("member"), phone_vote, "for").status_code == 403
    assert tap(probationary, phone_vote, "for").status_code == 403
    assert not PhoneBallot.objects.exists()


def test_a_member_of_the_cell_not_yet_checked_in_is_told_to_check_in(opened, world, login):
    vote = live.open_phone_vote(meeting=opened, kind=Vote.Kind.RESOLUTION, question=QUESTION, by=None)

    page = text(login("member").get(live_url(opened)))

    assert vi("Official members present vote; check in first if you are here.") in page
    assert tap(login("member"), vote, "for").status_code == 403


def test_an_unknown_choice_is_refused(phone_vote, login):
    response = tap(login("member"), phone_vote, "maybe", headers=FETCH)

    assert response.status_code == 409
    assert vi("Choose for, against or abstain.") in text(response)
    assert not PhoneBallot.objects.exists()


# --- Closing ----------------------------------------------------------------------------------------------


def test_a_tap_after_the_close_is_refused_in_vietnamese(phone_vote, world, login):
    tap(login("member"), phone_vote, "for")
    live.close_phone_vote(vote=phone_vote, by=world.secretary.user)

    late = tap(login("fellow"), phone_vote, "for", headers=FETCH)
    late_form = tap(login("fellow"), phone_vote, "for", follow=True)

    assert late.status_code == 409
    assert vi("This vote is closed: your choice was not counted.") in text(late)
    assert vi("This vote is closed: your choice was not counted.") in messages_of(late_form)
    assert PhoneBallot.objects.count() == 1
    assert Vote.objects.get().votes_for == 1


def test_the_close_counts_as_a_named_vote_entered_by_hand(phone_vote, room, world, login):
    """The same hands, entered by the secretary and tapped on phones, give the same result by the same rule."""
    absent = MemberFactory(full_name="Bùi Thị Kim Ngân", cell=world.cell)
    Attendance.objects.create(meeting=room, member=absent, status=S.EXCUSED, reason="Đi công tác")
    choices = {world.secretary: "for", world.member: "for", world.fellow: "against"}
    for member, choice in choices.items():
        live.cast_ballot(vote=phone_vote, member=member, choice=choice)

    response = login("fellow").post(close_url(phone_vote), follow=True)
    by_hand = live.record_vote(
        meeting=room,
        kind=Vote.Kind.RESOLUTION,
        question=QUESTION,
        ballots={m.pk: c for m, c in choices.items()},
        by=None,
    )

    phones = Vote.objects.get(method=Vote.Method.PHONES)
    fields = ("votes_for", "votes_against", "abstentions", "eligible", "base", "passed", "rule")
    assert [getattr(phones, f) for f in fields] == [getattr(by_hand, f) for f in fields]
    assert (phones.votes_for, phones.base, phones.passed) == (2, 4, False)  # 2 of 4 is not more than half
    assert dict(Ballot.objects.filter(vote=phones).values_list("member", "choice")) == {
        m.pk: c for m, c in choices.items()
    }
    phone_vote.refresh_from_db()
    assert phone_vote.result == phones and not phone_vote.is_open
    assert vi("Vote recorded: %(result)s.", result=vi("not passed")) in messages_of(response)
    assert "2/4 đồng chí tán thành (50,0%)" in text(response)


def test_a_ballot_of_a_member_who_left_the_room_is_not_counted(phone_vote, room, world):
    for member in (world.secretary, world.member, world.fellow):
        live.cast_ballot(vote=phone_vote, member=member, choice="for")
    live.mark_attendance(attendance=room.attendances.get(member=world.member), status=S.EXCUSED, reason="Về")

    vote = live.close_phone_vote(vote=phone_vote, by=None)

    assert (vote.votes_for, vote.eligible, vote.passed) == (2, 2, True)


def test_a_vote_nobody_answered_is_withdrawn_and_nothing_recorded(phone_vote, login):
    response = login("secretary").post(close_url(phone_vote), follow=True)

    assert vi("Nobody had voted: the vote is withdrawn and nothing is recorded.") in messages_of(response)
    assert not Vote.objects.exists()
    assert not PhoneVote.objects.get().is_open


def test_only_the_secretary_closes_the_vote(phone_vote, login):
    assert login("member").post(close_url(phone_vote)).status_code == 403
    assert login("outsider").post(close_url(phone_vote)).status_code == 404
    assert PhoneVote.objects.get().is_open


def test_the_meeting_does_not_close_while_a_vote_on_phones_is_open(phone_vote, room, login):
    response = login("secretary").post(reverse("meetings:close", args=[room.pk]), follow=True)

    assert vi("A vote on phones is still open: close the vote first, then the meeting.") in messages_of(
        response
    )
    room.refresh_from_db()
    assert room.status == "in_progress"


def test_the_minutes_vote_may_be_taken_on_phones_after_the_close(room, world):
    live.close_meeting(meeting=room, by=None)
    vote = live.open_phone_vote(meeting=room, kind=Vote.Kind.MINUTES, question="Thông qua biên bản", by=None)
    for member in (world.secretary, world.member):
        live.cast_ballot(vote=vote, member=member, choice="for")

    assert live.close_phone_vote(vote=vote, by=None).passed


# --- The tally, live --------------------------------------------------------------------------------------


def test_the_secretary_poll_brings_the_tally_when_a_member_taps(
    phone_vote, world, login, django_assert_max_num_queries
):
    secretary = login("secretary")
    state = live_state(secretary, phone_vote.meeting)
    poll = reverse("meetings:poll", args=[phone_vote.meeting_id])
    with django_assert_max_num_queries(2):
        assert secretary.get(poll, state).status_code == 204  # nothing new: still two queries

    live.cast_ballot(vote=phone_vote, member=world.member, choice="for")
    response = secretary.get(poll, state)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-tally="for">1<' in page
    assert vi("%(n)s of %(m)s members with a vote have voted", n=1, m=3) in text(response)
    assert close_url(phone_vote) in page


def test_a_member_poll_shows_the_vote_when_it_opens(room, world, login):
    member = login("member")
    state = live_state(member, room)
    assert state["vote"] == ""

    vote = live.open_phone_vote(meeting=room, kind=Vote.Kind.RESOLUTION, question=QUESTION, by=None)
    response = member.get(reverse("meetings:poll", args=[room.pk]), state)

    assert response.status_code == 200
    assert QUESTION in text(response) and ballot_url(vote) in response.content.decode()
    assert close_url(vote) not in response.content.decode()


def test_the_projector_shows_the_tally_without_buttons(phone_vote, world, login):
    live.cast_ballot(vote=phone_vote, member=world.member, choice="against")

    page = login("secretary").get(reverse("meetings:screen", args=[phone_vote.meeting_id])).content.decode()

    assert 'data-tally="against">1<' in page
    assert ballot_url(phone_vote) not in page and close_url(phone_vote) not in page
