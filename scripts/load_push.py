"""`scripts/load.py --push`: the evening over the push path (issue #19), phones as asyncio tasks.

The server is gunicorn with uvicorn workers serving `chibo.asgi:application` (LIVE_PUSH on), on a Redis of
the run's own (`redis-server --save '' --appendonly no` on a free port, started and restarted by this
script) and, unless --db-ready, a PostgreSQL cluster of the run's own, so that the CPU of every backend is
counted (Django under ASGI opens a database connection per request: backends live for one request and
sampling the shared server's `pg_stat_activity` would miss most of them).

A phone (one asyncio task, raw HTTP/1.1 on asyncio streams, one connection per request) does what the
live page's script is meant to do with the stream:
- opens the live page once with its session cookie and reads data-token;
- opens GET /live/stream/<meeting>/?t=<token>; on `hello` it polls once (what was said between its page and
  its stream); `update` events (id: the meeting's sequence) are applied: the comment ids of the fragment
  (`<li id="c-<pk>">`) are recorded with the time they arrived; a missing sequence number makes it poll;
- when the stream ends, is cut or refused (503 while Redis is away), it polls at once and every
  --poll-every seconds, and tries the stream again after a backoff (1 s, 2 s, 4 s... capped at 30 s, jitter);
- posts a comment every --comment-every seconds through the outbox (client UUID; a cut or a 5xx is sent
  again with the same UUID), exactly as the polling run does.

Delivery latency: from the poster's answer to the comment's arrival on each other phone of the meeting
whose page was open by then (clamped at 0: the update is published at the commit, before the answer leaves).
A delivery missed is an answered comment that such a phone never saw by the end of the run (the phones
listen for SETTLE seconds after the last answer; no final poll hides a lost update).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import pwd
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import load
import psycopg2
from load import HOST, Answer, attribute, live_state, outbox_backoff, percentile, stat_fields, workers_of

TIMEOUT = load.TIMEOUT
STREAM_SILENCE = 45.0  # seconds without a byte (heartbeats come every 20 s) before a phone drops its stream
SAFETY_POLL = 300.0  # seconds between a streaming phone's polls (static/js/live.js SAFETY_POLL)
SETTLE = 5.0  # seconds the phones keep listening after the last comment was answered
REDIS_WINDOW = 12.0  # seconds after Redis is back in which 503s and cuts are put down to the restart
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
COMMENT_ID = re.compile(rb'id="c-(\d+)"')
PREV = re.compile(rb'data-prev="(\d+)"')


class ProtocolError(Exception):
    pass


NETWORK_ERRORS = (OSError, EOFError, TimeoutError, ProtocolError)


def failure(error: Exception) -> str:
    return "timeout" if isinstance(error, TimeoutError) else "connection"


# --- HTTP/1.1 on asyncio streams -------------------------------------------------------------------------


class Headers:
    def __init__(self, items: list[tuple[str, str]]):
        self.items = items

    def get(self, name: str, default=None):
        name = name.lower()
        return next((v for k, v in self.items if k == name), default)

    def get_all(self, name: str) -> list[str]:
        name = name.lower()
        return [v for k, v in self.items if k == name]


async def read_head(reader: asyncio.StreamReader) -> tuple[int, Headers]:
    line = await reader.readline()
    if not line:
        raise ConnectionResetError("closed before the answer")
    parts = line.split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
        raise ProtocolError(f"bad status line {line[:80]!r}")
    items = []
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionResetError("closed in the headers")
        if line in (b"\r\n", b"\n"):
            break
        name, _colon, value = line.decode("latin-1").partition(":")
        items.append((name.strip().lower(), value.strip()))
    return int(parts[1]), Headers(items)


async def read_chunk(reader: asyncio.StreamReader) -> bytes | None:
    """One chunk of a chunked body; None after the last."""
    line = await reader.readline()
    if not line:
        raise ConnectionResetError("closed in a chunked body")
    size = int(line.split(b";")[0].strip() or b"0", 16)
    if size == 0:
        await reader.readline()
        return None
    data = await reader.readexactly(size)
    await reader.readexactly(2)
    return data


async def read_body(reader: asyncio.StreamReader, headers: Headers) -> bytes:
    if "chunked" in (headers.get("transfer-encoding") or "").lower():
        parts = []
        while (chunk := await read_chunk(reader)) is not None:
            parts.append(chunk)
        return b"".join(parts)
    length = headers.get("content-length")
    if length is not None:
        return await reader.readexactly(int(length))
    return await reader.read()


class AsyncBrowser:
    """A phone's browser: cookies, one connection per request (Connection: close)."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.origin = f"http://{HOST}:{port}"
        self.cookies = cookies if cookies is not None else {}

    def _head(self, method: str, path: str, headers: dict | None, body: bytes | None) -> bytes:
        head = {"Host": f"{HOST}:{self.port}", "User-Agent": "chibo-load/1", "Connection": "close"}
        head.update(headers or {})
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            head["Content-Length"] = str(len(body))
        lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in head.items()), "", ""]
        return "\r\n".join(lines).encode("latin-1") + (body or b"")

    async def request(self, method, path, body=None, headers=None, sent=None) -> Answer:
        if isinstance(body, str):
            body = body.encode()
        start = time.perf_counter()
        writer = None
        try:
            async with asyncio.timeout(TIMEOUT):
                reader, writer = await asyncio.open_connection(HOST, self.port)
                writer.write(self._head(method, path, headers, body))
                await writer.drain()
                if sent:
                    sent(writer.get_extra_info("sockname")[1])
                status, head = await read_head(reader)
                data = await read_body(reader, head)
        finally:
            if writer is not None:
                writer.close()
        load.take_cookies(self.cookies, head.get_all("set-cookie"))
        return Answer(status, head, data, (time.perf_counter() - start) * 1000)

    async def open_stream(self, path: str):
        """(status, headers, reader, writer, ms to the head); the caller closes the writer."""
        start = time.perf_counter()
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, self.port), TIMEOUT)
        try:
            writer.write(self._head("GET", path, {"Accept": "text/event-stream"}, None))
            await writer.drain()
            status, head = await asyncio.wait_for(read_head(reader), TIMEOUT)
        except BaseException:
            writer.close()
            raise
        return status, head, reader, writer, (time.perf_counter() - start) * 1000


