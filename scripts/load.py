#!/usr/bin/env python3
"""`make load`: a live-meeting evening under load, with a gunicorn worker killed in the middle.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chibo REDIS_URL=redis://127.0.0.1:6379/14 make load
    .venv/bin/python scripts/load.py --cells 10 --members 20 --duration 180

What it does:
1. Database: its own (default `chibo_load` on the server of DATABASE_URL), cloned from a migrated template
   (`chibo_load_template`, migrated by this script; a clone takes a second, a migrate 15 s). With
   --db-ready it uses an existing, migrated, empty database as it is (the pytest test's).
2. Data: `manage.py seed_load` makes N cells of M members with logins and sessions, each cell's meeting
   opened through the services (roll call rows and all).
3. Server: gunicorn on 127.0.0.1 (sync workers, as in the Dockerfile), settings from the environment
   (DEBUG off; plain http on loopback, so SSL redirect and secure cookies off; no static manifest, so no
   collectstatic).
4. Load, for --duration seconds: every member's phone opens the live page, then does what static/js/live.js
   does: polls the list every 3 s (the signed token of the page, after/item/status) and posts a comment every
   30 s (multipart, X-CSRFToken from the page, a client UUID; a connection error or a 5xx keeps the comment in
   the outbox and sends it again with the same UUID after the outbox's backoff (1 s, 2 s, 4 s... capped at 60 s,
   jitter), a 4xx gives up, as the browser does; after a
   sent comment it polls at once). Meanwhile --logins logins through the real form in the first --login-window
   seconds (GET the form, POST with its CSRF token and the right password; axes throttles per username+IP).
5. Fault: at --kill-at seconds one worker gets SIGKILL. The script waits for a comment POST in flight and
   kills the worker whose socket holds that request (found through /proc/net/tcp and the workers' file
   descriptors), so the fault lands on a comment; gunicorn's master forks a replacement.
6. Checks: every comment that was answered 200/201 is in the database exactly once (rows counted by
   client_id), no row is there that the phones did not send, nothing is left unsent; a sample of answered
   comments is sent again with the same client id and must be answered with the stored comment; the killed
   worker was replaced; no 4xx/5xx; error rate (connection errors from the kill) under --max-error-rate.
   Prints p50/p95/p99 per action and the error rate; exits 1 when a check fails.

`--cost N` replaces the load: N requests of each kind one after another on one worker, and the CPU time each
took (worker + PostgreSQL backend), with what the configured evening would need; a shared machine slows the
load's latencies down, much less these figures. The same run measures a bare WSGI app (scripts/bare_wsgi.py)
on a gunicorn of its own, the floor a request cannot go under.

`--push` (issue #19, scripts/load_push.py) runs the evening over the live stream instead of the 3-second poll:
gunicorn with uvicorn workers serving chibo.asgi, LIVE_PUSH on, a Redis of the run's own (restarted once at
--redis-restart-at) and a PostgreSQL cluster of the run's own (--postgres own: all its CPU is the run's); the
phones are asyncio tasks in this one process. It adds the delivery latency (a comment's answer to its
arrival on the other phones of the meeting) and the deliveries missed to the checks, and the CPU of web,
PostgreSQL and Redis for the login minute and the steady evening. `--push --cost N` adds the bare ASGI app and
the CPU of one update delivered to one connected phone (--cost-phones phones on one stream, N updates).

`--split` is --push with Django on sync workers (chibo.wsgi, persistent database connections) and only the
stream on a second gunicorn with one uvicorn worker (chibo.asgi): under uvicorn every Django request pays a
thread and a database connection of its own (docs/PERFORMANCE.md, "6 December 2026 — push").

    .venv/bin/python scripts/load.py --push --cells 100 --members 20 --duration 180 --logins 1000
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import psycopg2

# scripts/load_push.py imports this module by name: let it find this copy when the script runs as __main__.
sys.modules.setdefault("load", sys.modules[__name__])

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
ACTIONS = ["page", "poll", "comment", "login", "stream"]
TEXTS = [
    "Đề nghị bổ sung kết quả thực hiện nghị quyết tháng trước vào báo cáo.",
    "Thống nhất phương hướng nhiệm vụ tháng tới, đề nghị phân công cụ thể.",
    "Cần quan tâm công tác phát triển đảng viên và bồi dưỡng quần chúng ưu tú.",
    "Về đảng phí: đề nghị các đồng chí đóng đúng hạn.",
]
NETWORK_ERRORS = (OSError, http.client.HTTPException)
TIMEOUT = 60  # seconds a phone waits for an answer before it counts the request as failed


def failure(error: Exception) -> str:
    """ "timeout" (no answer in TIMEOUT s: the server is overloaded) or "connection" (refused, reset, cut)."""
    return "timeout" if isinstance(error, TimeoutError) else "connection"


KILL_WINDOW = 3.0  # seconds after the SIGKILL in which connection errors are put down to it
RESTART_KINDS = ("connection", "timeout", "http 503")  # what a Redis restart may cut (--push)


# --- Measurements ---------------------------------------------------------------------------------------


class Stats:
    """Every request: its time, its action, and its latency (answered) or failure kind (not answered)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.records: list[tuple[float, str, float | None, str | None]] = []
        self.notes: Counter = Counter()

    def ok(self, action: str, ms: float) -> None:
        with self.lock:
            self.records.append((time.monotonic() - ms / 1000, action, ms, None))  # when it was sent

    def error(self, action: str, kind: str) -> None:
        with self.lock:
            self.records.append((time.monotonic(), action, None, kind))

    def note(self, what: str) -> None:
        with self.lock:
            self.notes[what] += 1

    @property
    def events(self) -> list[tuple[float, str, str]]:
        """(time, action, kind) of every failed request."""
        return [(t, action, kind) for t, action, _ms, kind in self.records if kind]

    def samples(self, action: str) -> list[float]:
        with self.lock:
            return [ms for _t, a, ms, _k in self.records if a == action and ms is not None]

    def table(self, since: float = -math.inf) -> dict:
        """p50/p95/p99 of the answered requests per action, and the failed ones, from `since` (monotonic)."""
        out = {}
        for action in ACTIONS:
            rows = [r for r in self.records if r[1] == action and r[0] >= since]
            samples = sorted(ms for _t, _a, ms, _k in rows if ms is not None)
            errors = Counter(kind for _t, _a, _ms, kind in rows if kind)
            out[action] = {
                "attempts": len(rows),
                "p50": percentile(samples, 50),
                "p95": percentile(samples, 95),
                "p99": percentile(samples, 99),
                "errors": dict(errors),
                "error_rate": sum(errors.values()) / len(rows) if rows else 0.0,
            }
        return out


def percentile(ordered: list[float], p: float) -> float | None:
    """Nearest rank: the smallest sample with at least p % of the samples at or below it."""
    if not ordered:
        return None
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)], 1)


# --- A phone's browser ----------------------------------------------------------------------------------


class Answer:
    def __init__(self, status: int, headers, body: bytes, ms: float):
        self.status, self.headers, self.body, self.ms = status, headers, body, ms

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def outbox_backoff(failures: int) -> float:
    """static/js/live.js's wait before the next try: up to 1 s, 2 s, 4 s... capped at 60 s, at least half."""
    ceiling = min(60.0, 2.0 ** max(0, failures - 1))
    return random.uniform(ceiling / 2, ceiling)


def take_cookies(cookies: dict[str, str], set_cookie: list[str]) -> None:
    """Keeps what the answer's Set-Cookie headers set, forgets what they expire."""
    for cookie in set_cookie:
        name, _eq, rest = cookie.partition("=")
        value = rest.split(";", 1)[0]
        if value and "max-age=0" not in cookie.lower():
            cookies[name.strip()] = value
        else:
            cookies.pop(name.strip(), None)


class Browser:
    """Cookies and one connection per request (gunicorn's sync workers close every connection)."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"http://{HOST}:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None, sent=None) -> Answer:
        """`sent(local_port)` is called once the request is on the wire and the answer not yet read."""
        head = {"User-Agent": "chibo-load/1", **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=head)
            if sent:
                sent(conn.sock.getsockname()[1])
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        ms = (time.perf_counter() - start) * 1000
        take_cookies(self.cookies, response.headers.get_all("Set-Cookie") or [])
        return Answer(response.status, response.headers, data, ms)


def attribute(page: str, name: str, after: str = "") -> str:
    """The value of the first `name="…"` attribute after the marker `after` in the page."""
    start = page.find(after) if after else 0
    match = re.compile(rf'{re.escape(name)}="([^"]*)"').search(page, max(start, 0))
    if not match:
        raise ValueError(f"{name} not found in the page")
    return html.unescape(match.group(1))


def live_state(page: str) -> dict[str, str]:
    """What the live page's script keeps between polls and posts: where to poll, with which token, the last
    comment seen, the current item and state, and where the comment form posts."""
    form = re.search(r'<form[^>]*id="comment-form"[^>]*>', page).group(0)
    return {
        "poll": attribute(page, "data-poll-url", 'id="comments"'),
        "token": attribute(page, "data-token", 'id="comments"'),
        "after": attribute(page, "data-after", 'id="comments"'),
        "item": attribute(page, "data-item", 'id="comments"'),
        "status": attribute(page, "data-status", 'id="comments"'),
        "action": attribute(form, "action"),
        "csrf": attribute(page, "value", 'name="csrfmiddlewaretoken"'),
    }


def poll_path(state: dict) -> str:
    """The poll live.js sends: what the phone has (the newest comment, the item, the status) and its token."""
    return (
        f"{state['poll']}?t={quote(state['token'], safe='')}&after={state['after']}"
        f"&item={state['item']}&status={state['status']}"
    )


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """A body like the browser's FormData (multipart/form-data)."""
    boundary = "----chiboLoad" + secrets.token_hex(8)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n')
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


# --- The run --------------------------------------------------------------------------------------------


