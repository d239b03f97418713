"""The inbox, "Việc cần làm" (issue #18 item 10): what waits for the superior officer (scores to confirm,
minutes adopted in their cells, meetings without a chi ủy session) and for the committee reviewer (cells with
alerts this month); nobody else has one. And confirming a score asks once, naming what it locks (item 3).

The world (tests/conftest.py): the officer sits on Đảng bộ A's committee and supervises Chi bộ A1, so Chi bộ
A1 and A2 look to them as their superior; the reviewer reviews the whole bloc; the outsider is the secretary
of Chi bộ B1 under Đảng bộ B.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

import access
from documents.models import Minutes, MinutesVersion
from evaluations import inbox
from evaluations.models import CellMonth, Evaluation
from members.models import Member, Organization, Role

from ..factories import EvaluationFactory, MemberFactory, RoleFactory, UserFactory, make_org
from .conftest import NOVEMBER, hold, session, text, vi

INBOX = reverse("evaluations:inbox")


def adopted_score(meeting, default, **score) -> Evaluation:
    """The cell's own sheet of the meeting (85, khá unless `score` says), adopted by its vote, not confirmed."""
    return EvaluationFactory(meeting=meeting, rubric=default, adopted_at=timezone.now(), **score)


def adopted_minutes(meeting) -> MinutesVersion:
    minutes = Minutes.objects.create(meeting=meeting)
    return MinutesVersion.objects.create(minutes=minutes, version=1, content={}, sha256="0" * 64)


def alerted(cell, alerts="no_session low_attendance") -> CellMonth:
    return CellMonth.objects.create(cell=cell, period=NOVEMBER, alerts=alerts)


def badge(page: str) -> int | None:
    """The count next to "To do" in the bar (None: no "To do" at all; 0: the link without a count)."""
    link = re.search(rf'href="{INBOX}">(.*?)</a>', page, re.S)
    if link is None:
        return None
    number = re.search(r"badge[^>]*>(\d+)<", link.group(1))
    return int(number.group(1)) if number else 0


def home(client) -> str:
    """The page a user lands on after logging in."""
    return client.get(reverse("home"), follow=True).content.decode()


def rows(page: str) -> int:
    return page.count("inbox-row")


@pytest.fixture
def a1(world, clock, default):
    """Chi bộ A1's November meeting, held, its score adopted (85, Khá), its minutes adopted."""
    meeting = hold(world.cell)
    return meeting, adopted_score(meeting, default), adopted_minutes(meeting)


# --- who sees what ------------------------------------------------------------------------------------


def test_the_superior_officer_sees_what_waits_in_their_cells(a1, login):
    meeting, _score, _minutes = a1
    client = login("officer")

    landing = home(client)
    page = client.get(INBOX)

    assert badge(landing) == 3  # the score, the minutes, the meeting held without a chi ủy session
    assert page.status_code == 200
    shown = text(page)
    assert "Chi bộ A1" in shown
    assert vi("Scores to confirm") in shown
    assert vi("Minutes adopted in your cells") in shown
    assert vi("Meetings without a committee session") in shown
    html = page.content.decode()
    assert reverse("evaluations:confirm", args=[meeting.pk]) + "?back=inbox" in html
    assert rows(html) == 3


def test_the_committee_reviewer_sees_the_cells_with_alerts_this_month(world, clock, login):
    alerted(world.cell)
    alerted(world.other_cell, "no_meeting")
    CellMonth.objects.create(cell=world.cell_a2, period=NOVEMBER, alerts="")  # nothing to look at
    client = login("reviewer")

    page = client.get(INBOX)

    html = page.content.decode()
    assert badge(home(client)) == 2
    assert rows(html) == 2
    assert reverse("evaluations:cell", args=[world.cell.pk]) in html
    assert reverse("evaluations:cell", args=[world.other_cell.pk]) in html
    assert reverse("evaluations:cell", args=[world.cell_a2.pk]) not in html
    assert vi("no committee session") in text(page)
    assert vi("Scores to confirm") not in text(page)  # the reviewer confirms no score


def test_an_officer_with_nothing_waiting_sees_the_link_without_a_count(world, clock, login):
    client = login("officer")
    assert badge(home(client)) == 0
    assert vi("Nothing waits for you.") in text(client.get(INBOX))


