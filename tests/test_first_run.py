"""The first run is the product's own: `make run` answers as production does (DEBUG off), so a refused or
missing page is the app's Vietnamese page with a way back, never Django's English debug page listing every
URL; and the browser's icon request is answered."""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.urls import reverse

from chibo.errors import server_error
from meetings.services import plan_regular_meeting

from .meetings.pages import text, vi

BASE = Path(settings.BASE_DIR)
MISSING = "/khong-co-trang-nay/"


def test_env_example_leaves_debug_off_and_make_run_does_not_turn_it_on():
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    environment["ENV_FILE"] = str(BASE / ".env.example")
    read = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)",
        ],
        cwd=BASE,
        env=environment | {"DJANGO_SETTINGS_MODULE": "chibo.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert read.stdout.split(" ", 1)[0] == "False"
    assert "'localhost'" in read.stdout and "'127.0.0.1'" in read.stdout

    makefile = (BASE / "Makefile").read_text(encoding="utf-8")
    run_recipe = re.search(r"^run:.*?(?=^\S)", makefile, re.M | re.S).group(0)
    assert "DEBUG=true" not in run_recipe.replace(" ", "")
    assert "static" in run_recipe.splitlines()[0]  # collected as production serves them
    # honcho reading .env itself would override `make run DEBUG=true` with the file's DEBUG=false.
    assert "--env /dev/null" in run_recipe


def not_django_debug(page: str) -> None:
    assert "URLconf" not in page and "Page not found" not in page and "Traceback" not in page


def test_an_unknown_address_answers_the_vietnamese_404_page_with_a_way_home(login, world):
    assert settings.DEBUG is False
    for persona in ("anon", "member"):
        response = login(persona).get(MISSING)

        assert response.status_code == 404
        page = text(response)
        not_django_debug(page)
        assert vi("Not found") in page
        assert vi("This page does not exist, or you may not see it.") in page
        assert f'href="{reverse("home")}"' in response.content.decode()
        assert vi("Home") in page


def test_a_refused_action_answers_the_vietnamese_403_page(login, world):
    meeting, _ = plan_regular_meeting(cell=world.cell, period=dt.date(2026, 12, 1))
    response = login("member").get(reverse("meetings:open", args=[meeting.pk]))

    assert response.status_code == 403
    page = text(response)
    assert vi("Not allowed") in page and vi("Home") in page


def test_a_form_sent_without_its_token_answers_a_vietnamese_403_page(db):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    page = text(response)
    assert vi("The form could not be sent") in page and vi("Home") in page
    assert "CSRF verification failed" not in page


def test_a_forged_host_answers_the_vietnamese_400_page(client, db):
    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert vi("The address is not valid") in text(response)


def test_a_server_error_answers_the_vietnamese_500_page():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Đã có lỗi" in page and 'href="/"' in page and 'lang="vi"' in page


def test_the_browsers_icon_request_is_answered(client, world):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file

    page = client.get(reverse("login")).content.decode()
    assert 'rel="icon" href="/favicon.ico"' in page
    svg = re.search(r'rel="icon" href="([^"]+\.svg)"', page).group(1)
    assert finders.find(svg.removeprefix(settings.STATIC_URL))  # collected and served with the others
