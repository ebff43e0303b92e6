from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor every app stands on: base models, files and photos, mail, sharing,
    PDFs, spreadsheets, and the middleware and storage the portal runs on."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Portal")

    def ready(self):
        # Connects the retry of failed emails to the task worker's "finished" signal.
        from core import mail  # noqa: F401
        from core.logs import task_signals_connect

        task_signals_connect()
