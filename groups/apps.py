from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "groups"
    verbose_name = _("KIM groups")

    def ready(self):
        from groups.models import Kim, Membership
        from kim_portal.audit import audit_register

        audit_register(Kim)
        audit_register(Membership, exclude_fields=("person_phone", "term_end_reminded"))
