"""Sessions end 12 hours after login for everyone, and after 30 minutes without activity for committee and
reviewer accounts; the live meeting's automatic polling is not activity."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from access import poll_token
from members import security

from ..members.pages import page_text, vi
from .conftest import age_session

# A cell's chi ủy, a member of the committee above (supervising the cell), a reviewer above it, staff.
COMMITTEE = ["secretary", "officer", "reviewer", "admin"]


def logged_out(client) -> bool:
    return "_auth_user_id" not in client.session


def login_target(response) -> str:
    """The `next` of a redirect to the login page."""
    parts = urlsplit(response.url)
    assert parts.path == reverse("login")
    return parse_qs(parts.query)["next"][0]


@pytest.mark.parametrize("persona", COMMITTEE)
def test_committee_session_ends_after_30_idle_minutes(login, world, persona):
    client = login(persona)
    age_session(client, idle_minutes=31)

    response = client.get(reverse("archive:search"), {"q": "đảng phí"})

    assert response.status_code == 302
    assert login_target(response) == reverse("archive:search") + "?q=%C4%91%E1%BA%A3ng+ph%C3%AD"
    assert logged_out(client)
    text = page_text(client.get(response.url))
    assert vi("Your session has expired after %(minutes)s minutes without activity.", minutes=30) in text
    assert "Phiên làm việc đã hết hạn" in text
    assert "Please log in again." not in text
    assert "Vui lòng đăng nhập lại." in text


@pytest.mark.parametrize("persona", COMMITTEE)
def test_committee_session_survives_29_idle_minutes_and_activity_restarts_the_count(login, world, persona):
    client = login(persona)
    age_session(client, idle_minutes=29)
    assert client.get(reverse("archive:search")).status_code == 200

    assert security.now() - client.session[security.SEEN_AT] < 60  # the count starts again from this request
    assert not logged_out(client)


@pytest.mark.parametrize("persona", ["member", "fellow", "nobody"])
def test_ordinary_member_stays_logged_in_through_a_three_hour_meeting(login, world, persona):
    client = login(persona)
    age_session(client, idle_minutes=180, since_login_minutes=180)

    assert client.get(reverse("archive:search")).status_code == 200
    assert not logged_out(client)


@pytest.mark.parametrize("persona", ["member", "secretary"])
def test_every_session_ends_12_hours_after_login_even_when_active(login, world, persona):
    client = login(persona)
    age_session(client, idle_minutes=0, since_login_minutes=12 * 60 + 1)

    response = client.get(reverse("members:organization", args=[world.cell.pk]))

    assert login_target(response) == reverse("members:organization", args=[world.cell.pk])
    assert logged_out(client)
    text = page_text(client.get(response.url))
    assert vi("Your session has expired (a session lasts %(hours)s hours).", hours=12) in text


def test_member_just_under_12_hours_is_still_in(login, world):
    client = login("member")
    age_session(client, idle_minutes=0, since_login_minutes=12 * 60 - 1)

    assert client.get(reverse("members:organization", args=[world.cell.pk])).status_code == 200


def _poll(client, meeting, user, **headers):
    url = reverse("meetings:poll", args=[meeting.pk])
    state = {"t": poll_token(meeting, user), "after": 0, "item": "", "status": "in_progress"}
    return client.get(url, state, HTTP_X_REQUESTED_WITH="fetch", **headers)


def test_polling_does_not_keep_a_committee_session_alive(login, world, in_progress):
    client = login("secretary")
    age_session(client, idle_minutes=25)
    seen_before = client.session[security.SEEN_AT]

    assert _poll(client, in_progress, world.secretary.user).status_code in (200, 204)
    assert client.session[security.SEEN_AT] == seen_before  # the poll was not activity

    client.get(reverse("meetings:live", args=[in_progress.pk]))
    assert client.session[security.SEEN_AT] > seen_before  # opening the page is


def test_an_expired_poll_tells_the_page_where_to_log_in(login, world, in_progress):
    client = login("secretary")
    age_session(client, idle_minutes=31)
    live_page = reverse("meetings:live", args=[in_progress.pk])

    response = _poll(client, in_progress, world.secretary.user, HTTP_REFERER=f"http://testserver{live_page}")

    assert response.status_code == 401
    data = response.json()
    assert login_target(type("R", (), {"url": data["login_url"]})) == live_page
    assert "Phiên làm việc đã hết hạn" in data["error"]
    assert logged_out(client)


def test_an_expired_htmx_request_sends_the_whole_page_to_the_login(login, world, in_progress):
    client = login("secretary")
    age_session(client, idle_minutes=31)
    live_page = reverse("meetings:live", args=[in_progress.pk])

    response = client.post(
        reverse("meetings:clerk", args=[in_progress.pk]),
        {},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{live_page}",
    )

    assert login_target(type("R", (), {"url": response["HX-Redirect"]})) == live_page
    assert logged_out(client)


def test_a_member_posting_a_comment_while_polling_keeps_the_session(login, world, in_progress):
    """A meeting's phones: each comment is activity (and the member has no idle limit anyway)."""
    client = login("member")
    age_session(client, idle_minutes=100)
    response = client.post(
        reverse("meetings:comment_post", args=[in_progress.pk]),
        {"text": "Tôi đồng ý", "kind": "opinion", "client_id": "5b0a3c1e-2f1d-4d7e-9a55-0a1b2c3d4e5f"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code in (200, 201)
    assert not logged_out(client)
