from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Reminders, notifications in the app and by email, the calendar feed."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import tasks  # noqa: F401  (its receivers enqueue the jobs this app asks for)
