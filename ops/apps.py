from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """The operator's tools, above every domain app: demo data, scale seeds, the benchmark, backups."""

    name = "ops"
    verbose_name = _("Operations")
