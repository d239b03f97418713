"""Live updates pushed to the phones (#19): a change is rendered and published once, on a Redis of the
test's own; the stream (chibo/push.py, the ASGI app) hands it to every phone of that meeting and to no
other, refuses a forged token, and ends when Redis goes, so the phones poll, and takes them back after."""

import asyncio
import json
import re
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

import access
from chibo import push as stream
from meetings import live, push
from meetings.models import Comment
from members import security

from ..conftest import require_service
from ..redis_server import REDIS_SERVER, PrivateRedis
from .conftest import token_issued_ago, transfer_out

TEXT = "Đề nghị chi ủy phân công đảng viên kèm cặp quần chúng ưu tú."


@pytest.fixture
def pushing(tmp_path, settings):
    """Push on, on a Redis of the test's own (so no other test process hears these meetings)."""
    require_service(bool(shutil.which(REDIS_SERVER)), "redis-server")
    server = PrivateRedis(tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    settings.LIVE_PUSH = True
    push.reset()
    yield server
    push.reset()
    server.stop()


def subscribe(server, meeting):
    listener = redis.Redis.from_url(server.url).pubsub()
    listener.subscribe(push.channel(meeting.pk))
    assert listener.get_message(timeout=2)["type"] == "subscribe"
    return listener


def comment(meeting, member, client_id=None, text=TEXT):
    return live.post_comment(
        meeting=meeting,
        speaker=member,
        text=text,
        kind=Comment.Kind.OPINION,
        client_id=client_id or uuid.uuid4(),
        agenda_item=None,
        by=member.user,
    )


def published(listener) -> tuple[int, dict]:
    message = listener.get_message(timeout=2)
    assert message is not None, "nothing was published"
    sequence, _newline, payload = message["data"].partition(b"\n")
    return int(sequence), json.loads(payload)


def test_a_new_comment_is_published_once_with_its_text_and_the_counts(
    opened, world, pushing, django_capture_on_commit_callbacks
):
    listener = subscribe(pushing, opened)
    client_id = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        comment(opened, world.fellow, client_id)

    sequence, update = published(listener)
    assert sequence == 1
    assert TEXT in update["html"]
    assert world.fellow.full_name in update["html"]
    assert "1 đồng chí phát biểu" in update["html"]
    assert update["status"] == "in_progress"

    # The phone's retry (same client id) stores nothing; it publishes the comment again, since the worker
    # that stored it may have died before publishing it (the phones drop an id they already show).
    with django_capture_on_commit_callbacks(execute=True):
        comment(opened, world.fellow, client_id)
    again, update = published(listener)
    assert again == sequence + 1 and TEXT in update["html"]
    assert Comment.objects.filter(client_id=client_id).count() == 1


def test_a_comment_is_published_as_the_poll_draws_it_with_its_item(
    opened, world, pushing, django_capture_on_commit_callbacks
):
    """The comment just posted is drawn from the objects in hand: the same <li> the poll answers with, on
    the item under discussion or on the item the member chose."""
    items = list(opened.agenda_items.order_by("position"))
    live.set_current_item(meeting=opened, item=items[0])
    listener = subscribe(pushing, opened)
    posted = []
    for chosen in (None, items[-1]):
        with django_capture_on_commit_callbacks(execute=True):
            c, _created = live.post_comment(
                meeting=opened,
                speaker=world.fellow,
                text=f"Ý kiến về mục {chosen.position if chosen else 'hiện tại'}",
                kind=Comment.Kind.OPINION,
                client_id=uuid.uuid4(),
                agenda_item=chosen,
                by=world.fellow.user,
            )
        posted.append((c, published(listener)[1]["html"]))

    for c, html in posted:
        li = re.search(rf'<li [^>]*id="c-{c.pk}".*?</li>', html, re.S).group(0)
        again, _status = push.update_html(opened.pk, (c.pk,))  # read back from the database
        assert li == re.search(rf'<li [^>]*id="c-{c.pk}".*?</li>', again, re.S).group(0)
    assert items[0].title in posted[0][1] and items[-1].title in posted[1][1]


def test_a_published_comment_names_the_comment_before_it_so_a_phone_knows_it_missed_one(
    opened, world, pushing, django_capture_on_commit_callbacks
):
    """A comment stored without its publication (its worker killed after the commit, its retry in a Redis
    outage): the next comment's update names it as `prev`, so a phone that never heard it polls for it."""
    listener = subscribe(pushing, opened)
    with django_capture_on_commit_callbacks(execute=True):
        first, _created = comment(opened, world.fellow, text="Ý kiến thứ nhất")
    assert 'data-prev="0"' in published(listener)[1]["html"]  # nothing before it

    lost, _created = comment(
        opened, world.member, text="Ý kiến mà không máy nào nghe"
    )  # commit hooks never run
    with django_capture_on_commit_callbacks(execute=True):
        comment(opened, world.fellow, text="Ý kiến thứ ba")
    html = published(listener)[1]["html"]
    assert f'data-prev="{lost.pk}"' in html and "Ý kiến mà không máy nào nghe" not in html
    # An update that is not about comments names none: it does not move a phone's cursor.
    html, _status = push.update_html(opened.pk)
    assert "data-prev" not in html


def test_moving_the_current_item_and_closing_are_published_in_order(
    opened, world, pushing, django_capture_on_commit_callbacks
):
    listener = subscribe(pushing, opened)
    item = opened.agenda_items.order_by("position").last()
    with django_capture_on_commit_callbacks(execute=True):
        live.set_current_item(meeting=opened, item=item)
    first, update = published(listener)
    assert item.title in update["html"]

    with django_capture_on_commit_callbacks(execute=True):
        live.close_meeting(meeting=opened, by=world.secretary.user)
    second, update = published(listener)
    assert second == first + 1
    assert update["status"] == "closed"


def test_without_push_nothing_is_published(
    opened, world, pushing, settings, django_capture_on_commit_callbacks
):
    settings.LIVE_PUSH = False  # as `make run` has it: the phones poll
    listener = subscribe(pushing, opened)
    with django_capture_on_commit_callbacks(execute=True):
        comment(opened, world.fellow)
    assert listener.get_message(timeout=0.5) is None


def test_a_comment_is_stored_while_redis_is_down(opened, world, pushing, django_capture_on_commit_callbacks):
    pushing.stop()
    with django_capture_on_commit_callbacks(execute=True):
        stored, created = comment(opened, world.fellow)
    assert created and Comment.objects.filter(pk=stored.pk).exists()
    # The next comment, a moment later, is stored too (a refused connection costs nothing; the phones are
    # polling meanwhile)...
    with django_capture_on_commit_callbacks(execute=True):
        assert comment(opened, world.member)[1]
    # ...and once Redis is back the next one is published at once: the phones back on their streams would
    # never hear of a comment skipped then (#19, found by scripts/load.py --push).
    pushing.start()
    listener = subscribe(pushing, opened)
    with django_capture_on_commit_callbacks(execute=True):
        comment(opened, world.secretary)
    sequence, update = published(listener)
    assert sequence == 1 and TEXT in update["html"]


# --- the stream ---------------------------------------------------------------------------------------


def run(coroutine):
    """asyncio.run on a thread of its own: in a test process that has run a browser test, Playwright's sync
    API keeps an event loop marked running on the main thread, where asyncio.run refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


# The stream reads the session and the user from threads of its own: these tests commit what they write
# (transactional_db), as a live server would see it.


def session_of(user) -> str:
    """The session cookie of `user` logged in (on a phone, say)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def scope(meeting_id: int, token: str, session: str = "") -> dict:
    headers = (
        [(b"cookie", f"csrftoken=x; {settings.SESSION_COOKIE_NAME}={session}".encode())] if session else []
    )
    return {
        "type": "http",
        "method": "GET",
        "path": f"/live/stream/{meeting_id}/",
        "query_string": f"t={token}".encode(),
        "headers": headers,
    }


async def connect(meeting_id: int, token: str, session: str = ""):
    phone = ApplicationCommunicator(stream.app, scope(meeting_id, token, session))
    await phone.send_input({"type": "http.request", "body": b""})
    start = await phone.receive_output(5)
    return phone, start


async def body(phone, timeout=5) -> bytes:
    message = await phone.receive_output(timeout)
    assert message["type"] == "http.response.body"
    return message["body"]


async def hang_up(phone) -> None:
    await phone.send_input({"type": "http.disconnect"})
    await phone.wait(5)


def test_the_stream_refuses_a_forged_token_and_another_meetings(transactional_db, opened, world, pushing):
    token = access.poll_token(opened, world.member.user)
    session = session_of(world.member.user)

    async def scenario():
        statuses = []
        for meeting_id, given in (
            (opened.pk, ""),
            (opened.pk, token[:-2] + "xx"),
            (opened.pk + 1, token),  # a token is for its meeting only
        ):
            _phone, start = await connect(meeting_id, given, session)
            statuses.append(start["status"])
        return statuses

    assert run(scenario()) == [403, 403, 403]


def test_the_stream_opens_only_with_a_live_session_of_the_tokens_user(
    transactional_db, opened, world, pushing
):
    """A token is not enough: it travels in the address (server logs, a copied link). The stream opens with
    the session cookie of the user it was issued to, while a page would still accept that session."""
    token = access.poll_token(opened, world.member.user)
    own, fellows = session_of(world.member.user), session_of(world.fellow.user)
    ended = Client()
    ended.force_login(world.member.user)
    logged_out = ended.cookies[settings.SESSION_COOKIE_NAME].value
    ended.post(reverse("logout"))

    async def status(session):
        phone, start = await connect(opened.pk, token, session)
        if start["status"] == 200:
            await hang_up(phone)
        return start["status"]

    async def scenario():
        return [await status(s) for s in (own, "", fellows, logged_out, "not-a-session")]

    assert run(scenario()) == [200, 403, 403, 403, 403]


def test_an_older_token_opens_a_stream_only_while_its_user_still_sees_the_meeting(
    transactional_db, opened, world, pushing, monkeypatch
):
    """A phone left on the meeting opens its stream again with the page's token: past access.POLL_RECHECK it
    needs its user to see the meeting still. A member transferred to another cell hears no more of it."""
    monkeypatch.setattr(stream, "VERIFIED_FOR", 0.0)  # this process's word on a check, kept for minutes
    token = token_issued_ago(monkeypatch, opened, world.member.user, 6 * 60)
    session = session_of(world.member.user)

    async def status():
        phone, start = await connect(opened.pk, token, session)
        if start["status"] == 200:
            await hang_up(phone)
        return start["status"]

    before = run(status())
    transfer_out(world)

    assert (before, run(status())) == (200, 403)


def test_a_committee_session_idle_past_its_limit_opens_no_stream(
    transactional_db, opened, world, pushing, monkeypatch
):
    """A screen left open does not keep a secretary's session alive (members/middleware.py): nor does the
    stream, though it makes no request the middleware sees (once its process's word on it has lapsed)."""
    monkeypatch.setattr(stream, "VERIFIED_FOR", 0.0)
    token = access.poll_token(opened, world.secretary.user)
    client = Client()
    client.force_login(world.secretary.user)
    session = client.session
    assert session[security.COMMITTEE]

    async def status():
        phone, start = await connect(opened.pk, token, session.session_key)
        if start["status"] == 200:
            await hang_up(phone)
        return start["status"]

    fresh = run(status())
    session[security.SEEN_AT] = security.now() - settings.SESSION_IDLE_TIMEOUT - 60
    session.save()

    assert (fresh, run(status())) == (200, 403)


def test_a_session_that_cannot_be_read_sends_the_phone_to_polling(opened, world, pushing, monkeypatch):
    """The database away when a stream opens: 503, as when Redis is (live.js polls and tries again), not a
    crash of the stream's server."""

    def unreadable(session_key, user_id):
        raise OperationalError("the database is away")

    monkeypatch.setattr(security, "session_holds", unreadable)
    token = access.poll_token(opened, world.member.user)

    async def scenario():
        _phone, start = await connect(opened.pk, token, "some-session")
        return start["status"]

    assert run(scenario()) == 503


def test_phones_coming_back_together_read_their_session_once(
    transactional_db, opened, world, pushing, monkeypatch
):
    """After a Redis restart every phone opens its stream again within seconds: a session this process
    found holding a moment ago is not read again (VERIFIED_FOR), so they come back as fast as before."""
    reads = []

    async def counted(session_key, user_id, meeting_id):
        reads.append(session_key)
        return await read(session_key, user_id, meeting_id)

    read = stream._read_session
    monkeypatch.setattr(stream, "_read_session", counted)
    token, session = access.poll_token(opened, world.member.user), session_of(world.member.user)

    async def scenario():
        statuses = []
        for _again in range(3):
            phone, start = await connect(opened.pk, token, session)
            statuses.append(start["status"])
            await hang_up(phone)
        return statuses

    assert run(scenario()) == [200, 200, 200]
    assert reads == [session]


def test_a_stream_ends_by_itself_so_its_session_is_checked_again(
    transactional_db, opened, world, pushing, monkeypatch
):
    monkeypatch.setattr(stream, "LIFETIME", 1.0)
    token, session = access.poll_token(opened, world.member.user), session_of(world.member.user)

    async def scenario():
        phone, start = await connect(opened.pk, token, session)
        assert start["status"] == 200
        await body(phone)  # hello
        while True:  # heartbeats, if any, then the end, within the lifetime (0.75 to 1 s)
            message = await phone.receive_output(3)
            if not message.get("more_body", False):
                return message["body"]

    assert run(scenario()) == b""


def test_every_phone_of_the_meeting_hears_each_update_and_no_other_meetings(
    transactional_db, opened, world, pushing
):
    # Stored as it is, not through live.post_comment: this test publishes it by hand.
    stored = Comment.objects.create(
        meeting=opened, speaker=world.fellow, text=TEXT, kind=Comment.Kind.OPINION, client_id=uuid.uuid4()
    )
    update = dict(zip(("html", "status"), push.update_html(opened.pk, [stored.pk]), strict=True))
    payload = json.dumps(update, ensure_ascii=False)

    sessions = {user.pk: session_of(user) for user in (world.member.user, world.fellow.user)}

    async def scenario():
        phones = []
        for user in (world.member.user, world.fellow.user):
            phone, start = await connect(opened.pk, access.poll_token(opened, user), sessions[user.pk])
            assert start["status"] == 200
            assert (b"content-type", b"text/event-stream; charset=utf-8") in start["headers"]
            assert await body(phone) == b"retry: 3000\nevent: hello\ndata: 0\n\n"
            phones.append(phone)

        push.send(opened.pk + 1000, payload)  # another meeting's channel
        sequence = push.send(opened.pk, payload)
        frames = [await body(phone) for phone in phones]
        for phone in phones:
            await hang_up(phone)
        return sequence, frames

    sequence, frames = run(scenario())
    assert sequence == 1
    for frame in frames:
        assert frame.startswith(b"id: 1\nevent: update\ndata: ")
        assert json.loads(frame.split(b"data: ", 1)[1])["html"] == update["html"]
        assert TEXT in frame.decode()


def test_when_redis_goes_the_streams_end_and_come_back_with_it(transactional_db, opened, world, pushing):
    token, session = access.poll_token(opened, world.member.user), session_of(world.member.user)

    async def scenario():
        phone, start = await connect(opened.pk, token, session)
        assert start["status"] == 200
        await body(phone)  # hello
        pushing.stop()
        # The stream ends (the phone polls meanwhile)...
        while True:
            message = await phone.receive_output(10)
            if not message.get("more_body", False):
                break
        # ...and a new one is refused while Redis is away...
        _refused, start = await connect(opened.pk, token, session)
        down = start["status"]
        pushing.start()
        # ...and taken again once it is back (the hub reconnects by itself within seconds).
        for _attempt in range(40):
            again, start = await connect(opened.pk, token, session)
            if start["status"] == 200:
                hello = await body(again)
                await hang_up(again)
                return down, hello
            await asyncio.sleep(0.5)
        return down, None

    down, hello = run(scenario())
    assert down == 503
    assert hello is not None and hello.startswith(b"retry: 3000\nevent: hello")