@pytest.mark.parametrize("persona", ["secretary", "member", "outsider", "nobody", "admin"])
def test_nobody_else_has_an_inbox(a1, world, login, persona):
    alerted(world.cell)
    client = login(persona)

    landing = home(client)

    assert badge(landing) is None  # no "To do" in the bar at all
    assert vi("To do") not in text(client.get(reverse("notifications:notifications")))
    assert client.get(INBOX).status_code == 404


# --- scoping ------------------------------------------------------------------------------------------


def test_an_officer_sees_only_the_cells_under_their_organisation(world, clock, default, login, client):
    b1 = hold(world.other_cell)
    adopted_score(b1, default)
    adopted_minutes(b1)
    alerted(world.other_cell)
    a2 = hold(world.cell_a2)
    session(a2)
    adopted_score(a2, default, total=92, level="tot", level_label="Tốt")

    page = login("officer").get(INBOX).content.decode()

    assert "Chi bộ A2" in page  # directly under Đảng bộ A, where the officer sits
    assert "Chi bộ B1" not in page
    assert reverse("evaluations:confirm", args=[b1.pk]) not in page

    # An officer of Đảng bộ B sees Chi bộ B1's, and nothing of Đảng bộ A.
    other = MemberFactory(
        full_name="Đặng Văn Bình", cell=world.other_cell, user=UserFactory(username="officer_b")
    )
    RoleFactory(member=other, organization=world.branch_b, kind=Role.Kind.COMMITTEE)
    client.force_login(other.user)
    page = client.get(INBOX).content.decode()
    assert reverse("evaluations:confirm", args=[b1.pk]) in page
    assert "Chi bộ A2" not in page and "Chi bộ A1" not in page


def test_the_reviewer_sees_no_cell_of_another_bloc(world, clock, login):
    other_bloc = make_org("Đảng ủy Khối Khác", Organization.Kind.BLOC)
    elsewhere = make_org("Chi bộ Nơi khác", Organization.Kind.CELL, other_bloc)
    alerted(elsewhere)
    alerted(world.cell)

    page = login("reviewer").get(INBOX).content.decode()

    assert "Chi bộ Nơi khác" not in page
    assert "Chi bộ A1" in page


def test_a_cell_secretary_on_the_committee_above_is_not_their_own_cells_superior(
    world, clock, default, login
):
    """Sitting on Đảng bộ A's committee, Chi bộ A1's secretary is the superior of Chi bộ A2, not of A1."""
    RoleFactory(member=world.secretary, organization=world.branch_a, kind=Role.Kind.COMMITTEE)
    own = hold(world.cell)
    adopted_score(own, default)
    a2 = hold(world.cell_a2)
    adopted_score(a2, default)

    page = login("secretary").get(INBOX).content.decode()

    assert reverse("evaluations:confirm", args=[a2.pk]) in page
    assert reverse("evaluations:confirm", args=[own.pk]) not in page


# --- the count is the list, and cheap -----------------------------------------------------------------


def test_the_count_matches_the_list(a1, world, default, login, clock):
    a2 = hold(world.cell_a2)
    adopted_score(a2, default)
    session(a2)
    alerted(world.cell)
    alerted(world.cell_a2)
    alerted(world.other_cell)  # outside Đảng bộ A: not the officer's
    client = login("officer")

    html = client.get(INBOX).content.decode()
    scope = access.inbox_scope_of(world.officer.user)

    assert badge(html) == rows(html) == 6  # 2 scores, 1 minutes, 1 session, 2 cells with alerts
    assert inbox.count(scope, world.officer.user) == inbox.waiting(scope, world.officer.user).total == 6


def test_the_count_costs_one_query_and_nothing_for_a_member(a1, world, django_assert_num_queries):
    officer = access.inbox_scope_of(world.officer.user)
    member = access.inbox_scope_of(world.member.user)

    with django_assert_num_queries(1):
        assert inbox.count(officer, world.officer.user) == 3
    with django_assert_num_queries(0):
        assert not member
        assert inbox.count(member, world.member.user) == 0


# --- acting on an item takes it off the list ----------------------------------------------------------


def test_a_confirmed_score_leaves_the_list(a1, world, login):
    meeting, score, _minutes = a1
    client = login("officer")
    url = reverse("evaluations:confirm", args=[meeting.pk])

    response = client.post(url, {"back": "inbox"}, follow=True)

    assert response.redirect_chain[-1][0] == INBOX
    assert vi("You confirmed the cell's score.") in text(response)
    score.refresh_from_db()
    assert score.confirmed_by == world.officer.user
    html = response.content.decode()
    assert url not in html
    assert badge(html) == rows(html) == 2


