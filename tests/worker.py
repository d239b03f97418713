"""A real `celery worker` process for the tests that need one (PostgreSQL and Redis): it reads the test's own
database and takes tasks from the test's own queue."""

import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection


def worker_database_url() -> str:
    """The URL of the database this test writes to (pytest-django's test_<name>), for the worker."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


def worker_command(queue: str, *options: str) -> list[str]:
    """One worker process, one task at a time, on `queue` only."""
    celery = Path(sys.executable).with_name("celery")
    return [
        str(celery),
        "-A",
        "chibo",
        "worker",
        "--pool",
        "solo",
        "--concurrency",
        "1",
        "--without-mingle",
        "--without-gossip",
        "-Q",
        queue,
        *options,
        "--loglevel",
        "INFO",
    ]
