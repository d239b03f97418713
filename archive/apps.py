from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = _("Archive and search")

    def ready(self):
        from . import signals  # noqa: F401  (keeps the search index in step with the record)
