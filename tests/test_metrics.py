"""Prometheus metrics (#22): behind a token, per-view latency, task durations, the record's figures."""

import pytest
from django.test import Client

from chibo import metrics
from core.tasks import Task
from notifications.models import Notification

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests"


def scrape(client: Client, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.get("/metrics", headers=headers)


def test_without_the_token_the_endpoint_is_not_there(client, settings, world):
    settings.METRICS_TOKEN = ""
    assert scrape(client).status_code == 404  # no token set: nobody, whatever they send
    settings.METRICS_TOKEN = TOKEN
    assert scrape(client, None).status_code == 404
    assert scrape(client, "guess").status_code == 404
    client.force_login(world.officer.user)  # a committee officer's session is not the token
    assert scrape(client, None).status_code == 404


def test_a_scrape_shows_each_views_latency_and_the_records_figures(client, settings, world):
    settings.METRICS, settings.METRICS_TOKEN = True, TOKEN
    *inner, axes = settings.MIDDLEWARE  # as chibo/settings.py wraps them with METRICS on
    settings.MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *inner,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
        axes,
    ]
    member = Client()
    member.force_login(world.member.user)
    assert member.get("/me/").status_code == 200
    Notification.objects.create(key="k1", kind="meeting", recipient=world.member.user, title="t", body="b")
    Notification.objects.create(
        key="k2",
        kind="meeting",
        recipient=world.member.user,
        title="t",
        body="b",
        email_status=Notification.Email.SENT,
    )

    answer = scrape(client)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/plain")
    text = answer.content.decode()
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="meetings:mine"}' in text
    )
    assert 'chibo_notifications{channel="app",state="created"} 2.0' in text
    assert 'chibo_notifications{channel="email",state="sent"} 1.0' in text


def test_a_tasks_duration_is_observed_in_the_worker(settings, client):
    settings.METRICS, settings.METRICS_TOKEN = True, TOKEN

    @metrics_test_app_task
    def measured():
        return 1

    before = metrics.TASK_DURATION.labels(task=measured.name, state="SUCCESS")._sum.get()
    measured.apply()
    text = scrape(client).content.decode()
    assert f'chibo_task_duration_seconds_count{{state="SUCCESS",task="{measured.name}"}}' in text
    assert metrics.TASK_DURATION.labels(task=measured.name, state="SUCCESS")._sum.get() > before


def metrics_test_app_task(fn):
    from chibo.celery import app

    return app.task(name="tests.metrics.measured", base=Task)(fn)


def test_each_web_replica_is_scraped_by_its_address_and_nothing_else_is(client, settings, world):
    """A scraper names a replica by its address (one A record each in compose), which ALLOWED_HOSTS cannot
    list in advance: /metrics is answered before the Host check; every other page is still refused."""
    settings.METRICS, settings.METRICS_TOKEN = True, TOKEN
    settings.MIDDLEWARE = ["chibo.metrics.ScrapeMiddleware", *settings.MIDDLEWARE]
    settings.ALLOWED_HOSTS = ["chibo.example.org"]
    replica = {"HTTP_HOST": "172.18.0.5:8000"}

    answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, **replica)

    assert answer.status_code == 200
    assert "chibo_notifications" in answer.content.decode()
    assert client.get("/metrics", **replica).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer guess"}, **replica).status_code == 404
    assert client.get("/accounts/login/", **replica).status_code == 400
