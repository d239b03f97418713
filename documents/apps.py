from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """The minutes, their numbers, the PDFs and the yearly minutes books."""

    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from . import receivers, tasks  # noqa: F401  (their receivers follow meetings/, enqueue the jobs)
