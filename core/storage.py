"""The stored files: uploads (`uploads()`, Django's default storage) and rendered files (`generated_storage()`),
on the local disk or in an S3-compatible bucket (chibo/storages.py, STORAGES in settings). Everything that
reads or writes a file goes through these storages' API (open, save, exists, delete, listdir), never a path.

Generated files (minutes PDFs, books, archives) are replaced whole or not at all.

Writing straight into the final path (`allow_overwrite`) left an already adopted minutes PDF truncated when a
render failed midway (a full disk): no reader opened it and its download answered 404. Here the content goes
to a hidden temporary file beside the target, is flushed to disk, and is renamed over the target only when
complete (a rename within one folder is atomic on POSIX); on any failure the temporary file is removed and
the previous good file is untouched. In a bucket, a PUT replaces an object whole by itself.

A bucket that cannot answer now is an outage, not a bug (`STORAGE_OUTAGES`, part of
`core.jobs.INFRASTRUCTURE_ERRORS`): unreachable (botocore's connection errors), or answering that it is
throttling or failing (SlowDown, 429, a 5xx: `StorageUnavailable`, raised by `core.objectstorage`). A page
answers 503 with Retry-After (chibo/errors.py) and a render is retried with backoff.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import suppress

import botocore.exceptions
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages


class StorageUnavailable(botocore.exceptions.ClientError):
    """The object store answered "not now" (throttled, or failing on its side) after botocore's own retries;
    a ClientError still, so code that asks for a 404 keeps working."""


STORAGE_OUTAGES: tuple[type[BaseException], ...] = (
    StorageUnavailable,
    botocore.exceptions.ConnectionError,  # refused, timed out, the name not resolved
    botocore.exceptions.HTTPClientError,  # cut off mid-answer
)


class AtomicFileSystemStorage(FileSystemStorage):
    """A fixed name per document: saving replaces the file atomically (never a second copy, never half)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_overwrite", True)
        super().__init__(**kwargs)

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        handle, partial = tempfile.mkstemp(
            dir=directory, prefix=f".{os.path.basename(full_path)}.", suffix=".partial"
        )
        try:
            with os.fdopen(handle, "wb") as out:
                if hasattr(content, "chunks"):
                    for chunk in content.chunks():
                        out.write(chunk)
                else:
                    out.write(content.read())
                out.flush()
                os.fsync(out.fileno())
            os.chmod(partial, self.file_permissions_mode or 0o666 & ~_umask())
            os.replace(partial, full_path)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(partial)
            raise
        return str(name).replace("\\", "/")


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def generated_storage() -> Storage:
    """Rendered files: a fixed name per document, each save replacing the previous file whole."""
    return storages["generated"]


def uploads() -> Storage:
    """Uploaded files: each saved under a new name."""
    return default_storage


def walk(storage: Storage, top: str = "") -> Iterator[str]:
    """Every stored file's name under `top`, sorted, skipping hidden names (a local write in progress)."""
    try:
        directories, files = storage.listdir(top)
    except FileNotFoundError:  # a local MEDIA_ROOT not made yet: no file
        return
    prefix = f"{top.rstrip('/')}/" if top else ""
    for name in sorted(files):
        if not name.startswith("."):
            yield prefix + name
    for directory in sorted(directories):
        if not directory.startswith("."):
            yield from walk(storage, prefix + directory)


def location() -> str:
    """Where the files are, for an operator's message: a folder, or s3://bucket/prefix."""
    storage = generated_storage()
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return f"s3://{bucket}/{getattr(storage, 'location', '')}".rstrip("/")
    return str(getattr(storage, "location", ""))
