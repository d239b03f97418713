"""Django's Redis cache, with one redis-py client per connection pool instead of one per operation.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call; its constructor
copies some 170 response callbacks each time, which costs more CPU than the round trip it wraps (a page
makes several cache calls: the session, the live list's blocks, throttles). A client is safe to share
between threads (it takes a connection from its pool per command), so one per pool is kept.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class KeptClientCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientCacheClient
