"""Two web nodes, one PostgreSQL and one Redis (#22): nothing depends on which node answers.

Two gunicorn instances on two ports (as docker compose runs two web replicas behind its proxy), each with
one uvicorn worker serving Django and the live stream, and a real Celery worker: a session made on one node
works on the other, a comment posted on one reaches a phone following the other, and a PDF rendered by the
worker is downloaded through either (and refused on either to a member of another cell)."""

import http.client
import os
import shutil
import subprocess
import time
import uuid
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import override_settings

from documents.models import GeneratedPdf
from scripts import load

from ..conftest import require_service
from ..redis_server import REDIS_SERVER, PrivateRedis
from ..worker import new_prefix, queues, worker_command, worker_database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PASSWORD = "Hai-nut-may-chu-2026"
COMMENT = "Ý kiến gửi qua máy chủ thứ nhất, nghe trên máy chủ thứ hai."
WAIT_SECONDS = 90


@pytest.fixture
def nodes(on_postgres, tmp_path, world):
    """(port A, port B), and the worker, on a Redis of the test's own and the test's database."""
    require_service(on_postgres, "PostgreSQL")
    require_service(bool(shutil.which(REDIS_SERVER)), "redis-server")
    redis_server = PrivateRedis(tmp_path)
    redis_server.start()
    env = {
        **os.environ,
        "ENV_FILE": "/dev/null",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": redis_server.url,
        "LIVE_PUSH": "true",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "two-nodes-test-secret",
        "DEBUG": "false",
        "ALLOWED_HOSTS": load.HOST,
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_MANIFEST": "false",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_QUEUE_PREFIX": new_prefix(),  # the nodes send to its queues, the worker reads both
    }
    processes = []
    try:
        ports = []
        for name in ("a", "b"):
            port = load.free_port()
            processes.append(
                load.start_gunicorn(
                    None,
                    env,
                    port,
                    tmp_path / f"node-{name}.log",
                    app="chibo.asgi:application",
                    workers=1,
                    worker_class="uvicorn_worker.UvicornWorker",
                )
            )
            ports.append(port)
        worker_log = (tmp_path / "worker.log").open("w")
        processes.append(
            subprocess.Popen(
                worker_command(queues(env["CELERY_QUEUE_PREFIX"])),
                cwd=settings.BASE_DIR,
                env=env,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
        )
        yield ports
    finally:
        for process in processes:
            load.stop(process)
        redis_server.stop()


def signed_in(port: int, user) -> load.Browser:
    """Through the login form of the node on `port`, as a member does."""
    browser = load.Browser(port)
    form = browser.request("GET", "/accounts/login/")
    fields = {
        "csrfmiddlewaretoken": load.attribute(form.text, "value", 'name="csrfmiddlewaretoken"'),
        "username": user.username,
        "password": PASSWORD,
        "next": "",
    }
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": browser.origin}
    answer = browser.request("POST", "/accounts/login/", body=urlencode(fields), headers=headers)
    assert answer.status == 302 and "sessionid" in browser.cookies, answer.status
    return browser


def on(port: int, browser: load.Browser) -> load.Browser:
    """The same cookies, sent to the other node."""
    other = load.Browser(port)
    other.cookies = dict(browser.cookies)
    return other


def stream_events(port: int, path: str, cookies: dict):
    """The live stream's (event, data) pairs, read as they come."""
    conn = http.client.HTTPConnection(load.HOST, port, timeout=WAIT_SECONDS)
    conn.request("GET", path, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    response = conn.getresponse()
    assert response.status == 200, response.status
    event, data = "message", []
    try:
        while True:
            line = response.readline().decode().rstrip("\r\n")
            if line.startswith("event:"):
                event = line.partition(":")[2].strip()
            elif line.startswith("data:"):
                data.append(line.partition(":")[2].strip())
            elif not line and data:
                yield event, "\n".join(data)
                event, data = "message", []
    finally:
        conn.close()


def test_two_web_nodes_share_sessions_the_live_stream_and_rendered_files(nodes, opened, world):
    node_a, node_b = nodes
    with override_settings(PASSWORD_HASHERS=["core.hashers.Argon2idPasswordHasher"]):  # the nodes' hasher
        for member in (world.member, world.secretary, world.outsider):
            member.user.set_password(PASSWORD)
            member.user.save()

    # A session made on one node works on the other.
    member_a = signed_in(node_a, world.member.user)
    member_b = on(node_b, member_a)
    mine = member_b.request("GET", "/me/")
    assert mine.status == 200 and world.member.full_name in mine.text

    # A phone following node B's stream hears a comment posted through node A.
    page = member_b.request("GET", f"/meetings/{opened.pk}/live/")
    assert page.status == 200
    stream = load.attribute(page.text, "data-stream-url", 'id="comments"')
    token = load.attribute(page.text, "data-token", 'id="comments"')
    events = stream_events(node_b, f"{stream}?t={token}", member_b.cookies)
    assert next(events)[0] == "hello"

    chair_a = signed_in(node_a, world.secretary.user)
    state = load.live_state(chair_a.request("GET", f"/meetings/{opened.pk}/live/").text)
    body, content_type = load.multipart(
        {"client_id": str(uuid.uuid4()), "text": COMMENT, "kind": "opinion", "agenda_item": state["item"]}
    )
    posted = chair_a.request(
        "POST",
        state["action"],
        body=body,
        headers={
            "Content-Type": content_type,
            "Accept": "application/json",
            "X-CSRFToken": state["csrf"],
            "Origin": chair_a.origin,
        },
    )
    assert posted.status in (200, 201), posted.text
    heard = next(data for event, data in events if event == "update")
    assert COMMENT in heard

    # A PDF asked for on node A, rendered by the worker, comes down through either node.
    asked = chair_a.request(
        "POST",
        f"/meetings/{opened.pk}/pdf/programme/request/",
        body=urlencode({"csrfmiddlewaretoken": state["csrf"]}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": chair_a.origin},
    )
    assert asked.status == 302
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        generated = GeneratedPdf.objects.filter(meeting=opened, kind=GeneratedPdf.Kind.PROGRAMME).first()
        if generated and generated.status != GeneratedPdf.Status.PENDING:
            break
        time.sleep(0.5)
    assert generated.status == GeneratedPdf.Status.READY, generated.status
    path = f"/meetings/{opened.pk}/pdf/programme/"
    files = [browser.request("GET", path) for browser in (chair_a, on(node_b, chair_a))]
    for answer in files:
        assert answer.status == 200 and answer.headers["Content-Type"] == "application/pdf"
        assert answer.body.startswith(b"%PDF")
    assert files[0].body == files[1].body
    outsider = signed_in(node_b, world.outsider.user)
    assert outsider.request("GET", path).status == 404
    assert on(node_a, outsider).request("GET", path).status == 404
