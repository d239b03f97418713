"""The live stream: Server-Sent Events to the phones of an open meeting, served by the ASGI server.

    GET /live/stream/<meeting id>/?t=<the live page's signed token>

One Redis subscription per server process (a pattern on every meeting's channel, `meetings/push.py`)
feeds every phone connected to that process: a comment reaches Redis once, each process once, and each
phone as bytes already framed. The token, signed for one user and one meeting by a page that user was
allowed to see (`access.read_poll_token`), names the meeting, as it does for the poll; the stream opens
only with the session cookie of that user's session, one a page would still accept (logged in, not idle
past a committee account's limit: `members.security.session_holds`, read in a thread when the stream
opens, and believed for VERIFIED_FOR by the process). A token older than `access.POLL_RECHECK` also needs
its user to see the meeting still, as its page would (a member moved to another cell). A stream ends by itself after LIFETIME and the phone
opens it again, so it does not outlive its session by more than LIFETIME + VERIFIED_FOR; a phone whose
session ended goes to the login page at its next poll.

What a phone receives:
- `hello` with the meeting's current sequence number, at once: the phone polls once, which covers what
  was said between its page and its stream;
- `update` events, `id:` the sequence number, `data:` {"html", "status"}: the phone applies the fragment, or
  polls when a number is missing;
- a comment line every HEARTBEAT seconds, which keeps proxies from cutting a quiet stream.
When Redis goes away, every stream ends and new ones are refused (503) until it is back: the phones poll
meanwhile and come back to the stream by themselves (static/js/live.js).
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import threading
import weakref
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import redis.asyncio as aioredis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connections
from django.http.cookie import parse_cookie
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

import access
from meetings import push
from members import security

log = logging.getLogger(__name__)

HEARTBEAT = 20.0  # seconds
QUEUE = 64  # updates waiting for one slow phone before its stream is ended (it polls, then reconnects)
RECONNECT = (0.5, 10.0)  # Redis reconnection backoff: first wait, cap
LIFETIME = 15 * 60.0  # seconds a stream lasts at most before the phone opens it again (3/4 to all of it)
_PATH = re.compile(r"^/live/stream/(\d+)/$")


class Listener:
    """One phone's stream: the frames not yet written, and a wake-up."""

    __slots__ = ("frames", "wake", "ended")

    def __init__(self):
        self.frames: list[bytes] = []
        self.wake = asyncio.Event()
        self.ended = False

    def put(self, frame: bytes) -> bool:
        if len(self.frames) >= QUEUE:  # the phone is too far behind: end its stream, it polls instead
            self.end()
            return False
        self.frames.append(frame)
        self.wake.set()
        return True

    def end(self) -> None:
        self.ended = True
        self.frames.clear()
        self.wake.set()


class Hub:
    """The process's one subscription and the phones listening, by meeting."""

    def __init__(self, url: str):
        self.url = url
        self.listeners: dict[int, set[Listener]] = defaultdict(set)
        self.ready = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.client = None

    def start(self) -> None:
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.run())

    async def run(self) -> None:
        wait = RECONNECT[0]
        while True:
            # No retries inside the client: this loop reconnects, and a stream must end at once when Redis
            # goes (its phones poll meanwhile) rather than after the client's own attempts.
            client = aioredis.Redis.from_url(
                self.url, socket_connect_timeout=2, health_check_interval=15, retry=Retry(NoBackoff(), 0)
            )
            try:
                pubsub = client.pubsub()
                await pubsub.psubscribe(push.pattern())
                self.client = client
                self.ready.set()
                wait = RECONNECT[0]
                async for message in pubsub.listen():
                    if message["type"] == "pmessage":
                        self.dispatch(message["channel"], message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as error:  # redis.ConnectionError, OSError, TimeoutError...
                log.warning("live stream: Redis lost (%s); phones poll until it is back", error)
            finally:
                self.ready.clear()
                self.client = None
                self.end_all()
                await client.aclose()
            await asyncio.sleep(wait)
            wait = min(RECONNECT[1], wait * 2)

    def dispatch(self, channel: bytes, data: bytes) -> None:
        meeting_id = int(channel.rsplit(b":", 1)[1])
        listeners = self.listeners.get(meeting_id)
        if not listeners:
            return
        sequence, _newline, payload = data.partition(b"\n")
        frame = b"id: " + sequence + b"\nevent: update\ndata: " + payload + b"\n\n"
        for listener in list(listeners):
            if not listener.put(frame):
                self.leave(meeting_id, listener)

    def end_all(self) -> None:
        for listeners in self.listeners.values():
            for listener in listeners:
                listener.end()
        self.listeners.clear()

    def join(self, meeting_id: int) -> Listener:
        listener = Listener()
        self.listeners[meeting_id].add(listener)
        return listener

    def leave(self, meeting_id: int, listener: Listener) -> None:
        listeners = self.listeners.get(meeting_id)
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                del self.listeners[meeting_id]

    async def sequence(self, meeting_id: int) -> int | None:
        """The meeting's last sequence number; None when Redis is not answering (the stream is refused)."""
        try:
            value = await self.client.get(push.sequence_key(meeting_id)) if self.client else None
        except (RedisError, OSError):
            return None
        return int(value or 0)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The hub of the running event loop (one per server process; tests run several loops)."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = Hub(settings.REDIS_URL)
    current = _hubs[loop]
    current.start()
    return current


async def _refuse(send, status: int, text: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")],
        }
    )
    await send({"type": "http.response.body", "body": text.encode()})


