from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """The minutes, their numbers, the PDFs and the yearly minutes books."""

    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from . import tasks  # noqa: F401  (its receivers enqueue the jobs this app asks for)
