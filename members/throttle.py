"""Per-address limits on failed logins and invitation codes: password spraying, one address trying many names.

django-axes locks one (name, address) pair after five failures; it does not stop one address from trying
one password on hundreds of names. These limits count *failures* only, per client address (the one axes
sees, behind the same number of proxies), in fixed windows in the Django cache (Redis in production):

- login: 100 failed logins per address per 15 minutes. A cell meets in one room behind one NAT address:
  up to ~60 members log in within a minute, and a failed attempt costs one member a retype. 100 lets
  every member of the largest room fail once and a good share of them twice more (axes stops any one name
  at five) while holding a sprayer to 100 guesses per 15 minutes instead of the thousands per minute the
  server would otherwise answer.
- invitation code: 30 wrong codes per address per 15 minutes. A code is 12 characters drawn from 32, so
  guessing is hopeless anyway; this keeps a script from burning through the form, while a room activating
  printed codes together can mistype many times.

A refused address sees the "try again later" page (429) until its window ends, even with the right
password: otherwise a sprayer would learn which guess was right. If the cache is down (Redis briefly
unreachable), the limits fail open: the login works, axes' database lockout still applies, and a warning
is logged; a login page answering 500 during an outage would lock everyone out instead.
"""

import logging
import time
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str
    failures: int
    window: int  # seconds


LOGIN = Limit("login", failures=100, window=15 * 60)
ACTIVATION = Limit("activate", failures=30, window=15 * 60)


def _key(limit: Limit, request) -> str:
    window = int(time.time() // limit.window)
    return f"throttle:{limit.name}:{get_client_ip_address(request)}:{window}"


def _cache():
    return caches[getattr(settings, "THROTTLE_CACHE", "default")]


def is_blocked(limit: Limit, request) -> bool:
    try:
        return (_cache().get(_key(limit, request)) or 0) >= limit.failures
    except Exception:  # noqa: BLE001 - any cache failure: fail open (module docstring)
        logger.warning("throttle %s: cache unavailable, not limiting", limit.name)
        return False


def record_failure(limit: Limit, request) -> None:
    key = _key(limit, request)
    try:
        cache = _cache()
        cache.add(key, 0, timeout=limit.window)
        cache.incr(key)
    except Exception:  # noqa: BLE001
        logger.warning("throttle %s: cache unavailable, failure not counted", limit.name)


def refused(request):
    return render(request, "registration/throttled.html", status=429)