class Run:
    def __init__(self, args, port: int, members: list[dict], password: str, database_url: str):
        self.args, self.port, self.members, self.password = args, port, members, password
        self.database_url = database_url
        self.stats = Stats()
        self.t0 = 0.0
        self.end = 0.0
        self.drain_end = 0.0
        self.lock = threading.Lock()
        self.inflight: dict[str, int] = {}  # client_id → local port of a comment POST awaiting its answer
        self.comments: dict[str, dict] = {}  # client_id → what the phone knows about it
        self.unexpected: list[str] = []
        self.kill: dict = {}
        self.machine: dict = {}

    def now(self) -> float:
        return time.monotonic() - self.t0

    def sleep_until(self, t: float) -> bool:
        """Sleeps until t seconds after the start; False if the run ends first."""
        while True:
            left = t - self.now()
            if self.now() >= self.args.duration:
                return False
            if left <= 0:
                return True
            time.sleep(min(left, 0.5))

    def problem(self, message: str) -> None:
        with self.lock:
            if len(self.unexpected) < 50:
                self.unexpected.append(message)

    # --- a member's phone -----------------------------------------------------------------------------

    def phone(self, row: dict) -> None:
        browser = Browser(self.port)
        browser.cookies["sessionid"] = row["session"]
        if not self.sleep_until(random.uniform(0, self.args.poll_every)):
            return
        page = None
        while page is None and self.now() < self.args.duration:
            page = self.open_page(browser, row)
            if page is None:
                time.sleep(0.3)
        if page is None:
            return
        state = live_state(page)
        next_poll = self.now() + self.args.poll_every
        next_comment = self.now() + random.uniform(0, self.args.comment_every)
        n = 0
        while self.sleep_until(min(next_poll, next_comment)):
            if self.now() >= next_comment:
                n += 1
                next_comment += self.args.comment_every
                if self.comment(browser, row, state, n):
                    self.poll(browser, state)  # "chibo:sent" polls at once
                    next_poll = self.now() + self.args.poll_every
                    continue
            if self.now() >= next_poll:
                self.poll(browser, state)
                next_poll += self.args.poll_every
                if next_poll < self.now():
                    next_poll = self.now() + self.args.poll_every

    def open_page(self, browser: Browser, row: dict) -> str | None:
        try:
            answer = browser.request("GET", f"/meetings/{row['meeting']}/live/")
        except NETWORK_ERRORS as error:
            self.stats.error("page", failure(error))
            return None
        return self.page_outcome(answer, row["username"])

    def page_outcome(self, answer: Answer, username: str) -> str | None:
        """The live page's HTML when it came with the comment form."""
        if answer.status != 200 or 'id="comment-form"' not in answer.text:
            self.stats.error("page", f"http {answer.status}")
            self.unexpected_status(f"live page for {username}", answer)
            return None
        self.stats.ok("page", answer.ms)
        return answer.text

    def poll(self, browser: Browser, state: dict) -> None:
        try:
            answer = browser.request("GET", poll_path(state), headers={"X-Requested-With": "fetch"})
        except NETWORK_ERRORS as error:
            self.stats.error("poll", failure(error))
            return
        self.poll_outcome(answer, state)

    def poll_outcome(self, answer: Answer, state: dict) -> bool:
        """Counts a poll's answer and follows it (the newest comment, item and status); True if it had news."""
        renewed = answer.headers.get("X-Poll-Token")  # as live.js: the token renewed every few minutes
        if renewed:
            state["token"] = renewed
            self.stats.note("poll renewed the token (access checked again)")
        if answer.status == 204:
            self.stats.ok("poll", answer.ms)
            self.stats.note("poll 204 (nothing new)")
        elif answer.status == 200:
            self.stats.ok("poll", answer.ms)
            self.stats.note("poll 200 (new comments)")
            update = answer.text
            try:
                state["after"] = attribute(update, "data-last", 'id="live-update"') or state["after"]
                state["item"] = attribute(update, "data-item", 'id="live-update"')
                state["status"] = attribute(update, "data-status", 'id="live-update"')
            except ValueError:
                self.problem("poll answered 200 without #live-update")
            return True
        else:
            self.stats.error("poll", f"http {answer.status}")
            self.unexpected_status("poll", answer)
        return False

    def comment(self, browser: Browser, row: dict, state: dict, n: int) -> bool:
        """The outbox: sends until answered (the same client id every time) or refused with a 4xx."""
        record = self.new_comment(row, state, n, browser)
        while True:
            body, headers, sent = self.comment_attempt(record, browser.origin)
            answer, kind = None, None
            try:
                answer = browser.request("POST", state["action"], body=body, headers=headers, sent=sent)
            except NETWORK_ERRORS as error:
                kind = failure(error)
            done = self.comment_outcome(record, answer, kind)
            if done is not None:
                return done
            time.sleep(outbox_backoff(record["attempts"]))

    def new_comment(self, row: dict, state: dict, n: int, browser) -> dict:
        """A comment put in the phone's outbox, kept by its client id."""
        item = {
            "client_id": str(uuid.uuid4()),
            "text": f"{TEXTS[n % len(TEXTS)]} ({row['username']}, ý kiến {n})",
            "kind": "opinion",
            "agenda_item": state["item"],
        }
        record = {
            "meeting": row["meeting"],
            "username": row["username"],
            "attempts": 0,
            "answer": None,
            "item": item,
            "state": state,
            "browser": browser,
        }
        with self.lock:
            self.comments[item["client_id"]] = record
        return record

    def comment_attempt(self, record: dict, origin: str):
        """The next POST of a comment: its body, headers, and the callback noting it in flight."""
        record["attempts"] += 1
        item = record["item"]
        body, content_type = multipart(item)
        headers = {
            "Accept": "application/json",
            "X-CSRFToken": record["state"]["csrf"],
            "Content-Type": content_type,
            "Origin": origin,
        }

        def sent(port, client_id=item["client_id"]):
            with self.lock:
                self.inflight[client_id] = port

        return body, headers, sent

    def comment_outcome(self, record: dict, answer: Answer | None, kind: str | None) -> bool | None:
        """True when answered, False when refused or the drain is over, None to send it again."""
        with self.lock:
            self.inflight.pop(record["item"]["client_id"], None)
        if answer is not None and answer.status in (200, 201):
            self.stats.ok("comment", answer.ms)
            data = json.loads(answer.body)
            record["answer"] = {"id": data["id"], "created": data["created"], "status": answer.status}
            record["answered_at"] = time.monotonic()
            if record["attempts"] > 1:
                self.stats.note("comments sent again after a failed attempt")
            return True
        if answer is None:
            self.stats.error("comment", kind)
        else:
            self.stats.error("comment", f"http {answer.status}")
            self.unexpected_status(f"comment by {record['username']}", answer)
            if 400 <= answer.status < 500:
                record["refused"] = answer.status
                return False
        if time.monotonic() > self.drain_end:
            return False
        return None

    def unexpected_status(self, action: str, answer: Answer) -> None:
        self.problem(f"{action}: HTTP {answer.status} {answer.text[:200]}")

    # --- logins through the form ----------------------------------------------------------------------

    def login(self, username: str) -> None:
        browser = Browser(self.port)
        try:
            form = browser.request("GET", "/accounts/login/")
            if not self.login_form_ok(form):
                return
            answer = browser.request(
                "POST", "/accounts/login/", **self.login_post(form, username, browser.origin)
            )
        except NETWORK_ERRORS as error:
            self.stats.error("login", failure(error))
            return
        self.login_outcome(answer, browser.cookies)

    def login_form_ok(self, form: Answer) -> bool:
        if form.status != 200:
            self.stats.error("login", f"http {form.status}")
            self.unexpected_status("login form", form)
        return form.status == 200

    def login_post(self, form: Answer, username: str, origin: str) -> dict:
        """The form's POST as a browser sends it: the CSRF token from the form, the member's password."""
        fields = {
            "csrfmiddlewaretoken": attribute(form.text, "value", 'name="csrfmiddlewaretoken"'),
            "username": username,
            "password": self.password,
            "next": "",
        }
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin}
        return {"body": urlencode(fields), "headers": headers}

    def login_outcome(self, answer: Answer, cookies: dict) -> None:
        """Logged in: sent home with a session cookie."""
        if answer.status == 302 and answer.headers.get("Location") == "/" and "sessionid" in cookies:
            self.stats.ok("login", answer.ms)
        else:
            self.stats.error("login", f"http {answer.status}")
            self.unexpected_status(f"login to {answer.headers.get('Location')}", answer)

    def logins(self) -> None:
        threads = []
        usernames = [row["username"] for row in self.members]
        for i in range(self.args.logins):
            if not self.sleep_until(i * self.args.login_window / max(1, self.args.logins)):
                break
            thread = threading.Thread(target=self.login, args=(usernames[i % len(usernames)],), daemon=True)
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()

    # --- the fault ------------------------------------------------------------------------------------

    def killer(self, master: int) -> None:
        if not self.sleep_until(self.args.kill_at):
            return
        before = workers_of(master)
        victim, target = None, None
        give_up = time.monotonic() + min(20.0, max(1.0, self.args.duration - self.args.kill_at - 3))
        # The kill and the Redis restart are two faults, one after the other: a kill that waited into the
        # restart would retry its comment while Redis is away, a third fault the run does not claim to survive
        # (a comment stored, its publication lost with the worker, its retry's lost with Redis).
        restart = getattr(self.args, "redis_restart_at", math.inf) or math.inf
        if restart < math.inf:
            give_up = min(give_up, time.monotonic() + max(0.5, restart - self.now() - 2.0))
        while victim is None and time.monotonic() < give_up:
            with self.lock:
                flying = list(self.inflight.items())
            for client_id, port in flying:
                if time.monotonic() >= give_up:  # thousands of connections make each look slow
                    break
                # The workers stand still while we look (SIGSTOP, a few milliseconds): finding the socket
                # takes longer than a comment, and the one found holding it is killed where it stands, in the
                # middle of the request, before or after its commit (the report says what became of it).
                pid = None
                for worker in before:
                    os.kill(worker, signal.SIGSTOP)
                try:
                    pid = worker_holding(port, self.port, before)
                    if pid:
                        os.kill(pid, signal.SIGKILL)
                finally:
                    for worker in before:
                        if worker != pid:
                            os.kill(worker, signal.SIGCONT)
                if pid:
                    victim, target = pid, client_id
                    break
            else:
                time.sleep(0.002)
        at = self.now()
        if victim is None:
            victim = random.choice(before)  # no comment caught in flight: any worker
            os.kill(victim, signal.SIGKILL)
        self.kill = {
            "at": round(at, 1),
            "pid": victim,
            "comment_in_flight": target,
            "monotonic": time.monotonic(),
        }
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = workers_of(master)
            if victim not in now and len(now) >= len(before):
                self.kill["replaced_by"] = sorted(set(now) - set(before))
                self.kill["replaced_after_s"] = round(self.now() - at, 2)
                return
            time.sleep(0.05)

    # --- everything together --------------------------------------------------------------------------

    def monitor(self, master: int) -> None:
        """The CPU gunicorn, its PostgreSQL backends and this client used, and how busy the machine was.

        A worker seen runnable (state R) but given little CPU is waiting for a core: the machine is shared.
        """
        tick = os.sysconf("SC_CLK_TCK")
        first: dict[tuple[str, int], int] = {}
        last: dict[tuple[str, int], int] = {}
        loads, states = [], Counter()
        client_start = sum(os.times()[:2])
        conn = psycopg2.connect(self.database_url)
        conn.autocommit = True
        backends: list[int] = []
        n = 0
        while True:
            workers = workers_of(master)
            if n % 4 == 0:
                backends = backends_of(conn)
                loads.append(os.getloadavg()[0])
            groups = (("gunicorn", [master, *workers]), ("postgres", backends))
            whole = ("gunicorn", "postgres") if self.now() < 1.5 else ()
            sample_ticks(groups, workers, first, last, states, whole)
            if self.now() >= self.args.duration:
                break
            n += 1
            time.sleep(0.25)
        conn.close()

        def cpu(kind):
            return sum(last[key] - first[key] for key in last if key[0] == kind) / tick

        seconds = max(self.now(), 1)
        self.machine = {
            "cores": os.cpu_count(),
            "gunicorn_cpu_s": round(cpu("gunicorn"), 1),
            "postgres_cpu_s": round(cpu("postgres"), 1),
            "app_cores": round((cpu("gunicorn") + cpu("postgres")) / seconds, 2),
            "client_cpu_s": round(sum(os.times()[:2]) - client_start, 1),
            "workers_runnable_share": round(states["R"] / max(1, sum(states.values())), 2),
            "load_average_min": round(min(loads), 1),
            "load_average_max": round(max(loads), 1),
        }

    def go(self, master: int) -> None:
        self.t0 = time.monotonic()
        self.end = self.t0 + self.args.duration
        self.drain_end = self.end + 30  # an outbox item still unsent by then counts as lost
        threads = [threading.Thread(target=self.phone, args=(row,), daemon=True) for row in self.members]
        threads.append(threading.Thread(target=self.logins, daemon=True))
        threads.append(threading.Thread(target=self.killer, args=(master,), daemon=True))
        threads.append(threading.Thread(target=self.monitor, args=(master,), daemon=True))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def resend(self, limit: int) -> dict:
        """Sends answered comments again with their client id, as an outbox that lost the answer would."""
        answered = [c for c in self.comments.values() if c["answer"]]
        sample = random.sample(answered, min(limit, len(answered)))
        wrong = []
        for record in sample:
            body, content_type = multipart(record["item"])
            answer = record["browser"].request(
                "POST",
                record["state"]["action"],
                body=body,
                headers={
                    "Accept": "application/json",
                    "X-CSRFToken": record["state"]["csrf"],
                    "Content-Type": content_type,
                    "Origin": record["browser"].origin,
                },
            )
            data = json.loads(answer.body) if answer.status in (200, 201) else {}
            if (
                answer.status != 200
                or data.get("created") is not False
                or data.get("id") != record["answer"]["id"]
            ):
                wrong.append(f"{record['item']['client_id']}: HTTP {answer.status} {answer.text[:100]}")
        return {"sent_again": len(sample), "wrong": wrong}


def stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command's name; None once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def backends_of(conn) -> list[int]:
    """The PostgreSQL backends serving this database now, but the one asking."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cur.fetchall()]


def sample_ticks(groups, workers, first: dict, last: dict, states: Counter, whole) -> None:
    """One sample of each process's user+system ticks by (group, pid) into `first` and `last`, and the
    scheduler states of the workers. A process first seen now counts from its start if its group is in
    `whole`, else from nothing (it came during the run: all of it is the run's)."""
    for kind, pids in groups:
        for pid in pids:
            fields = stat_fields(pid)
            if fields is None:
                continue
            used = int(fields[11]) + int(fields[12])
            first.setdefault((kind, pid), used if kind in whole else 0)
            last[(kind, pid)] = used
            if pid in workers:
                states[fields[0]] += 1


def workers_of(master: int) -> list[int]:
    """The master's children, from /proc (gunicorn's workers)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry))
    return pids


def worker_holding(client_port: int, server_port: int, workers: list[int]) -> int | None:
    """The worker whose accepted socket is the other end of our connection from client_port."""
    inode = server_inode(client_port, server_port)
    if not inode or inode == "0":
        return None
    target = f"socket:[{inode}]"
    for pid in workers:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    return pid
        except OSError:
            continue
    return None


def server_inode(client_port: int, server_port: int) -> str | None:
    """The inode of the server's end of our connection from client_port. `ss` asks the kernel with a filter
    (sock_diag); reading /proc/net/tcp walks every socket of the machine, 4,000 in the 2,000-phone run,
    which took longer than a comment: the killer never caught one in flight."""
    if shutil.which("ss"):
        found = subprocess.run(
            ["ss", "-tnHe", "state", "established", f"( sport = :{server_port} and dport = :{client_port} )"],
            capture_output=True,
            text=True,
        ).stdout
        match = re.search(r"\bino:(\d+)", found)
        return match.group(1) if match else None
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if (
                int(local.rsplit(":", 1)[1], 16) == server_port
                and int(remote.rsplit(":", 1)[1], 16) == client_port
            ):
                inode = fields[9]
    return inode


# --- Database, data and server --------------------------------------------------------------------------


def server_url(database_url: str) -> str:
    return database_url.rsplit("/", 1)[0]


def admin_sql(database_url: str, *statements: str) -> list:
    conn = psycopg2.connect(server_url(database_url) + "/postgres")
    conn.autocommit = True
    out = []
    try:
        with conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
                out.append(cur.fetchall() if cur.description else None)
    finally:
        conn.close()
    return out


def prepare_database(args, env: dict, base: str | None = None) -> str:
    """The load database, freshly cloned from a migrated template; returns its URL."""
    base = base or server_url(os.environ["DATABASE_URL"])
    url = f"{base}/{args.db}"
    if args.db_ready:
        return url
    template = f"{args.db}_template"
    (exists,) = admin_sql(url, f"SELECT 1 FROM pg_database WHERE datname = '{template}'")
    if not exists:
        admin_sql(url, f'CREATE DATABASE "{template}"')
    step(f"migrating {template}")
    manage(["migrate", "--noinput", "-v0"], {**env, "DATABASE_URL": f"{base}/{template}"})
    admin_sql(
        url,
        f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)',
        f'CREATE DATABASE "{args.db}" TEMPLATE "{template}"',
    )
    return url


def manage(command: list[str], env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(command)} failed")
    return result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_gunicorn(
    args,
    env: dict,
    port: int,
    log: Path,
    app: str = "chibo.wsgi:application",
    workers: int | None = None,
    worker_class: str = "sync",
) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:port; worker_class "uvicorn_worker.UvicornWorker" serves an ASGI app."""
    workers = workers or args.workers
    command = [
        str(BIN / "gunicorn"),
        app,
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--backlog",
        "4096",
        "--graceful-timeout",
        "5",
        "--error-logfile",
        str(log),
        # gunicorn 27's control socket defaults to one path per user: two servers at once would share it.
        "--no-control-socket",
    ]
    if app.startswith("bare_wsgi:"):
        command += ["--pythonpath", str(ROOT / "scripts")]
    with open(log.with_suffix(".out"), "ab") as output:  # the app's own log lines
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    wait_for_server(process, port, workers, log, "/" if app.startswith("bare_wsgi:") else "/healthz")
    return process


def wait_for_server(process: subprocess.Popen, port: int, workers: int, log: Path, path: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log}")
        try:
            if Browser(port).request("GET", path).status == 200 and len(workers_of(process.pid)) >= workers:
                return
        except NETWORK_ERRORS:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn did not answer on port {port}; see {log}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def rows_by_client_id(database_url: str, meetings: list[int]) -> dict[str, list[int]]:
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT client_id::text, id FROM meetings_comment WHERE meeting_id = ANY(%s)", (meetings,)
            )
            out: dict[str, list[int]] = defaultdict(list)
            for client_id, pk in cur.fetchall():
                out[client_id].append(pk)
            return out
    finally:
        conn.close()


