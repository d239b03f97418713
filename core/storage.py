"""Generated files (minutes PDFs, books, archives) are replaced whole or not at all.

Writing straight into the final path (`allow_overwrite`) left an already adopted minutes PDF truncated when a
render failed midway (a full disk): no reader opened it and its download answered 404. Here the content goes
to a hidden temporary file beside the target, is flushed to disk, and is renamed over the target only when
complete (a rename within one folder is atomic on POSIX); on any failure the temporary file is removed and
the previous good file is untouched.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress

from django.conf import settings
from django.core.files.storage import FileSystemStorage


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


def generated_storage() -> AtomicFileSystemStorage:
    return AtomicFileSystemStorage(location=settings.MEDIA_ROOT)
