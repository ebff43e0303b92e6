from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class KimPortalConfig(AppConfig):
    """The top floor: settings, URLs and the pages that compose the apps."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "kim_portal"
    verbose_name = _("Portal")

    def ready(self):
        from kim_portal.checks import production_settings

        checks.register(production_settings, "kim_portal", deploy=True)