def server_version(database_url: str) -> str:
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW server_version")
            return cur.fetchone()[0].split()[0]
    finally:
        conn.close()


def forget_queue(redis_url: str, prefix: str) -> None:
    """The tasks the run enqueued (search index, emails, PDFs) have no worker here: drop both queues."""
    if not redis_url:
        return
    import redis

    client = redis.Redis.from_url(redis_url)
    for queue in (f"{prefix}now", f"{prefix}render"):
        client.delete(queue, f"_kombu.binding.{queue}")


def step(message: str) -> None:
    print(f"· {message}", flush=True)


# --- What each request costs the server -----------------------------------------------------------------


def cpu_ticks(pids) -> dict[int, int]:
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = int(fields[11]) + int(fields[12])
    return out


PAGE_COMMENTS = 50
PAGE_50 = f"live page ({PAGE_COMMENTS} comments)"
# static/js/live.js: a streaming phone's safety poll; chibo/push.py: the stream's heartbeat.
SAFETY_POLL_S = 300
HEARTBEAT_S = 20


def measure_cost(args, run: Run, master: int, pg=None, redis=None) -> dict:
    """CPU per request of each action, one request at a time on one worker: CPU time, not wall time, so a
    busy machine slows it down but does not change it. Worker plus PostgreSQL (the run's own cluster, all of
    it, with --postgres own; else the backends of the load database seen before and after) plus, with
    --push, the run's Redis."""
    tick = os.sysconf("SC_CLK_TCK")
    conn = psycopg2.connect(run.database_url)
    conn.autocommit = True

    def ticks() -> dict:
        out = {("web", pid): t for pid, t in cpu_ticks(workers_of(master)).items()}
        if pg is not None:
            out[("postgres", 0)] = pg.cpu_ticks()
        else:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
                out.update(
                    {("postgres", pid): t for pid, t in cpu_ticks([r[0] for r in cur.fetchall()]).items()}
                )
        if redis is not None:
            out.update({("redis", pid): t for pid, t in cpu_ticks(redis.pids).items()})
        return out

    def cost(batch, n, name=None):
        for _i in range(3):
            batch()  # warm: imports, templates, connections
        before = ticks()
        for _i in range(n):
            batch()
        after = ticks()
        used = Counter()
        for key in after:
            used[key[0]] += after[key] - before.get(key, 0)
        if name:
            parts[name] = {kind: round(t / tick * 1000 / n, 1) for kind, t in used.items()}
        return round(sum(used.values()) / tick * 1000 / n, 1)

    parts: dict[str, dict] = {}

    run.t0 = time.monotonic()
    run.drain_end = math.inf
    row = run.members[0]
    browser = Browser(run.port)
    browser.cookies["sessionid"] = row["session"]
    page = run.open_page(browser, row)
    state = live_state(page)
    n = args.cost
    anonymous = Browser(run.port)
    out = {
        "livez, no session cookie": cost(
            lambda: anonymous.request("GET", "/livez"), n, "livez, no session cookie"
        )
    }
    out["livez"] = cost(lambda: browser.request("GET", "/livez"), n, "livez")
    counter = iter(range(10**6))
    out["comment"] = cost(lambda: run.comment(browser, row, state, next(counter)), n, "comment")
    last = max(c["answer"]["id"] for c in run.comments.values() if c["answer"])

    def poll(after):
        state["after"] = str(after)
        run.poll(browser, state)

    out["poll, 1 new comment"] = cost(lambda: poll(last - 1), n, "poll, 1 new comment")
    out["poll, nothing new"] = cost(lambda: poll(last), n, "poll, nothing new")
    # The live page as the phones open it: an ordinary member's (the first member chairs the meeting and is
    # its secretary: that page, with the answer forms, is drawn anew for each request; one per meeting).
    reader = next((r for r in run.members[1:] if r["meeting"] == row["meeting"]), row)
    reader_browser = Browser(run.port)
    reader_browser.cookies["sessionid"] = reader["session"]
    page_name = f"live page ({n + 3} comments)"
    out[page_name] = cost(lambda: run.open_page(reader_browser, reader), n, page_name)
    out["live page, the chair's"] = cost(lambda: run.open_page(browser, row), n, "live page, the chair's")
    # The page: another meeting's, with 50 comments, as one of its members opens it.
    others = [r for r in run.members if r["meeting"] != row["meeting"]]
    if len(others) > 1:
        poster, other = others[0], others[1]
        poster_browser = Browser(run.port)
        poster_browser.cookies["sessionid"] = poster["session"]
        poster_state = live_state(run.open_page(poster_browser, poster))
        for i in range(PAGE_COMMENTS):
            run.comment(poster_browser, poster, poster_state, i)
        other_browser = Browser(run.port)
        other_browser.cookies["sessionid"] = other["session"]
        out[PAGE_50] = cost(lambda: run.open_page(other_browser, other), n, PAGE_50)
    out["login (form and post)"] = cost(
        lambda: run.login(row["username"]), max(5, n // 10), "login (form and post)"
    )
    conn.close()
    run.cost_parts = parts
    state["after"] = str(last)
    return out


def bare_cost(args, env: dict, var_dir: Path, worker_class: str, app: str) -> float:
    """CPU per request of the bare app (scripts/bare_wsgi.py) on a gunicorn of its own, one worker."""
    port = free_port()
    server = start_gunicorn(args, env, port, var_dir / "bare.log", app, 1, worker_class)
    try:
        tick = os.sysconf("SC_CLK_TCK")
        browser = Browser(port)
        for _i in range(20):
            browser.request("GET", "/")
        workers = workers_of(server.pid)
        before = cpu_ticks(workers)
        n = max(500, args.cost * 10)
        for _i in range(n):
            browser.request("GET", "/")
        after = cpu_ticks(workers)
        return round(sum(after[p] - before.get(p, 0) for p in after) / tick * 1000 / n, 2)
    finally:
        stop(server)


def push_evening(
    cost: dict, phones: int, members: int, comment_every: float, logins: int, login_window: float
) -> dict:
    """The cores an evening over the push path needs, from the CPU per request (ms): every phone comments
    every `comment_every` s, each comment reaches the other members of its meeting, each phone polls for
    safety and hears a heartbeat; in the first minute every phone opens its live page and `logins` members
    log in through the form."""
    comments = phones / comment_every
    delivery = cost["push: one update to one connected phone"]
    page = cost.get(PAGE_50) or next(v for k, v in cost.items() if k.startswith("live page"))
    parts = {
        "comments": comments * cost["comment"],
        "deliveries": comments * (members - 1) * delivery,
        "safety polls": phones / SAFETY_POLL_S * cost["poll, nothing new"],
        "heartbeats": phones / HEARTBEAT_S * delivery,
    }
    steady = sum(parts.values()) / 1000
    first = (phones * page + logins * cost["login (form and post)"]) / 60 / 1000
    return {
        "steady_cores": round(steady, 2),
        "first_minute_extra_cores": round(first, 2),
        "steady_parts_cores": {k: round(v / 1000, 3) for k, v in parts.items()},
    }


def print_cost(args, cost: dict) -> dict:
    """The CPU each request costs, and what the configured evening would need from the machine."""
    print()
    server = "uvicorn worker" if args.push and not args.split else "sync worker"
    what = "worker + PostgreSQL" + (" + Redis" if args.push else "")
    print(f"CPU per request (one {server}, one request at a time; {what}):")
    parts = getattr(args, "cost_parts", {})
    for name, ms in cost.items():
        split = ", ".join(f"{k} {v}" for k, v in parts.get(name, {}).items())
        print(f"  {name:<44} {ms:>8} ms" + (f"  ({split})" if split else ""))
    phones = args.cells * args.members
    comments = phones / args.comment_every
    logins = args.logins / args.login_window * cost["login (form and post)"] / 1000 if args.logins else 0.0
    if args.push:
        model = push_evening(cost, phones, args.members, args.comment_every, args.logins, args.login_window)
        print(
            f"the evening configured ({phones} phones) over the push path: {comments:.1f} comments/s, each "
            f"delivered to {args.members - 1} phones, a safety poll every {SAFETY_POLL_S} s and a heartbeat "
            f"every {HEARTBEAT_S} s per phone, need {model['steady_cores']:.2f} cores (without the polls of "
            f"the fallback); the first minute ({phones} live pages, {args.logins} logins in "
            f"{args.login_window:g} s) adds {model['first_minute_extra_cores']:.2f} cores; this machine "
            f"has {os.cpu_count()}"
        )
        return {"cpu_ms": cost, **model, "login_cores": round(logins, 2)}
    polls = phones / args.poll_every
    # Comments reach a meeting as a Poisson stream; a poll finds news if one came since the last poll.
    news = 1 - math.exp(-args.poll_every * args.members / args.comment_every)
    poll_cost = news * cost["poll, 1 new comment"] + (1 - news) * cost["poll, nothing new"]
    steady = (polls * poll_cost + comments * (cost["comment"] + cost["poll, 1 new comment"])) / 1000
    print(
        f"the evening configured ({phones} phones): {polls:.1f} polls/s ({news:.0%} with news) and "
        f"{comments:.1f} comments/s need {steady:.2f} cores; the logins add {logins:.2f} cores for "
        f"{args.login_window:g} s; this machine has {os.cpu_count()}"
    )
    return {"cpu_ms": cost, "steady_cores": round(steady, 2), "login_cores": round(logins, 2)}


# --- Checks and report ----------------------------------------------------------------------------------


def check(run: Run, stored: dict[str, list[int]], resent: dict, args) -> tuple[dict, list[str]]:
    answered = {cid: c for cid, c in run.comments.items() if c["answer"]}
    unsent = [cid for cid, c in run.comments.items() if not c["answer"]]
    missing = [cid for cid in answered if cid not in stored]
    duplicated = [cid for cid, pks in stored.items() if len(pks) > 1]
    wrong_id = [cid for cid, c in answered.items() if cid in stored and c["answer"]["id"] not in stored[cid]]
    foreign = [cid for cid in stored if cid not in run.comments]
    retried = [c for c in answered.values() if c["attempts"] > 1]
    facts = {
        "comments_answered": len(answered),
        "rows": sum(len(pks) for pks in stored.values()),
        "missing": len(missing),
        "duplicated": len(duplicated),
        "answered_with_another_id": len(wrong_id),
        "rows_not_sent_by_phones": len(foreign),
        "unsent_at_end": len(unsent),
        "unsent_but_stored": sum(1 for cid in unsent if cid in stored),
        "retried": len(retried),
        "retried_already_stored": sum(1 for c in retried if c["answer"]["created"] is False),
        "sent_again_with_same_id": resent["sent_again"],
        "sent_again_wrong": len(resent["wrong"]),
    }
    failures = []
    if missing:
        failures.append(f"{len(missing)} answered comments are not in the database, e.g. {missing[:3]}")
    if duplicated:
        failures.append(f"{len(duplicated)} client ids are stored more than once, e.g. {duplicated[:3]}")
    if wrong_id:
        failures.append(f"{len(wrong_id)} comments were answered with an id that is not theirs")
    if foreign:
        failures.append(f"{len(foreign)} rows were not sent by the phones")
    if unsent:
        failures.append(f"{len(unsent)} comments were still unsent when the run ended")
    if resent["wrong"]:
        failures.append(f"comments sent again were not answered with the stored one: {resent['wrong'][:3]}")
    if not answered:
        failures.append("no comment was answered")
    if args.kill_at < args.duration:
        if not run.kill:
            failures.append("no worker was killed")
        elif not run.kill.get("replaced_by"):
            failures.append(f"gunicorn did not replace the killed worker {run.kill['pid']}")
    if run.unexpected:
        failures.append(f"{len(run.unexpected)} unexpected answers, e.g. {run.unexpected[:3]}")
    table = run.stats.table()
    attempts = sum(row["attempts"] for row in table.values())
    killed_at = run.kill.get("monotonic", -1e9)
    # A request cut by the kill fails with a connection error in the seconds after it; those are the fault's.
    by_kill = [e for e in run.stats.events if e[2] == "connection" and 0 <= e[0] - killed_at <= KILL_WINDOW]
    # --push: a Redis restart cuts streams and refuses new ones (503) until the server hears Redis again.
    # --push: a stream refused (503) while the worker's subscription is not ready is part of the protocol
    # (the phone polls meanwhile); after the kill a new worker connects to Redis first.
    if not getattr(args, "split", False):  # --split: the kill hits a sync worker, never a stream
        by_kill += [
            e
            for e in run.stats.events
            if e[1] == "stream" and e[2] == "http 503" and 0 <= e[0] - killed_at <= args.restart_window
        ]
    restart = getattr(run, "restart", None) or {}
    by_restart = []
    if restart:
        start, end = restart["down_monotonic"], restart.get("up_monotonic", math.inf) + args.restart_window
        by_restart = [
            e for e in run.stats.events if e not in by_kill and e[2] in RESTART_KINDS and start <= e[0] <= end
        ]
    rate = len(run.stats.events) / attempts if attempts else 1.0
    other = (len(run.stats.events) - len(by_kill) - len(by_restart)) / attempts if attempts else 1.0
    if other > args.max_error_rate:
        failures.append(f"error rate apart from the faults {other:.2%} is above {args.max_error_rate:.2%}")
    facts.update(
        error_rate=rate,
        errors_by_kill=len(by_kill),
        errors_by_restart=len(by_restart),
        error_rate_apart_from_kill=other,
    )
    if getattr(args, "redis_restart_at", None) is not None and args.redis_restart_at < args.duration:
        if not restart.get("up_at"):
            failures.append("Redis was not restarted")
    deliveries = getattr(run, "deliveries", None)
    if deliveries is not None:
        if deliveries["missed"]:
            failures.append(
                f"{deliveries['missed']} deliveries missed (a comment never seen by a phone of its meeting; "
                f"{deliveries['missed_with_a_larger_id_shown_before']} of them on a phone that already showed a "
                f"larger id, {deliveries['missed_while_streaming']} on a phone that was on its stream then), "
                f"e.g. {deliveries['missed_examples'][:2]}"
            )
        if not deliveries["seen"]:
            failures.append("no comment reached another phone")
    return facts, failures


def print_table(table: dict) -> None:
    def fmt(x):
        return "-" if x is None else f"{x:.1f}"

    print(f"{'action':<8} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  errors")
    for action, row in table.items():
        if not row["attempts"] and action == "stream":
            continue
        errors = ", ".join(f"{k} {v}" for k, v in row["errors"].items()) or "0"
        print(
            f"{action:<8} {row['attempts']:>8} {fmt(row['p50']):>8} {fmt(row['p95']):>8} {fmt(row['p99']):>8}  "
            f"{errors} ({row['error_rate']:.2%})"
        )


def print_verdict(facts: dict, failures: list[str]) -> None:
    """The record's side of a run: every answered comment stored exactly once; PASS or FAIL and why."""
    print(
        "exactly once: {comments_answered} comments answered, {rows} rows; missing {missing}, duplicated "
        "{duplicated}, rows not sent {rows_not_sent_by_phones}, unsent {unsent_at_end}; {retried} sent again "
        "after a failure ({retried_already_stored} of them already stored by the first attempt); "
        "{sent_again_with_same_id} answered comments re-sent with the same client id, {sent_again_wrong} wrong".format(
            **facts
        )
    )
    print("RESULT: " + ("PASS" if not failures else "FAIL"))
    for failure in failures:
        print(f"  - {failure}")


def report(args, run: Run, facts: dict, failures: list[str], meta: dict) -> dict:
    table = run.stats.table()
    print()
    print(
        f"Load: {args.cells} cells × {args.members} members, {args.duration:.0f} s, {args.workers} sync workers, "
        f"PostgreSQL {meta['postgres']}, {'Redis' if meta['redis'] else 'no Redis'}; "
        f"poll every {args.poll_every:g} s, a comment every {args.comment_every:g} s, "
        f"{args.logins} logins in {args.login_window:g} s"
    )
    print_table(table)
    later = None
    if args.logins and args.login_window < args.duration:
        later = run.stats.table(since=run.t0 + args.login_window)
        print(f"after the logins (from {args.login_window:g} s on):")
        print_table({action: row for action, row in later.items() if row["attempts"]})
    print(
        f"error rate, all requests: {facts['error_rate']:.3%} ({facts['errors_by_kill']} cut by the kill; "
        f"apart from them {facts['error_rate_apart_from_kill']:.3%}); {dict(run.stats.notes)}"
    )
    m = run.machine
    if m:
        print(
            f"CPU during the load: gunicorn {m['gunicorn_cpu_s']} s + its PostgreSQL backends "
            f"{m['postgres_cpu_s']} s ({m['app_cores']} cores on average), this client {m['client_cpu_s']} s; "
            f"workers runnable in {m['workers_runnable_share']:.0%} of samples; load average "
            f"{m['load_average_min']}–{m['load_average_max']} on {m['cores']} cores (shared with whatever else runs)"
        )
    if run.kill:
        k = run.kill
        what = (
            f"a comment in flight ({k['comment_in_flight']})"
            if k["comment_in_flight"]
            else "no comment caught in flight"
        )
        print(
            f"worker kill at {k['at']} s: SIGKILL to pid {k['pid']} holding {what}; "
            f"replaced by {k.get('replaced_by')} after {k.get('replaced_after_s')} s"
        )
        if k["comment_in_flight"] and k["comment_in_flight"] in run.comments:
            c = run.comments[k["comment_in_flight"]]
            print(f"  that comment: {c['attempts']} attempts, final answer {c['answer']}")
    print_verdict(facts, failures)
    return {
        "actions": table,
        "actions_after_logins": later,
        "facts": facts,
        "kill": run.kill,
        "failures": failures,
        "notes": dict(run.stats.notes),
        "machine": run.machine,
        "answered": {cid: c["answer"]["id"] for cid, c in run.comments.items() if c["answer"]},
        **meta,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=10)
    parser.add_argument("--members", type=int, default=20, help="per cell")
    parser.add_argument("--duration", type=float, default=180, help="seconds of load")
    parser.add_argument("--poll-every", type=float, default=3)
    parser.add_argument("--comment-every", type=float, default=30)
    parser.add_argument("--logins", type=int, default=100)
    parser.add_argument(
        "--login-window", type=float, default=60, help="the logins are spread over these seconds"
    )
    parser.add_argument("--kill-at", type=float, default=None, help="seconds (default: a third of the run)")
    parser.add_argument("--workers", type=int, default=None, help="default 3 sync workers, 2 with --push")
    parser.add_argument("--resend", type=int, default=50, help="answered comments sent again at the end")
    parser.add_argument("--max-error-rate", type=float, default=None, help="default 1 %%, 0.1 %% with --push")
    parser.add_argument("--db", default="chibo_load", help="database name on the server of DATABASE_URL")
    parser.add_argument("--db-ready", action="store_true", help="--db exists, is migrated and empty: use it")
    parser.add_argument("--var-dir", default=str(ROOT / "var" / "load"))
    parser.add_argument("--json", help="write the report here as JSON")
    parser.add_argument(
        "--cost",
        type=int,
        default=0,
        metavar="N",
        help="instead of the load: the CPU per request of each action, N requests each on one worker",
    )
    push = parser.add_argument_group("push path (#19): uvicorn workers, a Redis of the run's own, SSE")
    push.add_argument("--push", action="store_true", help="phones follow the meeting on the live stream")
    push.add_argument(
        "--split",
        action="store_true",
        help="--push with Django on sync workers (chibo.wsgi, --workers) and only the stream on a second "
        "gunicorn with one uvicorn worker (chibo.asgi)",
    )
    push.add_argument(
        "--redis-restart-at", type=float, default=None, help="seconds (default: 60 %% of the run; --push)"
    )
    push.add_argument("--redis-down", type=float, default=2.0, help="seconds the run's Redis stays stopped")
    push.add_argument(
        "--restart-window",
        type=float,
        default=12.0,
        help="seconds after Redis is back in which cuts and 503s are put down to the restart",
    )
    push.add_argument(
        "--arrive-window", type=float, default=None, help="phones open the live page over these seconds"
    )
    push.add_argument("--cost-phones", type=int, default=200, help="--cost --push: phones on one stream")
    parser.add_argument(
        "--postgres",
        choices=["own", "shared"],
        default=None,
        help="own: a PostgreSQL cluster of the run's own, so that all its CPU is counted (default with --push "
        "unless --db-ready); shared: the server of DATABASE_URL",
    )
    args = parser.parse_args(argv)
    args.push = args.push or args.split
    if args.kill_at is None:
        args.kill_at = args.duration / 3
    if args.workers is None:
        args.workers = 2 if args.push and not args.split else 3
    if args.max_error_rate is None:
        args.max_error_rate = 0.001 if args.push else 0.01
    if args.redis_restart_at is None:
        args.redis_restart_at = args.duration * 0.6 if args.push else math.inf
    if args.arrive_window is None:
        args.arrive_window = min(30.0, args.duration / 4) if args.push else args.poll_every
    if args.postgres is None:
        args.postgres = "own" if args.push and not args.db_ready else "shared"
    if args.postgres == "own" and args.db_ready:
        raise SystemExit("--postgres own makes its own database: not with --db-ready")
    if args.cost:
        args.workers = 1
    if args.postgres == "shared" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit(
            "DATABASE_URL must point to PostgreSQL (the load test runs in a database of its own there)"
        )
    if not re.fullmatch(r"[a-z0-9_]+", args.db):
        raise SystemExit("--db: lower-case letters, digits and _ only")

    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    password = "tai-" + secrets.token_urlsafe(12)
    queue = f"chibo-load-{args.db}-"  # a prefix: the run's tasks go to <prefix>now and <prefix>render
    env = {
        **os.environ,
        "ENV_FILE": os.devnull,
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_MANIFEST": "false",
        "VAR_DIR": str(var_dir),
        "CELERY_QUEUE_PREFIX": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
    }
    pg = redis = None
    try:
        if args.push:
            import load_push

            redis = load_push.OwnRedis(var_dir)
            redis.start()
            # The stream needs Redis; sessions' cache and Celery's broker are on it too, as in production.
            # Django under ASGI runs each request in a thread of its own, so a persistent connection would
            # be one per request anyway: CONN_MAX_AGE=0 closes it at the request's end.
            env.update(REDIS_URL=redis.url, LIVE_PUSH="true")
            if not args.split:
                env["CONN_MAX_AGE"] = "0"
        if args.postgres == "own":
            import load_push

            step("starting a PostgreSQL cluster of the run's own")
            pg = load_push.OwnPostgres()
            pg.start()
        return _main(args, env, var_dir, password, queue, pg, redis)
    finally:
        if redis is not None:
            redis.stop()
        if pg is not None:
            pg.stop()


def _main(args, env, var_dir, password, queue, pg, redis) -> int:
    started = time.monotonic()
    url = prepare_database(args, env, pg.url if pg else None)
    env["DATABASE_URL"] = url
    step(f"database {urlsplit(url).path[1:]} ready; seeding {args.cells} cells × {args.members} members")
    seed = var_dir / f"{args.db}-members.json"
    seeding = time.monotonic()
    manage(
        [
            "seed_load",
            f"--cells={args.cells}",
            f"--members={args.members}",
            f"--password={password}",
            f"--out={seed}",
        ],
        env,
    )
    seed_s = round(time.monotonic() - seeding, 1)
    members = json.loads(seed.read_text())["members"]
    meetings = sorted({row["meeting"] for row in members})
    port = free_port()
    log = var_dir / "gunicorn.log"
    log.unlink(missing_ok=True)
    uvicorn = "uvicorn_worker.UvicornWorker"
    kind = uvicorn if args.push and not args.split else "sync"
    app = "chibo.asgi:application" if args.push and not args.split else "chibo.wsgi:application"
    step(
        f"seeded in {seed_s} s; starting gunicorn on {HOST}:{port} ({args.workers} {kind} workers, log {log})"
    )
    server = start_gunicorn(args, env, port, log, app, args.workers, kind)
    stream_server = stream_port = None
    if args.split:  # the stream on a gunicorn of its own: one uvicorn worker holds every phone's stream
        stream_port = free_port()
        step(f"starting the stream's gunicorn on {HOST}:{stream_port} (1 uvicorn worker)")
        stream_server = start_gunicorn(
            args, env, stream_port, var_dir / "stream.log", "chibo.asgi:application", 1, uvicorn
        )
    try:
        if args.push:
            import load_push

            stream_pid = stream_server.pid if stream_server else None
            run = load_push.PushRun(args, port, members, password, url, redis, pg, stream_port, stream_pid)
        else:
            run = Run(args, port, members, password, url)
        if args.cost:
            return _cost(args, env, var_dir, run, queue, pg, redis, server, stream_server, stream_port)
        return _evening(args, env, run, queue, url, meetings, server, started, seed_s)
    finally:
        stop(server)
        if stream_server is not None:
            stop(stream_server)


def _cost(args, env, var_dir, run, queue, pg, redis, server, stream_server, stream_port) -> int:
    """CPU per request of each kind, one at a time, against the bare apps measured in the same run."""
    uvicorn = "uvicorn_worker.UvicornWorker"
    try:
        step(f"{args.cost} requests of each kind, one at a time")
        cost = {
            "bare WSGI app (gunicorn sync worker)": bare_cost(
                args, env, var_dir, "sync", "bare_wsgi:application"
            )
        }
        if args.push:
            cost["bare ASGI app (gunicorn uvicorn worker)"] = bare_cost(
                args, env, var_dir, uvicorn, "bare_wsgi:asgi"
            )
        cost.update(measure_cost(args, run, server.pid, pg, redis))
        if args.push:
            import load_push

            row = run.members[0]
            browser = Browser(run.port)
            browser.cookies["sessionid"] = row["session"]
            state = live_state(run.open_page(browser, row))
            step(f"{args.cost_phones} phones on one meeting's stream, {args.cost} updates published")
            for name, ms in cost.items():
                print(f"  {name:<44} {ms:>8} ms", flush=True)
            ms, received, connected = load_push.delivery_cost(
                run,
                (stream_server or server).pid,
                redis,
                row,
                state,
                args.cost_phones,
                args.cost,
                stream_port or run.port,
            )
            cost["push: one update to one connected phone"] = ms
            first, again = load_push.open_cost(
                run, (stream_server or server).pid, run.members, stream_port or run.port
            )
            cost["push: a stream opened (its session read)"] = first
            cost["push: a stream opened again within 5 min"] = again
            if received < args.cost_phones * args.cost:
                run.problem(
                    f"delivery cost: {received} of {args.cost_phones * args.cost} updates arrived "
                    f"({connected} phones connected)"
                )
        args.cost_parts = getattr(run, "cost_parts", {})
        cost = print_cost(args, cost)
        cost["parts_ms"] = args.cost_parts
    finally:
        stop(server)
        forget_queue(env.get("REDIS_URL", ""), queue)
    if args.json:
        Path(args.json).write_text(json.dumps(cost, indent=2, ensure_ascii=False))
    if run.unexpected:
        print("unexpected:", run.unexpected[:5])
    return 1 if run.unexpected or run.stats.events else 0


def _evening(args, env, run, queue, url, meetings, server, started, seed_s) -> int:
    """The evening itself: phones, logins and faults for the run's duration, then the record checked."""
    try:
        step(f"load for {args.duration:.0f} s (set-up took {time.monotonic() - started:.0f} s)")
        run.go(server.pid)
        step("sending answered comments again with their client ids")
        resent = run.resend(args.resend)
    finally:
        stop(server)
        forget_queue(env.get("REDIS_URL", ""), queue)
    stored = rows_by_client_id(url, meetings)
    facts, failures = check(run, stored, resent, args)
    meta = {
        "postgres": server_version(url),
        "redis": bool(env.get("REDIS_URL")),
        "args": {k: (None if v == math.inf else v) for k, v in vars(args).items()},
        "seed_s": seed_s,
    }
    if args.push:
        import load_push

        login_end = min(max(args.login_window if args.logins else 0, args.arrive_window), args.duration)
        meta["cpu"] = {
            "login minute (phones arriving, logins)": run.cpu_between(0, login_end) if login_end else None,
            "steady evening": run.cpu_between(login_end, args.duration),
            "whole run": run.cpu_between(0, args.duration),
        }
        result = load_push.report_push(args, run, facts, failures, meta)
    else:
        result = report(args, run, facts, failures, meta)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
