"""Where the files live: the STORAGES entries for uploads ("default") and rendered files ("generated").

Two shapes, chosen by settings.py from the environment (#22):

- the local disk (the embedded default, `make run`): uploads in MEDIA_ROOT under new unique names;
  rendered files under a fixed name, replaced whole (`core.storage.AtomicFileSystemStorage`);
- an S3-compatible bucket (S3_BUCKET set; MinIO in docker-compose.yml, or any S3 API) through
  django-storages, so every web node and worker reads and writes the same files. The bucket stays private:
  no ACL is set and no URL of it is ever given out; every download is streamed through a view that checked
  access first. A PUT replaces an object whole, so rendered files keep their "never half a file" promise.
  Its class, `core.objectstorage.ObjectStorage`, is django-storages' S3Storage with the store throttling or
  failing (SlowDown, 429, 5xx) raised as an outage: a 503 page, a render retried (core/storage.py).

No Django import here: settings.py calls `object_storages` while it is being read, and so do the tests that
start their own S3 server (tests/storage/).
"""

from __future__ import annotations


def local_storages() -> dict:
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "generated": {"BACKEND": "core.storage.AtomicFileSystemStorage"},
    }


def object_storages(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    prefix: str = "",
    addressing_style: str | None = None,
) -> dict:
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        # Unset keys fall back to boto3's own chain (AWS_* variables, an instance role).
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "location": prefix.strip("/"),
        # MinIO and most S3-compatible servers want bucket names in the path, not in the host name.
        "addressing_style": addressing_style or ("path" if endpoint_url else None),
        "default_acl": None,  # the bucket's own (private) policy, never public-read
        "querystring_auth": True,  # a URL, if one were ever made, would be signed and short-lived
        "querystring_expire": 300,
        "signature_version": "s3v4",
    }
    backend = "core.objectstorage.ObjectStorage"  # django-storages' S3Storage, an outage told apart
    return {
        # Uploads get a new unique name each (meetings.models._document_path); never overwrite by accident.
        "default": {"BACKEND": backend, "OPTIONS": {**options, "file_overwrite": False}},
        # Rendered files keep one fixed name per document and are replaced by the next render.
        "generated": {"BACKEND": backend, "OPTIONS": {**options, "file_overwrite": True}},
    }
