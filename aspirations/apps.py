from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AspirationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "aspirations"
    verbose_name = _("Aspirations and hoax reports")
