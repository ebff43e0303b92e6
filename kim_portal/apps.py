from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class KimPortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kim_portal"
    verbose_name = _("Portal")

    def ready(self):
        # Connects the retry of failed emails to the task worker's "finished" signal.
        from kim_portal import mail  # noqa: F401
        from kim_portal.checks import production_settings
        from kim_portal.logs import task_signals_connect

        task_signals_connect()

        checks.register(production_settings, "kim_portal", deploy=True)
