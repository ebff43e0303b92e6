from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _kim_document_name(kim, field, extension):
    prefix = "sk" if field == "sk_document" else "ad-art"
    return f"{prefix}-{kim.slug}{extension}"


class GroupsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "groups"
    verbose_name = _("KIM groups")

    def ready(self):
        from accounts.personal_data import PersonalDataPart, personal_data_register
        from core.audit import audit_register
        from core.private_files import FileKind, file_kind_register
        from groups import permissions
        from groups.importers import KIM_IMPORTER
        from groups.models import Kim, Membership
        from groups.selectors import membership_data_export
        from imports.models import ImportJob
        from imports.registry import importer_register

        audit_register(Kim)
        importer_register(ImportJob.Kind.KIM, KIM_IMPORTER)
        audit_register(Membership, exclude_fields=("person_phone", "term_end_reminded"))
        file_kind_register(
            "kim-dokumen",
            FileKind(
                model="groups.Kim",
                fields=("sk_document", "bylaws_document"),
                select_related=(),
                allowed=permissions.can_view_kim_documents,
                download_name=_kim_document_name,
            ),
        )
        personal_data_register(
            PersonalDataPart(
                key="kim_memberships_and_join_requests",
                export=membership_data_export,
                export_position=10,
            )
        )
