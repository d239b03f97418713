"""The project's Celery task class: Celery's own Django task (`delay_on_commit`), made robust.

Domain code never enqueues by hand: it sends a signal (e.g. documents.signals.render_requested), and the
app's tasks module, which listens, calls `task.delay_on_commit(id)`. The job is sent once the transaction
commits, and not at all if it rolls back.
"""

from celery.contrib.django.task import DjangoTask
from django.db import transaction


class Task(DjangoTask):
    def delay_on_commit(self, *args, **kwargs) -> None:
        self._on_commit(self.delay, args, kwargs, "delay")

    def apply_async_on_commit(self, *args, **kwargs) -> None:
        self._on_commit(self.apply_async, args, kwargs, "apply_async")

    def _on_commit(self, send, args, kwargs, how: str) -> None:
        def enqueue():
            send(*args, **kwargs)

        # Django's log line for a failed robust callback names it by its __qualname__.
        enqueue.__qualname__ = f"{self.name}.{how}"
        # robust: a broker that is down at commit is logged, never turned into an error for the user whose
        # change was just saved; the recovery beat jobs queue the work again (docs/OPERATIONS.md).
        transaction.on_commit(enqueue, robust=True)
