"""Sessions kept in the database and read through the cache, which may fail without failing the request.

Django's `cached_db` store already keeps every session in the database, but it lets a cache error escape
from `load` (after the database read), `exists` and `delete`: with Redis down for ten seconds, every
logged-in page and every login answered 500. This store treats the cache as what it is, a shortcut: on a
cache error it works from the database alone, skips the cache for a few seconds (so an outage costs one
refused connection per few seconds, not one per request), and logs the outage once and its end once.

A session saved or ended while the cache was unreachable (a network cut rather than a restart: Redis may
still hold the old copy) would be read back stale once the cache answers again, so a logout could come undone.
Each process remembers the keys it could not write and deletes them from the cache before using it again.
"""

from __future__ import annotations

import logging
import threading
import time

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

log = logging.getLogger(__name__)

# After a cache error the cache is skipped for this many seconds, then tried again.
RETRY_AFTER = 5.0
# Keys remembered per process during one outage (a few bytes each); beyond this, sessions may read stale.
MAX_STALE = 100_000


class _Breaker:
    """Whether the cache is usable now; shared by the requests of one process."""

    def __init__(self):
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.stale: set[str] = set()

    def usable(self, cache) -> bool:
        if self.down_since is None:
            return True
        if time.monotonic() < self.retry_at:
            return False
        with self._lock:
            stale, self.stale = self.stale, set()
        try:
            if stale:
                cache.delete_many(list(stale))
        except Exception as error:
            self.stale |= stale
            self.failed(error, None)
            return False
        return True

    def remember(self, key: str | None) -> None:
        if key is not None and len(self.stale) < MAX_STALE:
            self.stale.add(key)

    def failed(self, error: Exception, key: str | None) -> None:
        with self._lock:
            self.remember(key)
            if self.down_since is None:
                self.down_since = time.monotonic()
                log.warning(
                    "session cache unavailable, sessions read from the database: %s", type(error).__name__
                )
            self.retry_at = time.monotonic() + RETRY_AFTER

    def succeeded(self) -> None:
        if self.down_since is None:
            return
        with self._lock:
            if self.down_since is not None:
                log.warning("session cache back after %.0f s", time.monotonic() - self.down_since)
                self.down_since = None


breaker = _Breaker()


class SessionStore(CachedDBStore):
    def _cached(self, key: str, operation, default=None):
        if not breaker.usable(self._cache):
            breaker.remember(key)
            return default
        try:
            result = operation()
        except Exception as error:  # ConnectionError, TimeoutError, a full Redis... the database decides
            breaker.failed(error, key)
            return default
        breaker.succeeded()
        return result

    def load(self):
        key = self.cache_key
        data = self._cached(key, lambda: self._cache.get(key))
        if data is not None:
            return data
        s = self._get_session_from_db()
        if not s:
            return {}
        data = self.decode(s.session_data)
        self._cached(key, lambda: self._cache.set(key, data, self.get_expiry_age(expiry=s.expire_date)))
        return data

    def exists(self, session_key):
        key = self.cache_key_prefix + (session_key or "")
        if session_key and self._cached(key, lambda: key in self._cache, False):
            return True
        return super(CachedDBStore, self).exists(session_key)

    def save(self, must_create=False):
        super(CachedDBStore, self).save(must_create)
        key = self.cache_key
        self._cached(key, lambda: self._cache.set(key, self._session, self.get_expiry_age()))

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        key = self.cache_key_prefix + session_key
        self._cached(key, lambda: self._cache.delete(key))
