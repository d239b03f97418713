"""What the getters of `access` say a user may do, where a user notices it: the buttons and forms they see,
and the 404 or 403 they get (the URL × persona matrix checks the statuses of every page)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

import access
from meetings import live
from meetings.models import Meeting
from meetings.services import plan_regular_meeting
from tests.factories import UserFactory


def _user(world, persona):
    if persona == "admin":
        return UserFactory(username="admin", is_superuser=True, is_staff=True)
    return getattr(world, persona).user


@pytest.fixture
def meeting(world):
    meeting, _created = plan_regular_meeting(cell=world.cell, period=timezone.localdate())
    return meeting


@pytest.fixture
def opened(world, meeting):
    """In progress; the plain member `fellow` was named its meeting secretary (thư ký)."""
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PREPARED, published_at=timezone.now())
    meeting.refresh_from_db()
    return live.open_meeting(meeting=meeting, chair=world.secretary, clerk=world.fellow, by=None)


def test_the_meeting_secretary_runs_the_meeting_but_does_not_manage_it(world, opened):
    _meeting, may = access.meeting_for(world.fellow.user, opened.pk)
    assert may.run and not may.manage
    access.meeting_for(world.fellow.user, opened.pk, need="run")  # roll call, votes, minutes
    with pytest.raises(PermissionDenied):
        access.meeting_for(world.fellow.user, opened.pk, need="manage")  # closing the meeting


@pytest.mark.parametrize(
    ("persona", "run", "manage"),
    [("member", False, False), ("secretary", True, True), ("officer", False, False), ("admin", True, True)],
)
def test_who_runs_and_manages_a_meeting(world, opened, persona, run, manage):
    _meeting, may = access.meeting_for(_user(world, persona), opened.pk)
    assert (may.run, may.manage) == (run, manage)


def test_an_outsider_gets_404_and_a_reader_asking_to_change_403(world, meeting):
    with pytest.raises(Http404):
        access.meeting_for(world.outsider.user, meeting.pk)
    with pytest.raises(Http404):
        access.meeting_for(world.outsider.user, meeting.pk, need="manage")  # 404 first: it is not theirs
    with pytest.raises(PermissionDenied):
        access.meeting_for(world.member.user, meeting.pk, need="manage")


def test_a_draft_agenda_is_the_committees_until_published(world, meeting):
    assert not access.meeting_for(world.member.user, meeting.pk)[1].see_agenda
    assert access.meeting_for(world.secretary.user, meeting.pk)[1].see_agenda
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.PREPARED, published_at=timezone.now())
    assert access.meeting_for(world.member.user, meeting.pk)[1].see_agenda


@pytest.mark.parametrize(
    ("persona", "score", "score_superior", "self_criticism"),
    [
        ("member", False, False, False),
        ("secretary", True, False, True),  # the cell scores itself, never as its own superior
        ("officer", False, True, True),  # the superior officer scores separately
        ("admin", True, True, True),
    ],
)
def test_who_scores_and_reads_self_criticism(world, meeting, persona, score, score_superior, self_criticism):
    _meeting, may = access.meeting_for(_user(world, persona), meeting.pk)
    assert (may.score, may.score_superior, may.read_self_criticism) == (score, score_superior, self_criticism)


def test_a_score_sheet_of_the_wrong_side_is_403(world, meeting):
    with pytest.raises(PermissionDenied):
        access.score_sheet_for(world.officer.user, meeting.pk, rubric_kind="meeting", kind="self")
    with pytest.raises(PermissionDenied):
        access.score_sheet_for(world.secretary.user, meeting.pk, rubric_kind="meeting", kind="superior")
    access.score_sheet_for(world.officer.user, meeting.pk, rubric_kind="meeting", kind="superior")


@pytest.mark.parametrize(
    ("persona", "manage", "read", "keep_books"),
    [
        ("member", False, False, False),  # their cell's page, not its members' records nor its books
        ("secretary", True, True, True),
        ("officer", False, True, True),  # reads the cell he supervises, changes nothing in it
    ],
)
def test_what_each_may_do_with_the_cell(world, persona, manage, read, keep_books):
    _cell, may = access.organization_for(_user(world, persona), world.cell.pk)
    assert (may.manage, may.read, may.keep_books) == (manage, read, keep_books)
    assert not may.review and not may.guide  # a cell has no dashboard and writes no guidance


def test_the_committee_check_is_for_committees_and_their_readers(world):
    _branch, may = access.organization_for(world.officer.user, world.branch_a.pk, need="review")
    assert may.guide  # the officer sits on Đảng bộ A's committee
    with pytest.raises(PermissionDenied):
        access.organization_for(world.secretary.user, world.cell.pk, need="review")  # a cell: no dashboard
    with pytest.raises(Http404):
        access.organization_for(world.outsider.user, world.branch_a.pk, need="review")


def test_a_member_reads_their_own_record_but_not_a_fellows(world):
    _member, may = access.member_for(world.member.user, world.member.pk)
    assert may.is_self and not may.manage
    with pytest.raises(PermissionDenied):
        access.member_for(world.fellow.user, world.member.pk)
    assert access.member_for(world.secretary.user, world.member.pk)[1].manage


def test_a_need_that_does_not_exist_is_a_programming_error_not_a_refusal(world, meeting):
    with pytest.raises(ValueError, match="manages"):
        access.meeting_for(world.secretary.user, meeting.pk, need="manages")
