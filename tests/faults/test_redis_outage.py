"""Redis down for a while: logged-in pages and logins keep working from the database, comments posted
through it are stored once, and /healthz tells the load balancer that Redis is down."""

import logging
import uuid

from django.test import Client
from django.urls import reverse

from chibo import sessions
from meetings.models import Comment

JSON = {"Accept": "application/json"}


def home(client):
    """The member's home (their cell's meetings), followed: 200 there, not the login page."""
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    return response


def test_logged_in_pages_answer_with_redis_down(private_redis, world, client):
    client.post(reverse("login"), {"username": "member", "password": "correct horse battery"})
    home(client)  # the session is now in Redis too

    private_redis.stop()

    for _ in range(3):
        response = home(client)
        assert response.redirect_chain[-1][0] == reverse("meetings:cell", args=[world.cell.pk])


def test_a_members_live_page_answers_with_redis_down(private_redis, in_progress, world, client):
    """The page's comment list and form are kept in the cache; without it they are drawn for the request."""
    opened = in_progress.meeting
    client.force_login(world.member.user)
    url = reverse("meetings:live", args=[opened.pk])
    kept = client.get(url)
    assert kept.status_code == 200

    private_redis.stop()
    response = client.get(url)

    assert response.status_code == 200
    assert 'id="comment-form"' in response.content.decode()


def test_a_login_succeeds_with_redis_down(private_redis, world, client):
    private_redis.stop()

    response = client.post(reverse("login"), {"username": "member", "password": "correct horse battery"})

    assert response.status_code == 302
    assert home(client).redirect_chain[-1][0] == reverse("meetings:cell", args=[world.cell.pk])


def test_the_outage_is_logged_once_and_its_end_once(private_redis, world, client, caplog, monkeypatch):
    client.force_login(world.member.user)
    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="chibo.sessions"):
        for _ in range(5):
            client.get(reverse("home"))
        private_redis.start()
        monkeypatch.setattr(sessions, "RETRY_AFTER", 0)
        sessions.breaker.retry_at = 0
        client.get(reverse("home"))
        client.get(reverse("home"))

    lines = [r.getMessage() for r in caplog.records if r.name == "chibo.sessions"]
    assert len(lines) == 2, lines
    assert "unavailable" in lines[0] and "back after" in lines[1]


def test_a_comment_posted_through_a_redis_outage_is_stored_once(private_redis, in_progress, world, client):
    opened = in_progress.meeting
    client.force_login(world.member.user)
    url = reverse("meetings:comment_post", args=[opened.pk])
    data = {"kind": "opinion", "text": "Đề nghị bổ sung báo cáo.", "client_id": str(uuid.uuid4())}

    private_redis.stop()
    first = client.post(url, data, headers=JSON)
    private_redis.start()
    again = client.post(url, data, headers=JSON)  # the phone did not get the answer and sends again

    assert (first.status_code, again.status_code) == (201, 200)
    assert Comment.objects.filter(meeting=opened, client_id=data["client_id"]).count() == 1


def test_a_logout_during_an_outage_is_not_undone_when_the_cache_returns(private_redis, world, client):
    """A network cut, not a restart: Redis keeps the session's copy while the app cannot reach it."""
    client.force_login(world.member.user)
    home(client)  # cached
    key = sessions.SessionStore.cache_key_prefix + client.session.session_key
    cache = private_redis_cache()
    assert cache.get(key) is not None

    sessions.breaker.failed(ConnectionError("cut"), None)  # the app sees the cache as unreachable
    client.post(reverse("logout"))
    sessions.breaker.retry_at = 0  # the cut heals

    other = Client()
    other.force_login(world.fellow.user)  # the next request of this process that uses the cache
    home(other)
    assert cache.get(key) is None


def private_redis_cache():
    from django.core.cache import caches

    return caches["default"]


def test_healthz_reports_redis_down(private_redis, client, db):
    healthy = client.get("/healthz")
    assert healthy.status_code == 200
    assert {"database ok", "redis ok"} <= set(healthy.content.decode().splitlines())

    private_redis.stop()
    response = client.get("/healthz")

    assert response.status_code == 503
    assert "database ok" in response.content.decode()
    assert "redis unavailable" in response.content.decode()