async def sse_events(reader: asyncio.StreamReader, headers: Headers):
    """(event, id, data) of a Server-Sent Events body; ("heartbeat", None, None) for a comment line."""
    chunked = "chunked" in (headers.get("transfer-encoding") or "").lower()
    buffer = b""
    while True:
        async with asyncio.timeout(STREAM_SILENCE):
            data = await read_chunk(reader) if chunked else await reader.read(65536)
        if not data:
            return
        buffer += data.replace(b"\r\n", b"\n")
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            event, ident, lines = "message", None, []
            for line in block.split(b"\n"):
                if line.startswith(b":"):
                    event = "heartbeat" if not lines else event
                    continue
                field, _colon, value = line.partition(b":")
                value = value[1:] if value.startswith(b" ") else value
                if field == b"event":
                    event = value.decode()
                elif field == b"id":
                    ident = value.decode()
                elif field == b"data":
                    lines.append(value)
            if event == "heartbeat" and not lines:
                yield "heartbeat", None, None
            elif lines or ident is not None:
                yield event, ident, b"\n".join(lines)


# --- A Redis and a PostgreSQL of the run's own -----------------------------------------------------------


class OwnRedis:
    """`redis-server --save '' --appendonly no` on a free port: a restart loses everything."""

    def __init__(self, directory: Path):
        self.port = load.free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.dir = directory
        self.process: subprocess.Popen | None = None
        self.pids: list[int] = []  # every incarnation, for the CPU account

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--bind", HOST, "--port", str(self.port), "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.dir), "--maxclients", "10000"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.pids.append(self.process.pid)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                import socket

                socket.create_connection((HOST, self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.02)
        raise SystemExit("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


class OwnPostgres:
    """A throw-away PostgreSQL cluster on a free port (trust, loopback only): every CPU second its processes
    use is the run's (the postmaster's own, its live children's, and its reaped children's)."""

    def __init__(self):
        if PG_BIN is None:
            raise SystemExit("--own-postgres: no /usr/lib/postgresql/*/bin")
        self.port = load.free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="chibo-load-pg-"))
        self.data = self.dir / "data"
        self.pid = 0
        self.as_postgres = []
        if os.geteuid() == 0:  # initdb refuses root
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self.as_postgres = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}"

    def start(self) -> None:
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
        subprocess.run(
            [*self.as_postgres, str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"]
            + ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            **quiet,
        )
        options = f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c max_connections=1000"
        subprocess.run(
            [*self.as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options]
            + ["-l", str(self.dir / "log"), "-w", "start"],
            **quiet,
        )
        self.pid = int((self.data / "postmaster.pid").read_text().split()[0])

    def cpu_ticks(self) -> int:
        """Everything the cluster has used so far."""
        fields = stat_fields(self.pid)
        if fields is None:
            return 0
        own = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
        return own + process_ticks(children_of(self.pid))

    def stop(self) -> None:
        subprocess.run(
            [*self.as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def children_of(parent: int) -> list[int]:
    try:
        text = Path(f"/proc/{parent}/task/{parent}/children").read_text()
        return [int(pid) for pid in text.split()]
    except OSError:
        return workers_of(parent)


def process_ticks(pids) -> int:
    """User and system ticks of these processes (gone ones count nothing)."""
    total = 0
    for pid in pids:
        fields = stat_fields(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])
    return total


# --- The phones ------------------------------------------------------------------------------------------


class Phone:
    def __init__(self, row: dict, port: int, stream_port: int):
        self.row = row
        self.browser = AsyncBrowser(port, {"sessionid": row["session"]})
        # The stream opens with the phone's session cookie, as a browser's EventSource sends it.
        self.stream_browser = (
            AsyncBrowser(stream_port, self.browser.cookies) if stream_port != port else self.browser
        )
        self.sync_browser = load.Browser(port)  # for the resend at the end: the same cookies
        self.sync_browser.cookies = self.browser.cookies
        self.state: dict = {}
        self.seen: dict[int, tuple[float, str]] = {}  # comment id → (monotonic, "page"/"stream"/"poll")
        self.duplicates = 0
        self.page_at = math.inf
        self.seq: int | None = None
        self.streaming = False
        self.polled_at = time.monotonic()
        self.gaps = 0
        self.listener: asyncio.Task | None = None
        self.on_stream: list[tuple[float, float]] = []  # (from, to) monotonic: the stream was up


class PushRun(load.Run):
    def __init__(
        self,
        args,
        port,
        members,
        password,
        database_url,
        redis: OwnRedis,
        pg: OwnPostgres | None,
        stream_port: int | None = None,
        stream_master: int | None = None,
    ):
        """With --split, Django answers on `port` (sync workers) and the stream on `stream_port` (uvicorn)."""
        super().__init__(args, port, members, password, database_url)
        self.stream_port = stream_port or port
        self.stream_master = stream_master
        self.redis, self.pg = redis, pg
        self.phones = [Phone(row, port, self.stream_port) for row in members]
        self.restart: dict = {}
        self.streams: Counter = Counter()
        self.hellos: list[float] = []  # monotonic time of every hello
        self.stopping = False
        self.last_answer = 0.0
        self.lag: list[float] = []  # the client's event-loop lag, ms
        self.series: list[tuple[float, dict]] = []  # (seconds, cumulative CPU ticks by component)
        self.streaming_series: list[tuple[float, int]] = []
        self.deliveries: dict = {}

    # --- one phone --------------------------------------------------------------------------------------

    async def phone(self, p: Phone) -> None:
        await asyncio.sleep(random.uniform(0, self.args.arrive_window))
        page = None
        while page is None and self.now() < self.args.duration:
            page = await self.open_page_async(p)
            if page is None:
                await asyncio.sleep(0.3 + random.random())
        if page is None:
            return
        p.page_at = time.monotonic()
        p.state = live_state(page)
        try:
            p.state["stream"] = attribute(page, "data-stream-url", 'id="comments"')
        except ValueError:
            p.state["stream"] = ""
        self.apply(p, page.encode(), "page", p.page_at)
        p.listener = asyncio.get_running_loop().create_task(self.listen(p))
        next_comment = self.now() + random.uniform(0, self.args.comment_every)
        n = 0
        while True:
            wait = next_comment - self.now()
            if next_comment >= self.args.duration:
                break
            await asyncio.sleep(max(0.0, wait))
            if p.streaming and time.monotonic() - p.polled_at > SAFETY_POLL:
                await self.poll_async(p)  # static/js/live.js's safety poll while the stream is up
            n += 1
            next_comment += self.args.comment_every
            await self.comment_async(p, n)

    def apply(self, p: Phone, fragment: bytes, source: str, at: float | None = None) -> bool:
        """Shows the update's comments; True when a streamed one says the phone missed a publication.
        As static/js/live.js: the poll's cursor moves with what a poll brought, and with a pushed update
        only when its `prev` (the largest id below it that it does not carry) is not beyond the cursor."""
        at = at or time.monotonic()
        newest = 0
        for match in COMMENT_ID.finditer(fragment):
            pk = int(match.group(1))
            newest = max(newest, pk)
            if pk in p.seen:
                p.duplicates += 1
            else:
                p.seen[pk] = (at, source)
        if not (newest and p.state):
            return False
        cursor = int(p.state["after"] or 0)
        if source == "stream":
            prev = PREV.search(fragment)
            if prev and int(prev.group(1)) > cursor:
                return True
        if newest > cursor:
            p.state["after"] = str(newest)
        return False

    async def open_page_async(self, p: Phone) -> str | None:
        try:
            answer = await p.browser.request("GET", f"/meetings/{p.row['meeting']}/live/")
        except NETWORK_ERRORS as error:
            self.stats.error("page", failure(error))
            return None
        return self.page_outcome(answer, p.row["username"])

    def in_restart(self, at: float | None = None) -> bool:
        at = at or time.monotonic()
        r = self.restart
        return bool(r) and r["down_monotonic"] <= at <= r.get("up_monotonic", math.inf) + REDIS_WINDOW

    def unexpected_status(self, action: str, answer: Answer) -> None:
        if answer.status == 503 and self.in_restart():
            return  # the restart's: counted in its window
        super().unexpected_status(action, answer)

    async def poll_async(self, p: Phone) -> None:
        p.polled_at = time.monotonic()
        try:
            answer = await p.browser.request(
                "GET", load.poll_path(p.state), headers={"X-Requested-With": "fetch"}
            )
        except NETWORK_ERRORS as error:
            self.stats.error("poll", failure(error))
            return
        if self.poll_outcome(answer, p.state):
            self.apply(p, answer.body, "poll")

    async def listen(self, p: Phone) -> None:
        """The stream while it lasts; polling every --poll-every s while it does not; back with a backoff."""
        failures = 0
        while not self.stopping:
            try:
                outcome = await self.stream_once(p)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a bug here, or an answer the phone cannot read: say so, go on
                self.problem(f"stream of {p.row['username']}: {error!r}")
                outcome = "unreadable"
            self.streams[outcome] += 1
            failures = 1 if outcome in ("ended", "cut") else failures + 1
            if self.stopping:
                return
            retry_at = self.now() + outbox_backoff(failures) * (1 if failures > 1 else 0.5)
            retry_at = min(retry_at, self.now() + 30)
            while not self.stopping:
                await self.poll_async(p)
                if self.now() + self.args.poll_every > retry_at:
                    await asyncio.sleep(max(0.0, retry_at - self.now()))
                    break
                await asyncio.sleep(self.args.poll_every)

    async def stream_once(self, p: Phone) -> str:
        stream_url = (
            p.state.get("stream") or f"/live/stream/{p.row['meeting']}/"
        )  # the page's data-stream-url
        path = f"{stream_url}?t={quote(p.state['token'], safe='')}"
        try:
            status, head, reader, writer, ms = await p.stream_browser.open_stream(path)
        except NETWORK_ERRORS as error:
            self.stats.error("stream", failure(error))
            return "failed"
        try:
            if status != 200:
                self.stats.error("stream", f"http {status}")
                if (
                    status != 503
                ):  # 503: the server has no Redis yet (a restart, a new worker): poll meanwhile
                    self.problem(f"stream: HTTP {status}")
                return "refused"
            self.stats.ok("stream", ms)
            p.streaming = True
            up = time.monotonic()
            async for event, ident, data in sse_events(reader, head):
                if event == "hello":
                    p.seq = int(data or 0)
                    self.hellos.append(time.monotonic())
                    await self.poll_async(p)
                elif event == "update":
                    at = time.monotonic()
                    n = int(ident)
                    payload = json.loads(data)
                    missed = self.apply(p, payload["html"].encode(), "stream", at)
                    p.state["status"] = payload.get("status") or p.state["status"]
                    try:
                        p.state["item"] = attribute(payload["html"], "data-item", 'id="live-update"')
                    except ValueError:
                        pass
                    if p.seq is not None and n > p.seq + 1:
                        p.gaps += 1
                        self.stats.note("sequence gaps (polled)")
                        p.seq = n
                        await self.poll_async(p)
                    elif missed:
                        self.stats.note("comments missed by the stream (polled)")
                        await self.poll_async(p)
                    p.seq = max(p.seq or 0, n)
            return "ended"
        except NETWORK_ERRORS:
            return "cut"
        finally:
            if p.streaming:
                p.on_stream.append((up, time.monotonic()))
            p.streaming = False
            writer.close()

    async def comment_async(self, p: Phone, n: int) -> bool:
        record = self.new_comment(p.row, p.state, n, p.sync_browser)
        while True:
            body, headers, sent = self.comment_attempt(record, p.browser.origin)
            answer, kind = None, None
            try:
                answer = await p.browser.request(
                    "POST", p.state["action"], body=body, headers=headers, sent=sent
                )
            except NETWORK_ERRORS as error:
                kind = failure(error)
            done = self.comment_outcome(record, answer, kind)
            if done:
                self.last_answer = max(self.last_answer, record["answered_at"])
            if done is not None:
                return done
            await asyncio.sleep(outbox_backoff(record["attempts"]))

    async def login_async(self, username: str) -> None:
        browser = AsyncBrowser(self.port)
        try:
            form = await browser.request("GET", "/accounts/login/")
            if not self.login_form_ok(form):
                return
            post = self.login_post(form, username, browser.origin)
            answer = await browser.request("POST", "/accounts/login/", **post)
        except NETWORK_ERRORS as error:
            self.stats.error("login", failure(error))
            return
        self.login_outcome(answer, browser.cookies)

    async def logins_async(self) -> None:
        usernames = [row["username"] for row in self.members]
        tasks = []
        for i in range(self.args.logins):
            at = i * self.args.login_window / max(1, self.args.logins)
            await asyncio.sleep(max(0.0, at - self.now()))
            if self.now() >= self.args.duration:
                break
            tasks.append(
                asyncio.get_running_loop().create_task(self.login_async(usernames[i % len(usernames)]))
            )
        await asyncio.gather(*tasks)

    async def loop_lag(self) -> None:
        while not self.stopping:
            start = time.monotonic()
            await asyncio.sleep(0.1)
            self.lag.append((time.monotonic() - start - 0.1) * 1000)

    async def evening(self) -> None:
        loop = asyncio.get_running_loop()
        lag = loop.create_task(self.loop_lag())
        talkers = [loop.create_task(self.phone(p)) for p in self.phones]
        results = await asyncio.gather(*talkers, self.logins_async(), return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                self.problem(f"a phone stopped: {result!r}")
        settle_until = max(time.monotonic(), self.last_answer) + SETTLE
        await asyncio.sleep(max(0.0, settle_until - time.monotonic()))
        self.stopping = True
        listeners = [p.listener for p in self.phones if p.listener]
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, lag, return_exceptions=True)

    # --- faults and measurements (threads beside the event loop) -----------------------------------------

    def redis_restarter(self) -> None:
        at = self.args.redis_restart_at
        if at is None or not self.sleep_until(at):
            return
        streaming = sum(p.streaming for p in self.phones)
        self.restart = {
            "at": round(self.now(), 1),
            "down_monotonic": time.monotonic(),
            "streaming_before": streaming,
        }
        self.redis.stop()
        time.sleep(self.args.redis_down)
        self.redis.start()
        self.restart["up_at"] = round(self.now(), 1)
        self.restart["up_monotonic"] = time.monotonic()

    def monitor(self, master: int) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        first: dict[tuple[str, int], int] = {}
        last: dict[tuple[str, int], int] = {}
        loads, states = [], Counter()
        conn = None
        if self.pg is None:
            conn = psycopg2.connect(self.database_url)
            conn.autocommit = True
        pg_first = self.pg.cpu_ticks() if self.pg else 0
        backends: list[int] = []
        peak_backends = 0
        n = 0
        while True:
            workers = workers_of(master)
            if self.pg is not None:
                peak_backends = max(peak_backends, len(children_of(self.pg.pid)) - 5)  # minus its helpers
            if n % 4 == 0:
                loads.append(os.getloadavg()[0])
            if conn is not None:  # the shared server: this database's backends as sampled (undercounts)
                backends = load.backends_of(conn)
            groups = [("web", [master, *workers]), ("redis", list(self.redis.pids)), ("postgres", backends)]
            if self.stream_master:  # --split: the stream's own gunicorn
                groups.append(("stream", [self.stream_master, *workers_of(self.stream_master)]))
            whole = [kind for kind, _pids in groups] if self.now() < 1.5 else ["postgres"]
            load.sample_ticks(groups, workers, first, last, states, whole)
            totals = Counter()
            for key in last:
                totals[key[0]] += last[key] - first[key]
            if self.pg is not None:
                totals["postgres"] = self.pg.cpu_ticks() - pg_first
            totals["client"] = round(sum(os.times()[:2]) * tick)
            self.series.append((self.now(), {k: v / tick for k, v in totals.items()}))
            self.streaming_series.append((self.now(), sum(p.streaming for p in self.phones)))
            if self.stopping or self.now() >= self.args.duration + 120:
                break
            n += 1
            time.sleep(0.5)
        if conn is not None:
            conn.close()
        self.machine = {
            "cores": os.cpu_count(),
            "workers_runnable_share": round(states["R"] / max(1, sum(states.values())), 2),
            "load_average_min": round(min(loads), 1),
            "load_average_max": round(max(loads), 1),
            "postgres_measured": "the run's own cluster"
            if self.pg
            else "sampled backends of the shared server",
            "postgres_peak_connections": peak_backends if self.pg else None,
        }

    def cpu_between(self, start: float, end: float) -> dict:
        """CPU seconds per component between two run times, from the monitor's samples."""

        def at(t):
            before = [s for s in self.series if s[0] <= t]
            return (before[-1] if before else self.series[0])[1]

        a, b = at(start), at(end)
        seconds = max(0.001, min(end, self.series[-1][0]) - max(start, self.series[0][0]))
        out = {
            k: round(b.get(k, 0) - a.get(k, 0), 1) for k in ("web", "stream", "postgres", "redis", "client")
        }
        server = out["web"] + out["stream"] + out["postgres"] + out["redis"]
        out.update(seconds=round(seconds, 1), server=round(server, 1), cores=round(server / seconds, 2))
        return out

    def go(self, master: int) -> None:
        self.t0 = time.monotonic()
        self.end = self.t0 + self.args.duration
        self.drain_end = self.end + 30
        threads = [
            threading.Thread(target=self.killer, args=(master,), daemon=True),
            threading.Thread(target=self.redis_restarter, daemon=True),
            threading.Thread(target=self.monitor, args=(master,), daemon=True),
        ]
        for thread in threads:
            thread.start()
        asyncio.run(self.evening())
        self.stopping = True
        for thread in threads:
            thread.join()
        self.deliveries = self.delivery_facts()
        self.timeline = self.fault_timeline()

    # --- what the phones saw ------------------------------------------------------------------------------

    def delivery_facts(self) -> dict:
        by_meeting: dict[int, list[Phone]] = {}
        for p in self.phones:
            by_meeting.setdefault(p.row["meeting"], []).append(p)
        latencies, missed, early, sources = [], [], 0, Counter()
        for c in self.comments.values():
            if not c["answer"]:
                continue
            pk, answered = c["answer"]["id"], c["answered_at"]
            for p in by_meeting[c["meeting"]]:
                if p.row["username"] == c["username"] or p.page_at > answered:
                    continue
                if pk not in p.seen:
                    # Why: was the phone on its stream when the comment was answered, and had it already
                    # shown a larger id (its polls ask only for ids above the largest it shows)?
                    streaming = any(a <= answered <= b for a, b in p.on_stream)
                    above = max(
                        (k for k, (t, _s) in p.seen.items() if t <= answered and k > pk), default=None
                    )
                    missed.append(
                        {
                            "comment": pk,
                            "phone": p.row["username"],
                            "answered_at_s": round(answered - self.t0, 1),
                            "attempts": c["attempts"],
                            "phone_streaming_then": streaming,
                            "larger_id_shown_before": above,
                        }
                    )
                    continue
                seen_at, source = p.seen[pk]
                sources[source] += 1
                if seen_at < answered:
                    early += 1
                latencies.append(max(0.0, seen_at - answered) * 1000)
        latencies.sort()
        return {
            "deliveries": len(latencies) + len(missed),
            "seen": len(latencies),
            "missed": len(missed),
            "missed_examples": missed[:10],
            "missed_with_a_larger_id_shown_before": sum(1 for m in missed if m["larger_id_shown_before"]),
            "missed_while_streaming": sum(1 for m in missed if m["phone_streaming_then"]),
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99),
            "max_ms": round(latencies[-1], 1) if latencies else None,
            "within_2s": round(sum(1 for x in latencies if x <= 2000) / len(latencies), 4)
            if latencies
            else None,
            "arrived_before_the_answer": early,
            "by": dict(sources),
            "duplicates_dropped_by_id": sum(p.duplicates for p in self.phones),
            "sequence_gaps": sum(p.gaps for p in self.phones),
        }

    def fault_timeline(self) -> list[str]:
        lines = []

        def streaming_at(t):
            before = [n for s, n in self.streaming_series if s <= t]
            return before[-1] if before else 0

        next_fault = self.restart.get("at", math.inf) if self.restart else math.inf

        def back(after: float, target: int, span: float = 15) -> str:
            """How long after `after` the phones streaming were `target` again, counted from their low."""
            window = [(s, n) for s, n in self.streaming_series if after <= s <= after + span]
            low_at = min(window, key=lambda sample: sample[1])[0] if window else after
            for s, n in self.streaming_series:
                if s > low_at and n >= target:
                    return f"{s - after:.1f} s"
            return "never"

        phones = len(self.phones)
        log = Path(self.args.var_dir) / "gunicorn.log"
        timeouts = log.read_text().count("WORKER TIMEOUT") if log.exists() else 0
        if timeouts:
            lines.append(f"gunicorn killed {timeouts} worker(s) that missed its heartbeat (WORKER TIMEOUT)")
        if self.kill:
            k = self.kill
            before = streaming_at(k["at"] - 0.1)
            span = min(10.0, next_fault - k["at"]) if next_fault > k["at"] else 10.0
            low = min((n for s, n in self.streaming_series if k["at"] <= s <= k["at"] + span), default=before)
            lines.append(
                f"{k['at']:.1f} s  SIGKILL to worker {k['pid']} (comment in flight: {k['comment_in_flight']}); "
                f"gunicorn forked {k.get('replaced_by')} {k.get('replaced_after_s')} s later; phones streaming "
                f"{before} → {low}"
                + (f", back to {before} after {back(k['at'], before, span)}" if low < before else "")
            )
            cut = self.comments.get(k["comment_in_flight"]) if k["comment_in_flight"] else None
            if cut is not None:
                answer = cut["answer"]["id"] if cut["answer"] else None
                lines.append(
                    f"        that comment: {cut['attempts']} attempt(s), answered with row {answer}"
                )
        if self.restart:
            r = self.restart
            before = r["streaming_before"]
            target = math.floor(0.99 * before)
            lines.append(f"{r['at']:.1f} s  Redis stopped ({before} of {phones} phones streaming)")
            lines.append(
                f"{r['up_at']:.1f} s  Redis started again (empty: sequence counters and cached sessions lost)"
            )
            first = min((h - self.t0 for h in self.hellos if h >= r["up_monotonic"]), default=None)
            came = "none" if first is None else f"{first - r['up_at']:.1f} s after Redis was back"
            lines.append(
                f"        first stream hello after it: {came}; "
                f"99 % of the phones streaming again {back(r['up_at'], target)} after it"
            )
        return lines


# --- Set-up, report ----------------------------------------------------------------------------------------


def report_push(args, run: PushRun, facts: dict, failures: list[str], meta: dict) -> dict:
    table = run.stats.table()
    print()
    print(
        f"Push: {args.cells} cells × {args.members} members ({len(run.phones)} phones), {args.duration:.0f} s, "
        + (
            f"Django on {args.workers} sync workers and the stream on 1 uvicorn worker (two gunicorns), "
            if args.split
            else f"{args.workers} uvicorn workers under gunicorn, "
        )
        + f"PostgreSQL {meta['postgres']} "
        f"({run.machine.get('postgres_measured')}), Redis of the run's own; a comment every "
        f"{args.comment_every:g} s per phone, phones arriving over {args.arrive_window:g} s, {args.logins} logins "
        f"in {args.login_window:g} s"
    )
    load.print_table(table)
    d = run.deliveries
    print(
        f"delivery (answer → other phones): {d['deliveries']} deliveries, p50 {d['p50_ms']} ms, "
        f"p95 {d['p95_ms']} ms, p99 {d['p99_ms']} ms, max {d['max_ms']} ms; missed {d['missed']}; "
        f"arrived by {d['by']}; {d['arrived_before_the_answer']} before the poster's answer; "
        f"{d['duplicates_dropped_by_id']} duplicates dropped by id; {d['sequence_gaps']} sequence gaps"
    )
    print(f"streams: {dict(run.streams)} (how each stream attempt ended); {dict(run.stats.notes)}")
    print(
        f"error rate, all requests: {facts['error_rate']:.3%} ({facts['errors_by_kill']} cut by the kill, "
        f"{facts['errors_by_restart']} by the Redis restart; apart from them "
        f"{facts['error_rate_apart_from_kill']:.3%})"
    )
    cpu = meta["cpu"]
    for name, window in cpu.items():
        if window:
            print(
                f"CPU, {name} ({window['seconds']} s): web {window['web']} s, "
                + (f"stream server {window['stream']} s, " if args.split else "")
                + f"PostgreSQL {window['postgres']} s, "
                f"Redis {window['redis']} s → {window['cores']} cores; the load client {window['client']} s"
            )
    lag = sorted(run.lag)
    if run.machine.get("postgres_peak_connections") is not None:
        print(
            f"PostgreSQL connections at the peak (sampled every 0.5 s): {run.machine['postgres_peak_connections']}"
        )
    print(
        f"client event loop lag p50 {percentile(lag, 50)} ms, p99 {percentile(lag, 99)} ms; load average "
        f"{run.machine.get('load_average_min')}–{run.machine.get('load_average_max')} on "
        f"{run.machine.get('cores')} cores; no Celery worker runs (the tasks enqueued are dropped at the end)"
    )
    print("fault timeline:")
    for line in run.timeline:
        print(f"  {line}")
    load.print_verdict(facts, failures)
    return {
        "mode": "push",
        "actions": table,
        "facts": facts,
        "deliveries": d,
        "streams": dict(run.streams),
        "kill": run.kill,
        "restart": {k: v for k, v in run.restart.items() if not k.endswith("monotonic")},
        "timeline": run.timeline,
        "cpu": cpu,
        "failures": failures,
        "notes": dict(run.stats.notes),
        "machine": run.machine,
        "client_loop_lag_ms": {"p50": percentile(lag, 50), "p99": percentile(lag, 99)},
        "answered": {cid: c["answer"]["id"] for cid, c in run.comments.items() if c["answer"]},
        "phones": {
            p.row["username"]: {
                "meeting": p.row["meeting"],
                "page_open": p.page_at < math.inf,
                "seen": sorted(p.seen),
            }
            for p in run.phones
        },
        **{k: v for k, v in meta.items() if k != "cpu"},
    }


# --- The cost of one delivery -------------------------------------------------------------------------------


def delivery_cost(
    run: load.Run,
    master: int,
    redis: OwnRedis,
    row: dict,
    state: dict,
    phones: int,
    updates: int,
    stream_port: int | None = None,
) -> tuple[float, int, int]:
    """N phones on one meeting's stream, M updates published on the meeting's channel as the server would
    publish them (the sequence script): CPU of the web workers and Redis divided by N × M. Returns the
    milliseconds, the updates received and the phones that were connected."""
    import redis as redis_lib

    client = redis_lib.Redis.from_url(redis.url)
    prefix = os.environ.get("LIVE_PUSH_PREFIX", "chibo:live:")
    script = client.register_script(
        "local s = redis.call('INCR', KEYS[1]) redis.call('PUBLISH', ARGV[1], s .. '\\n' .. ARGV[2]) return s"
    )
    payload = json.dumps(
        {"html": push_fragment(run, row, state), "status": "in_progress"}, ensure_ascii=False
    )

    async def go():
        got = Counter()
        hellos = [0]
        path = f"/live/stream/{row['meeting']}/?t={quote(state['token'], safe='')}"

        async def listener(i):
            browser = AsyncBrowser(stream_port or run.port, {"sessionid": row["session"]})
            for _attempt in range(20):
                try:
                    status, head, reader, writer, _ms = await browser.open_stream(path)
                except NETWORK_ERRORS:
                    await asyncio.sleep(0.5)
                    continue
                try:
                    if status != 200:
                        await asyncio.sleep(0.5)
                        continue
                    async for event, _ident, _data in sse_events(reader, head):
                        if event == "hello":
                            hellos[0] += 1
                        elif event == "update":
                            got[i] += 1
                            if got[i] >= updates:
                                return
                except NETWORK_ERRORS:
                    pass
                finally:
                    writer.close()

        tasks = [asyncio.get_running_loop().create_task(listener(i)) for i in range(phones)]
        deadline = time.monotonic() + 120
        while hellos[0] < phones and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        pids = [master, *workers_of(master)]
        tick = os.sysconf("SC_CLK_TCK")
        before = process_ticks(pids) + process_ticks(redis.pids)
        for _i in range(updates):
            script(keys=[f"{prefix}seq:{row['meeting']}"], args=[f"{prefix}{row['meeting']}", payload])
            await asyncio.sleep(0.05)
        done, pending = await asyncio.wait(tasks, timeout=60)
        after = process_ticks(pids) + process_ticks(redis.pids)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        received = sum(got.values())
        return (after - before) / tick * 1000 / max(1, received), received, hellos[0]

    ms, received, connected = asyncio.run(go())
    return round(ms, 3), received, connected


WARM_UP = 5


def open_cost(
    run: load.Run, master: int, rows: list[dict], stream_port: int | None = None
) -> tuple[float, float]:
    """CPU of the stream's server per stream opened (hello read, then hung up), each member's once: the
    first time (its session read, `members.security.session_holds`), then again at once (the process's
    verdict stands, `chibo.push.VERIFIED_FOR`). Returns the two, in milliseconds."""
    paths = []
    for row in rows:
        browser = load.Browser(run.port)
        browser.cookies["sessionid"] = row["session"]
        token = live_state(run.open_page(browser, row))["token"]
        paths.append((row, f"/live/stream/{row['meeting']}/?t={quote(token, safe='')}"))
    tick = os.sysconf("SC_CLK_TCK")

    async def open_each(paths) -> int:
        opened = 0
        for row, path in paths:
            browser = AsyncBrowser(stream_port or run.port, {"sessionid": row["session"]})
            status, head, reader, writer, _ms = await browser.open_stream(path)
            try:
                if status == 200:
                    async for event, _ident, _data in sse_events(reader, head):
                        if event == "hello":
                            opened += 1
                            break
            finally:
                writer.close()
        return opened

    # A few streams first, not counted: the server's thread that reads sessions opens its database
    # connection once, as it does once in an evening.
    warm, paths = paths[:WARM_UP], paths[WARM_UP:]
    asyncio.run(open_each(warm))
    results = []
    for _round in ("first", "again"):
        pids = [master, *workers_of(master)]
        before = process_ticks(pids)
        opened = asyncio.run(open_each(paths))
        time.sleep(0.5)  # the server's side of the last hang-up
        results.append((process_ticks(pids) - before) / tick * 1000 / max(1, opened))
        if opened < len(paths):
            run.problem(f"stream opening cost: {opened} of {len(paths)} streams opened")
    return round(results[0], 3), round(results[1], 3)


def push_fragment(run, row, state) -> str:
    """The html of the live update of the newest comment, from the poll (the same template)."""
    browser = load.Browser(run.port)
    browser.cookies["sessionid"] = row["session"]
    last = max(c["answer"]["id"] for c in run.comments.values() if c["answer"])
    path = load.poll_path({**state, "after": last - 1, "status": ""})
    return browser.request("GET", path, headers={"X-Requested-With": "fetch"}).text
