"""gunicorn's settings in production (Dockerfile, docker-compose.yml): `gunicorn -c python:chibo.gunicorn_conf`.

The access log keeps what an operator needs (who, when, which page, status, size, time) and leaves out what
would put personal data or secrets into every log line: the query string (a search for a member's name,
`/search/?q=…`; the live poll's signed token; a login's `next`), the referrer (the previous page's query
string) and the private token of a calendar feed's address.
"""

import os
import re

import gunicorn.http.wsgi
from gunicorn.glogging import Logger

# Every response would say "Server: gunicorn"; naming the server and its version helps only an attacker.
# Read by each response when it is created, so setting it here (before the workers fork) is enough.
gunicorn.http.wsgi.SERVER = "chibo"

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'

_CALENDAR_TOKEN = re.compile(r"^(/calendar/)[^/]+(\.ics)$")


class PrivateLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = _CALENDAR_TOKEN.sub(r"\1…\2", atoms["U"] or "")
        atoms.update(U=path, q="-", f="-", r=f"{atoms['m']} {path} {atoms['H']}")
        return atoms


logger_class = PrivateLogger


def control_socket_for(binds: list[str]) -> str:
    """gunicorn 27 opens a control socket (for `gunicornc`) at one path per user ($XDG_RUNTIME_DIR/gunicorn.ctl
    or ~/.gunicorn/gunicorn.ctl), so a second server run by the same user (a load test beside `make run`, two
    instances on one host) clashed with the first. Each instance gets its own, named after its addresses."""
    runtime = os.environ.get("XDG_RUNTIME_DIR") or ""
    folder = (
        runtime if runtime and os.path.isdir(runtime) else os.path.join(os.path.expanduser("~"), ".gunicorn")
    )
    name = re.sub(r"[^A-Za-z0-9.]+", "-", "_".join(binds)).strip("-") or "default"
    return os.path.join(folder, f"gunicorn-{name}.ctl")


# GUNICORN_CONTROL_SOCKET names it outright; otherwise on_starting derives it from the bound address, which
# is known only once the command line (a `--bind` of its own) has been read.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")


def on_starting(server):
    if not server.cfg.control_socket:
        server.cfg.set("control_socket", control_socket_for(server.cfg.bind))


def child_exit(server, worker):
    """A worker that ended leaves its metrics' files to be summed, not its live gauges (prometheus_client's
    multiprocess mode, chibo/metrics.py)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
