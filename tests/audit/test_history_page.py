"""The page "Lịch sử thay đổi": staff only, filtered by model and user, paged, ids (never names) in its links."""

import html
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from members.models import Member

from ..live.pages import rows, text, vi

URL = reverse("audit:history")


def phone_changes(member: Member, count: int, *, by=None) -> None:
    for n in range(count):
        member.phone = f"0909{n:06d}"
        if by is not None:
            member._history_user = by
        member.save()


def table(response) -> list[str]:
    return [" ".join(r) for r in rows(response)[1:]]


def links(response) -> list[str]:
    return [unquote(html.unescape(h)) for h in re.findall(r'href="([^"]*)"', response.content.decode())]


@pytest.mark.parametrize(
    "persona", ["member", "fellow", "secretary", "officer", "reviewer", "outsider", "nobody"]
)
def test_people_who_are_not_staff_cannot_browse_the_history(persona, world, login):
    client = login(persona)

    assert client.get(URL).status_code == 403
    admin_history = reverse("admin:members_member_history", args=[world.member.pk])
    assert client.get(admin_history).status_code == 302  # the admin's login page


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_see_only_the_tables_they_were_given(world, client, staff, opened):
    phone_changes(world.target, 1)
    client.force_login(staff)

    response = client.get(URL)

    assert response.status_code == 200
    shown = table(response)
    assert shown and all(vi("party member").lower() in row.lower() for row in shown)
    assert client.get(URL, {"model": "meetings.attendance"}).status_code == 422
    assert client.get(reverse("admin:members_member_history", args=[world.target.pk])).status_code == 200


def test_staff_without_any_history_permission_are_refused(client, db):
    from ..factories import UserFactory

    client.force_login(UserFactory(username="helpdesk", is_staff=True))

    assert client.get(URL).status_code == 403


def test_the_user_filter_shows_only_that_users_changes(world, login):
    phone_changes(world.target, 2, by=world.secretary.user)
    phone_changes(world.member, 3, by=world.fellow.user)
    client = login("admin")

    shown = table(client.get(URL, {"user": world.fellow.user.pk, "model": "members.member"}))

    assert len(shown) == 3
    assert all("Võ Thị Ngọc Hân" in row and "Nguyễn Hoàng Nam" in row for row in shown)


def test_changes_are_paged_newest_first(world, login):
    phone_changes(world.target, 60, by=world.secretary.user)
    client = login("admin")

    first = client.get(URL, {"model": "members.member"})
    shown = table(first)

    assert len(shown) == 50
    assert vi("phone") in shown[0]
    older = [h for h in links(first) if "page=2" in h]
    assert older
    second = client.get(URL + older[0])
    # the 60 changes and the members the fixture created
    assert len(table(second)) == Member.history.count() - 50
    assert "page=3" not in second.content.decode()


def test_no_name_or_other_personal_data_goes_into_the_links(world, login, opened):
    phone_changes(world.target, 3, by=world.secretary.user)
    client = login("admin")

    response = client.get(URL, {"model": "members.member", "user": world.secretary.user.pk})

    names = list(Member.objects.values_list("full_name", flat=True)) + [world.secretary.user.username]
    for href in links(response):
        assert not any(name in href for name in names), href
        assert "0909" not in href
    query_links = [h for h in links(response) if h.startswith("?")]
    assert query_links
    assert all(re.fullmatch(r"\?((model=[a-z_]+\.[a-z]+|user=\d+|page=\d+)&?)+", h) for h in query_links)


def test_a_malformed_filter_is_refused_with_a_message(world, login):
    response = login("admin").get(URL, {"user": "abc", "page": "0"})

    assert response.status_code == 422
    assert vi("Ensure this value is greater than or equal to %(limit_value)s.", limit_value=1) in text(
        response
    )


def test_everything_lists_the_changes_of_every_table_newest_first(world, login, opened, clock):
    from ..live.conftest import at

    clock.set(at(2099, 1, 1, 8, 0))  # after everything the fixtures wrote, whatever today's date
    phone_changes(world.target, 1, by=world.secretary.user)

    shown = table(login("admin").get(URL))

    assert vi("phone") in shown[0] and "Dương Thị Mỹ Duyên" in shown[0]
    kinds = {vi(name).lower() for name in ("attendance", "agenda item", "meeting")}
    assert all(any(kind in row.lower() for row in shown) for kind in kinds)


def test_a_ballot_changed_on_a_phone_is_in_the_history(world, login, opened):
    """Every tracked table is on the page, including one added after the page was written: a member who
    taps "for", then "against" before the close, leaves both in the history the admin reads."""
    from meetings import live
    from meetings.models import Vote

    from ..live.conftest import mark

    mark(opened, world.member)
    vote = live.open_phone_vote(
        meeting=opened, kind=Vote.Kind.RESOLUTION, question="Q", by=world.secretary.user
    )
    live.cast_ballot(vote=vote, member=world.member, choice="for")
    live.cast_ballot(vote=vote, member=world.member, choice="against")

    response = login("admin").get(URL, {"model": "meetings.phoneballot"})

    assert response.status_code == 200
    shown = table(response)
    assert len(shown) == 2
    assert all(world.member.full_name in row for row in shown)
    assert vi("changed") in shown[0] and vi("created") in shown[1]
