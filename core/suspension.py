"""A per-thread "not now" for work that a bulk writer (the demo) does once at the end itself:
the search reindex (archive.signals.suspended) and the indicator refresh (evaluations.tasks.refresh_suspended).
"""

import threading
from contextlib import contextmanager


class Suspension:
    def __init__(self):
        self._state = threading.local()

    @property
    def active(self) -> bool:
        return getattr(self._state, "on", False)

    @contextmanager
    def __call__(self):
        previous = self.active
        self._state.on = True
        try:
            yield
        finally:
            self._state.on = previous
