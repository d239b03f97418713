"""Votes at the meeting: only while it is in progress, never more votes than voters, named show of hands,
the right base for each rule, and recognition as an official member."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from meetings import live
from meetings.models import Attendance, Ballot, Vote
from members.models import Member

from ..factories import MemberFactory
from .conftest import mark
from .pages import text, vi

S = Attendance.Status


def votes_url(meeting):
    return reverse("meetings:votes", args=[meeting.pk])


def resolution(**data):
    return {"kind": "resolution", "question": "Thông qua nghị quyết tháng 11-2026", "method": "totals"} | data


def refusal(**vote):
    """The messages, in Vietnamese, with which live.record_vote refuses this vote; nothing is recorded."""
    with pytest.raises(ValidationError) as refused, translation.override("vi"):
        live.record_vote(by=None, **vote)
    return refused.value.messages


@pytest.fixture
def room(opened, world):
    """Present: the three official members and the probationary member. Voters: the three official ones."""
    mark(opened, world.secretary, world.member, world.fellow, world.target)
    return opened


def test_no_vote_before_the_meeting_opens(prepared, world, login):
    refused = refusal(meeting=prepared, kind=Vote.Kind.RESOLUTION, question="Sớm", totals=(1, 0, 0))
    assert refused == [vi("Votes are taken only while the meeting is in progress.")]

    page = login("secretary").get(votes_url(prepared))
    posted = login("secretary").post(votes_url(prepared), resolution(votes_for="3"))

    assert vi("Record a vote") not in text(page)  # nothing to fill in before the meeting opens
    assert posted.status_code == 422
    assert not Vote.objects.exists()


def test_a_resolution_vote_after_the_close_is_refused_but_the_minutes_vote_is_taken(room, login):
    live.close_meeting(meeting=room, by=None)
    client = login("secretary")

    refused = client.post(votes_url(room), resolution(votes_for="3"))
    minutes = client.post(
        votes_url(room),
        {"kind": "minutes", "question": "Thông qua biên bản", "method": "totals", "votes_for": "3"},
    )

    assert refused.status_code == 422
    assert vi("Votes are taken only while the meeting is in progress.") in text(refused)
    assert minutes.status_code == 302
    assert list(Vote.objects.values_list("kind", "passed")) == [(Vote.Kind.MINUTES, True)]


def test_more_votes_than_voters_are_refused_naming_both_numbers(room, login):
    response = login("fellow").post(votes_url(room), resolution(votes_for="3", votes_against="1"))

    assert response.status_code == 422
    expected = vi(
        "%(n)d votes were entered but only %(voters)d official members present may vote.", n=4, voters=3
    )
    assert expected in text(response)
    assert not Vote.objects.exists()


def test_all_for_by_name_counts_every_voter_present(room, world, login):
    response = login("fellow").post(votes_url(room), resolution(method="named", all_for="1"), follow=True)

    assert vi("Vote recorded: %(result)s.", result=vi("passed")) in text(response)
    vote = Vote.objects.get()
    assert (vote.method, vote.votes_for, vote.votes_against, vote.abstentions) == (Vote.Method.NAMED, 3, 0, 0)
    assert vote.passed
    assert vote.rule.endswith("(HD 42-HD/BTCTW (2025))")  # the rule set in force on the meeting's day
    ballots = dict(Ballot.objects.filter(vote=vote).values_list("member__full_name", "choice"))
    assert ballots == {m.full_name: "for" for m in (world.secretary, world.member, world.fellow)}


def test_the_named_list_holds_only_the_official_members_present(room, world, login):
    page = login("fellow").get(votes_url(room)).content.decode()

    for voter in (world.secretary, world.member, world.fellow):
        assert f'name="ballot_{voter.pk}"' in page
    assert f'name="ballot_{world.target.pk}"' not in page


def test_a_ballot_from_a_probationary_member_is_refused(room, world):
    ballots = {world.secretary.pk: "for", world.member.pk: "for", world.target.pk: "for"}

    refused = refusal(meeting=room, kind=Vote.Kind.RESOLUTION, question="Q", ballots=ballots)

    assert refused == [vi("Only official members present may vote.")]
    assert not Vote.objects.exists()


def test_a_ballot_posted_for_a_probationary_member_is_not_counted(room, world, login):
    login("fellow").post(
        votes_url(room),
        resolution(
            method="named",
            **{f"ballot_{world.secretary.pk}": "for", f"ballot_{world.member.pk}": "against"},
            **{f"ballot_{world.target.pk}": "for"},
        ),
    )

    vote = Vote.objects.get()
    assert (vote.votes_for, vote.votes_against) == (1, 1)
    assert not Ballot.objects.filter(vote=vote, member=world.target).exists()


def test_the_result_reads_x_of_y_comrades_in_favour(room, world, login):
    absent = MemberFactory(full_name="Bùi Thị Kim Ngân", cell=world.cell)
    Attendance.objects.create(meeting=room, member=absent, status=S.EXCUSED, reason="Đi công tác")
    client = login("secretary")

    response = client.post(votes_url(room), resolution(votes_for="2", votes_against="1"), follow=True)

    # Four official members counted (one away on business); 2 for is only half: not passed.
    page = text(response)
    assert vi("%(f)s/%(b)s comrades in favour (%(pct)s%%)", f=2, b=4, pct="50,0") in page
    assert "2/4 đồng chí tán thành (50,0%)" in page
    assert vi("Vote recorded: %(result)s.", result=vi("not passed")) in page
    vote = Vote.objects.get()
    assert (vote.base, vote.eligible, vote.passed) == (4, 3, False)

    client.post(votes_url(room), resolution(votes_for="3"))
    assert "3/4 đồng chí tán thành (75,0%)" in text(client.get(votes_url(room)))


def test_the_third_decimal_is_rounded_in_the_result(room, login):
    response = login("secretary").post(
        votes_url(room), resolution(votes_for="2", abstentions="1"), follow=True
    )

    assert "2/3 đồng chí tán thành (66,7%)" in text(response)


# --- Recognition as an official member -------------------------------------------------------------------


def recognition(member, **data):
    return {
        "kind": "recognition",
        "question": f"Công nhận đồng chí {member.full_name} là đảng viên chính thức",
        "subject": member.pk,
        "method": "totals",
    } | data


def test_a_passed_recognition_vote_proposes_but_does_not_change_status(room, world, login):
    target = world.target
    target.admission_date = dt.date(2025, 11, 3)
    target.save()

    login("secretary").post(votes_url(room), recognition(target, votes_for="2", votes_against="1"))

    vote = Vote.objects.get()
    assert (vote.kind, vote.subject, vote.base, vote.passed) == (Vote.Kind.RECOGNITION, target, 3, True)
    target.refresh_from_db()
    assert target.recognition_proposed_on == dt.date(2026, 11, 5)
    assert (target.status, target.official_date) == (Member.Status.PROBATIONARY, None)

    # The superior committee's decision is recorded later, on the member's page.
    login("secretary").post(
        reverse("members:member_recognise", args=[target.pk]), {"official_date": "20/11/2026"}
    )
    target.refresh_from_db()
    assert (target.status, target.official_date) == (Member.Status.OFFICIAL, dt.date(2026, 11, 20))


def test_recognition_counts_all_official_members_not_those_present(room, world, login):
    for n in range(3):
        away = MemberFactory(full_name=f"Nguyễn Văn Vắng {n}", cell=world.cell)
        Attendance.objects.create(meeting=room, member=away, status=S.EXCUSED, reason="Đi công tác")

    response = login("secretary").post(votes_url(room), recognition(world.target, votes_for="3"), follow=True)

    # All 3 present are for, but that is 3 of the cell's 6 official members: less than 2/3.
    vote = Vote.objects.get()
    assert (vote.base, vote.passed) == (6, False)
    assert "3/6 đồng chí tán thành (50,0%)" in text(response)
    world.target.refresh_from_db()
    assert world.target.recognition_proposed_on is None


def test_a_cell_with_two_official_members_cannot_vote_on_recognition(room, world):
    Attendance.objects.filter(meeting=room, member=world.fellow).delete()

    refused = refusal(
        meeting=room, kind=Vote.Kind.RECOGNITION, question="Q", subject=world.target, totals=(2, 0, 0)
    )

    assert refused == [vi("A cell with fewer than %(n)d official members cannot vote on recognition.", n=3)]
    world.target.refresh_from_db()
    assert world.target.recognition_proposed_on is None


def test_recognition_is_for_a_probationary_member_of_the_cell(room, world):
    refused = refusal(
        meeting=room, kind=Vote.Kind.RECOGNITION, question="Q", subject=world.member, totals=(3, 0, 0)
    )

    assert refused == [vi("Choose the probationary member of this cell the vote is about.")]


def test_a_member_elsewhere_who_attends_at_home_votes_and_counts_in_the_base(opened, world, login):
    """On temporary activity in another cell, the member keeps full rights in this one (QĐ 232 6.3.2):
    present, they vote, so the base includes them and "for" cannot exceed it."""
    away = MemberFactory(full_name="Hồ Văn Xa", cell=world.cell)
    opened.attendances.create(member=away, official=True, elsewhere=True)
    mark(opened, world.secretary, world.member, world.fellow, away)

    vote = live.record_vote(
        meeting=opened, kind=Vote.Kind.RESOLUTION, question="Thông qua nghị quyết", totals=(4, 0, 0), by=None
    )

    assert (vote.votes_for, vote.eligible, vote.base) == (4, 4, 4)
    assert vote.passed


def test_the_minutes_pages_adoption_vote_opens_with_its_question_written(room, login):
    """The minutes page's "Record the adoption vote" opens the vote form on the adoption vote, its question
    filled in: the secretary types the totals and saves, no refusal for an empty question."""
    live.close_meeting(meeting=room, by=None)
    client = login("secretary")

    form = client.get(votes_url(room) + "?kind=minutes").context["form"]
    posted = client.post(
        votes_url(room), {**{k: form[k].value() for k in ("kind", "question", "method")}, "votes_for": "3"}
    )

    assert form["question"].value() == vi("Adopt the minutes of the meeting")
    assert posted.status_code == 302
    assert list(Vote.objects.values_list("kind", "question", "passed")) == [
        (Vote.Kind.MINUTES, vi("Adopt the minutes of the meeting"), True)
    ]
