from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trainings"
    verbose_name = _("Trainings")

    def ready(self):
        from kim_portal.audit import audit_register
        from trainings import receivers  # noqa: F401
        from trainings.models import Material, Session, Training

        audit_register(Training)
        audit_register(Session)
        audit_register(Material)
