"""The S3 storage of chibo/storages.py (django-storages' S3Storage), with an outage told apart from a bug.

botocore raises the same ClientError for "no such file" (404), "you may not" (403) and "not now" (SlowDown,
429, 500, 503). The last is an outage: after botocore's own retries (standard mode, three attempts with
backoff and jitter, so a web request waits seconds, not tens of them) it is raised as
`core.storage.StorageUnavailable`, which pages answer with a 503 and jobs retry (`core.jobs`). One hook on
each S3 client (botocore's `after-call` event, before the error is raised) covers every call, the lazy reads
of an opened file and the uploads' worker threads included.

Kept apart from core/storage.py so that boto3 is imported only where a bucket is configured.
"""

from __future__ import annotations

from botocore.config import Config
from storages.backends.s3 import S3Storage

from .storage import StorageUnavailable

# What an S3 API says when it is overloaded or failing on its side (AWS, MinIO, Ceph, Garage alike).
NOT_NOW = {
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequests",
    "TooManyRequestsException",
    "RequestTimeout",
    "ServiceUnavailable",
    "InternalError",
}


def is_not_now(status: int, code: str) -> bool:
    return status >= 500 or status == 429 or code in NOT_NOW


def _raise_outage(http_response=None, parsed=None, model=None, **kwargs) -> None:
    error = (parsed or {}).get("Error") or {}
    if http_response is not None and is_not_now(http_response.status_code, error.get("Code", "")):
        raise StorageUnavailable(parsed, model.name)


class ObjectStorage(S3Storage):
    def __init__(self, **settings):
        super().__init__(**settings)
        self.client_config = self.client_config.merge(Config(retries={"mode": "standard", "max_attempts": 3}))

    @property
    def connection(self):
        connection = super().connection  # one per thread
        connection.meta.client.meta.events.register(
            "after-call.s3", _raise_outage, unique_id="chibo.objectstorage.outage"
        )
        return connection
