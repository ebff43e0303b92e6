from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "trainings"
    verbose_name = _("Trainings")

    def ready(self):
        from accounts.personal_data import PersonalDataPart, personal_data_register
        from core.audit import audit_register
        from core.private_files import FileKind, file_kind_register
        from groups import permissions
        from imports.models import ImportJob
        from imports.registry import importer_register
        from trainings import receivers  # noqa: F401
        from trainings.importers import PARTICIPANT_IMPORTER
        from trainings.models import Material, Session, Training
        from trainings.selectors import registration_data_export
        from trainings.services import registration_data_erase

        audit_register(Training)
        importer_register(ImportJob.Kind.PARTICIPANTS, PARTICIPANT_IMPORTER)
        audit_register(Session)
        audit_register(Material)
        file_kind_register(
            "pelatihan-materi",
            FileKind(
                model="trainings.Material",
                fields=("file",),
                select_related=("training",),
                allowed=permissions.can_download_material,
                download_name=lambda material, field, extension: material.download_name,
            ),
        )
        personal_data_register(
            PersonalDataPart(
                key="training_registrations",
                export=registration_data_export,
                export_position=30,
                erase=registration_data_erase,
                erase_position=10,
            )
        )
