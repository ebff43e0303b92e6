from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AspirationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "aspirations"
    verbose_name = _("Aspirations and hoax reports")

    def ready(self):
        from core.private_files import FileKind, file_kind_register
        from groups import permissions

        file_kind_register(
            "aspirasi-foto",
            FileKind(
                model="aspirations.Submission",
                fields=("photo", "photo_480"),
                select_related=(),
                allowed=permissions.can_view_submission_photo,
            ),
        )
