import os

from celery import Celery

from .metrics import connect_worker_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")

# Every task is a core.tasks.Task: Celery's Django task class, with `delay_on_commit`.
app = Celery("chibo", task_cls="core.tasks:Task")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Task durations (chibo/metrics.py), observed around every task where METRICS is on, and served by the worker
# itself when WORKER_METRICS_PORT is set (started on worker_ready).
connect_worker_signals()
