"""Browser journeys: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

Each test gets its own database (transactional: the live server answers from another thread), so each
test logs its personas in through the real login form; a persona's cookies are then reused for its other
tabs within the test (storage state). Celery runs eager (tests/conftest.py), in the live server's thread.

Playwright's sync API keeps an asyncio loop in the test's thread, so Django's ORM would refuse to run in
that thread (SynchronousOnlyOperation): DJANGO_ALLOW_ASYNC_UNSAFE is set while the browser is up.
"""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from scripts.chromium import CHROMIUM, launch

from ..clock import Clock, at
from ..conftest import require_service
from ..meetings.pages import vi

PASSWORD = "correct horse battery"  # tests/factories.UserFactory
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TIMEOUT_MS = 15_000  # a slow shared machine; a page that never shows what is expected still fails
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def clock(monkeypatch):
    """The server's clock (django.utils.timezone.now, read by the live server's thread too), frozen at
    05/11/2026 14:00 until clock.set(at(...)) moves it. The browser's own clock is not touched."""
    return Clock(monkeypatch, at(2026, 11, 5, 14, 0))


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test process (started only by a process that runs a browser test)."""
    require_service(os.access(CHROMIUM, os.X_OK), f"Chromium ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    chromium = launch(playwright)
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Browse:
    """open(persona, path) → a page logged in as that persona (phone=True: 360×740, touch; None: logged out).

    A persona logs in once, through the form. Its pages share one browser context per screen size (cookies
    and cache, as tabs do); a context for the other size starts from the cookies saved at login."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts: dict[tuple[str | None, bool], object] = {}
        self.states: dict[str, dict] = {}

    def context(self, username: str | None, *, phone: bool = False):
        key = (username, phone)
        if key not in self.contexts:
            state = {"storage_state": self.states[username]} if username in self.states else {}
            context = self.browser.new_context(
                base_url=self.base_url,
                locale="vi-VN",
                accept_downloads=True,
                **(PHONE if phone else DESKTOP),
                **state,
            )
            context.set_default_timeout(TIMEOUT_MS)
            self.contexts[key] = context
            if username and username not in self.states:
                page = context.new_page()
                log_in(page, username)
                self.states[username] = context.storage_state()
                page.close()
        return self.contexts[key]

    def open(self, username: str | None, path: str = "/", *, phone: bool = False):
        page = self.context(username, phone=phone).new_page()
        page.goto(path)
        return page

    def close(self):
        for context in self.contexts.values():
            context.close()


def log_in(page, username: str) -> None:
    """Through the login form, as a member does."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label(vi("username")).fill(username)  # Django's field name, "Tên đăng nhập"
    page.get_by_label(vi("Password")).fill(PASSWORD)
    page.get_by_role("button", name=vi("Log in")).click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started without the HTTPS redirect: SecurityMiddleware reads that
    setting once, when the server's handler is built, before tests/conftest.py's per-test settings apply."""
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    )
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture
def browse(browser, live_server):
    session = Browse(browser, live_server.url)
    yield session
    session.close()


def user_named(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def shoot():
    """shoot(page, name): with SCREENSHOTS=<folder> set (`make screenshots-journeys`), saves the page as it is
    now to <folder>/<name>-phone.png or -desktop.png, by the page's width; otherwise does nothing. The
    journeys are where the new screens are reached as a person reaches them, so they take the pictures."""
    folder = os.environ.get("SCREENSHOTS")

    def save(page, name: str) -> None:
        if folder:
            size = "phone" if page.viewport_size["width"] < 600 else "desktop"
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}-{size}.png"), full_page=True)

    return save


@pytest.fixture
def push_server(tmp_path, settings, transactional_db):
    """The app behind uvicorn (chibo/asgi.py: Django and the live stream) with push on, fed by a Redis of
    the test's own: the phones' pages come from it and their streams too, as behind the front door."""
    import shutil
    import threading

    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.handlers.asgi import ASGIHandler
    from django.test import override_settings

    from chibo.asgi import route
    from meetings import push

    from ..redis_server import REDIS_SERVER, PrivateRedis, free_port

    require_service(bool(shutil.which(REDIS_SERVER)), "redis-server")
    redis_server = PrivateRedis(tmp_path)
    redis_server.start()
    settings.REDIS_URL = redis_server.url
    settings.LIVE_PUSH = True
    settings.ALLOWED_HOSTS = ["localhost"]
    push.reset()
    with override_settings(SECURE_SSL_REDIRECT=False):  # read once, when the handler is built
        application = route(ASGIStaticFilesHandler(ASGIHandler()))  # static files as the live server has them
    port = free_port()
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, lifespan="off", log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _wait in range(100):
        if server.started:
            break
        threading.Event().wait(0.05)
    yield f"http://localhost:{port}"
    server.should_exit = True
    thread.join(10)
    push.reset()
    redis_server.stop()


@pytest.fixture
def push_browse(browser, push_server):
    """As `browse`, against the push server."""
    session = Browse(browser, push_server)
    yield session
    session.close()
