"""The database unreachable under logged-in users: a clear Vietnamese 503 saying what was not saved, one log
line per refused request (not a traceback), and a comment the phone sends again afterwards stored once."""

import logging
import uuid

from django.urls import reverse

from meetings.models import Comment

from .conftest import database_down

JSON = {"Accept": "application/json"}


def test_a_page_during_a_database_outage_says_so_in_vietnamese(world, client):
    client.force_login(world.member.user)
    client.raise_request_exception = False

    with database_down():
        response = client.get(reverse("meetings:cell", args=[world.cell.pk]))

    assert response.status_code == 503
    assert response["Retry-After"]
    page = response.content.decode()
    assert "Máy chủ tạm thời gián đoạn" in page
    assert "chưa được lưu" in page
    assert "không bị mất" not in page


def test_each_refused_request_logs_one_line_without_a_traceback(in_progress, world, client, caplog):
    client.force_login(world.member.user)
    client.raise_request_exception = False
    url = reverse("meetings:comment_post", args=[in_progress.meeting.pk])

    with caplog.at_level(logging.INFO), database_down():
        for _ in range(3):
            client.post(
                url, {"kind": "opinion", "text": "Ý kiến", "client_id": str(uuid.uuid4())}, headers=JSON
            )

    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in errors] == [
        f"503 POST {url}: OperationalError",
        f"503 POST {url}: OperationalError",
        f"503 POST {url}: OperationalError",
    ]
    assert not any(r.exc_info for r in errors)


def test_a_comment_refused_during_the_outage_and_sent_again_is_stored_once(in_progress, world, client):
    client.force_login(world.member.user)
    client.raise_request_exception = False
    url = reverse("meetings:comment_post", args=[in_progress.meeting.pk])
    data = {"kind": "opinion", "text": "Đề nghị bổ sung báo cáo.", "client_id": str(uuid.uuid4())}

    with database_down():
        refused = client.post(url, data, headers=JSON)
    stored = client.post(url, data, headers=JSON)  # the outbox, after its backoff
    again = client.post(url, data, headers=JSON)  # its answer was lost: sent once more

    assert refused.status_code == 503
    assert refused.json()["retry_after"] > 0
    assert (stored.status_code, again.status_code) == (201, 200)
    assert Comment.objects.filter(client_id=data["client_id"]).count() == 1


def test_healthz_reports_the_database_down(client, db):
    with database_down():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert "database unavailable (OperationalError)" in response.content.decode()


def test_healthz_answers_a_plain_http_probe_with_the_https_redirect_on(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/livez").status_code == 200