async def app(scope, receive, send) -> None:
    """The ASGI application of the stream's path."""
    match = _PATH.match(scope["path"])
    if match is None or scope["method"] != "GET":
        return await _refuse(send, 404, "Not found")
    meeting_id = int(match.group(1))
    token = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("t", [""])[0]
    try:
        read = access.read_poll_token(token)
    except PermissionDenied:
        return await _refuse(send, 403, "Forbidden")
    if read.meeting_id != meeting_id:
        return await _refuse(send, 403, "Forbidden")
    if not push.enabled():
        return await _refuse(send, 404, "Not found")
    current = hub()
    try:
        await asyncio.wait_for(current.ready.wait(), timeout=2)
    except TimeoutError:
        return await _refuse(send, 503, "Live stream unavailable")
    # Last, as it is the one check that reads (the session, the user): a phone refused while Redis is away
    # costs nothing. Logged out, idle, expired: 403 (its poll gets 401 and the page goes to the login). A
    # token older than access.POLL_RECHECK: the user must still see the meeting, as for its page.
    try:
        holds = await _session_holds(
            _cookie(scope, settings.SESSION_COOKIE_NAME), read.user_id, meeting_id if read.stale else None
        )
    except Exception:  # the database away: the phone polls meanwhile, as when Redis is
        log.exception("live stream: the session could not be read")
        return await _refuse(send, 503, "Live stream unavailable")
    if not holds:
        return await _refuse(send, 403, "Forbidden")
    listener = current.join(meeting_id)  # before the number is read: no update falls between the two
    try:
        sequence = await current.sequence(meeting_id)
        if sequence is None:
            return await _refuse(send, 503, "Live stream unavailable")
        await _stream(sequence, listener, receive, send)
    finally:
        current.leave(meeting_id, listener)


def _cookie(scope, name: str) -> str:
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            found = parse_cookie(value.decode("latin-1")).get(name)
            if found:
                return found
    return ""


# Reads the session store and the user (cache, then the database) in threads of their own, so the loop
# that feeds every open stream never waits for them. Plain executor threads, not asgiref's sync_to_async:
# that runs each call in a copy of the caller's context, where Django's cache handler (context-local) makes
# a new Redis client, and a new connection, for every stream opened.
READERS = 4
_readers = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="stream-session")


def close_readers() -> None:
    """Closes the database connections the reading threads keep (one each), for a test process about to
    drop its database: one task per thread, each waiting for the others so that none takes two."""
    barrier = threading.Barrier(READERS)

    def close() -> None:
        connections.close_all()
        barrier.wait(timeout=10)

    for done in [_readers.submit(close) for _thread in range(READERS)]:
        done.result()


def _session_holds_now(session_key: str, user_id: int, meeting_id: int | None) -> bool:
    close_old_connections()  # as a request would: a connection the database dropped is opened again
    try:
        if not security.session_holds(session_key, user_id):
            return False
        if meeting_id is None:
            return True
        user = get_user_model()._default_manager.filter(pk=user_id).first()
        return user is not None and access.still_sees_meeting(user, meeting_id)
    finally:
        close_old_connections()


async def _read_session(session_key: str, user_id: int, meeting_id: int | None) -> bool:
    return await asyncio.get_running_loop().run_in_executor(
        _readers, _session_holds_now, session_key, user_id, meeting_id
    )


# A session found holding is believed for this long by this process: when Redis comes back every phone
# opens its stream again within seconds, and 2,000 reads of sessions the restart took out of the cache
# would keep them polling twice as long. A stream ends after LIFETIME, longer than this: it is read again.
VERIFIED_FOR = 5 * 60.0
# A check with a stale token (`meeting_id`: the user must still see that meeting) is believed for that
# meeting only.
_verified: dict[tuple[str, int, int | None], float] = {}


async def _session_holds(session_key: str, user_id: int, meeting_id: int | None = None) -> bool:
    now = asyncio.get_running_loop().time()
    key = (session_key, user_id, meeting_id)
    if _verified.get(key, 0.0) > now:
        return True
    if not await _read_session(session_key, user_id, meeting_id):
        return False
    if len(_verified) > 20_000:  # the phones of many evenings: forget the lapsed
        for key in [k for k, until in _verified.items() if until <= now]:
            del _verified[key]
    _verified[key] = now + VERIFIED_FOR
    return True


async def _stream(sequence, listener, receive, send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream; charset=utf-8"),
                (b"cache-control", b"no-store"),
                (b"x-accel-buffering", b"no"),  # a proxy in front must not hold the events back
            ],
        }
    )
    await send(
        {
            "type": "http.response.body",
            "body": b"retry: 3000\nevent: hello\ndata: %d\n\n" % sequence,
            "more_body": True,
        }
    )
    disconnected = asyncio.ensure_future(_disconnect(receive))
    loop = asyncio.get_running_loop()
    # The stream ends by itself after a while (the phone opens it again in 3 s, and polls once): the session
    # is checked again then, so a stream outlives its session by LIFETIME at most. Drawn per stream, so the
    # phones that came in the same minute do not all come back in the same second.
    ends_at = loop.time() + LIFETIME * random.uniform(0.75, 1.0)
    try:
        while loop.time() < ends_at:
            if not listener.frames and not listener.ended:
                listener.wake.clear()
                woken = asyncio.ensure_future(listener.wake.wait())
                done, _pending = await asyncio.wait(
                    {woken, disconnected},
                    timeout=min(HEARTBEAT, max(0.0, ends_at - loop.time())),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if disconnected in done:
                    woken.cancel()
                    return
                if woken not in done:
                    woken.cancel()
                    if loop.time() < ends_at:
                        await send({"type": "http.response.body", "body": b": \n\n", "more_body": True})
                    continue
            if listener.ended:
                break
            body = b"".join(listener.frames)
            listener.frames.clear()
            await send({"type": "http.response.body", "body": body, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        disconnected.cancel()


async def _disconnect(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