def test_read_minutes_leave_the_list(a1, world, login):
    _meeting, _score, version = a1
    client = login("officer")

    response = client.get(reverse("evaluations:inbox_minutes", args=[version.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("documents:minutes_version", args=[version.pk])
    html = client.get(INBOX).content.decode()
    assert reverse("evaluations:inbox_minutes", args=[version.pk]) not in html
    assert badge(html) == rows(html) == 2
    # Read by one officer, the minutes still wait for another.
    other = MemberFactory(full_name="Đinh Văn Tâm", cell=world.cell_a2, user=UserFactory(username="officer2"))
    RoleFactory(member=other, organization=world.branch_a, kind=Role.Kind.COMMITTEE)
    assert inbox.count(access.inbox_scope_of(other.user), other.user) == 3


def test_a_recorded_chi_uy_session_leaves_the_list(a1, world, login):
    meeting, _score, _minutes = a1
    client = login("officer")
    assert meeting.get_absolute_url() in client.get(INBOX).content.decode()

    session(meeting)

    html = client.get(INBOX).content.decode()
    assert f'href="{meeting.get_absolute_url()}"' not in html
    assert badge(html) == rows(html) == 2


def test_a_score_the_officer_scored_separately_leaves_the_list(a1, world, default):
    meeting, _score, _minutes = a1
    EvaluationFactory(meeting=meeting, rubric=default, kind=Evaluation.Kind.SUPERIOR, total=80)
    assert not inbox.scores_to_confirm(access.inbox_scope_of(world.officer.user)).exists()


# --- confirming asks once, naming what it locks --------------------------------------------------------


def test_the_confirmation_page_names_the_cell_the_month_and_what_it_locks(a1, login):
    meeting, score, _minutes = a1

    page = text(login("officer").get(reverse("evaluations:confirm", args=[meeting.pk]) + "?back=inbox"))

    assert (
        vi(
            "Confirm the score of %(cell)s for %(month)s: %(t)s points, %(l)s?",
            cell="Chi bộ A1",
            month="11/2026",
            t="85,0",
            l="Khá",
        )
        in page
    )
    assert (
        vi(
            "Once you confirm, it is the month's official score: the cell can no longer change its "
            "self-assessment, and the confirmation cannot be undone."
        )
        in page
    )
    score.refresh_from_db()
    assert score.confirmed_at is None  # asking changes nothing


def test_the_score_sheet_asks_before_confirming(a1, login):
    meeting, _score, _minutes = a1
    page = login("officer").get(reverse("evaluations:score_superior", args=[meeting.pk])).content.decode()
    confirm = reverse("evaluations:confirm", args=[meeting.pk])
    assert f'href="{confirm}"' in page  # a link to the question, not a button that confirms at once
    assert f'action="{confirm}"' not in page


def test_a_confirmed_score_is_not_confirmed_twice(a1, world, login, client):
    meeting, score, _minutes = a1
    url = reverse("evaluations:confirm", args=[meeting.pk])
    login("officer").post(url)
    first = Evaluation.objects.get(pk=score.pk).confirmed_at
    other = MemberFactory(full_name="Đinh Văn Tâm", cell=world.cell_a2, user=UserFactory(username="officer2"))
    RoleFactory(member=other, organization=world.branch_a, kind=Role.Kind.COMMITTEE)
    client.force_login(other.user)

    assert vi(
        "Confirmed by %(who)s (superior officer), %(when)s.",
        who=world.officer.full_name,
        when="09:00 20/11/2026",
    ) in text(client.get(url))
    response = client.post(url, follow=True)

    assert vi("This score is already confirmed.") in text(response)
    score.refresh_from_db()
    assert score.confirmed_by == world.officer.user and score.confirmed_at == first


@pytest.mark.parametrize(("persona", "status"), [("secretary", 403), ("member", 403), ("outsider", 404)])
def test_only_the_superior_confirms(a1, login, persona, status):
    meeting, score, _minutes = a1
    assert login(persona).post(reverse("evaluations:confirm", args=[meeting.pk])).status_code == status
    score.refresh_from_db()
    assert score.confirmed_at is None


def test_members_have_no_superior_scope(world):
    for person in (world.member, world.fellow, world.secretary, world.outsider):
        assert not access.inbox_scope_of(person.user)
    assert Member.objects.filter(user=world.officer.user).exists()
