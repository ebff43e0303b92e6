from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AspirationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "aspirations"
    verbose_name = _("Aspirations and hoax reports")

    def ready(self):
        from accounts.personal_data import PersonalDataPart, personal_data_register
        from aspirations.selectors import submission_data_export
        from aspirations.services import submission_data_erase
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
        personal_data_register(
            PersonalDataPart(
                key="aspirations_and_hoax_reports",
                export=submission_data_export,
                export_position=40,
                erase=submission_data_erase,
                erase_position=30,
            )
        )
