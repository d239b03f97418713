import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")

# Every task is a core.tasks.Task: Celery's Django task class, with `delay_on_commit`.
app = Celery("chibo", task_cls="core.tasks:Task")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
