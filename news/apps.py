from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from accounts.personal_data import PersonalDataPart, personal_data_register
        from core.private_files import FileKind, file_kind_register
        from groups import permissions
        from news.selectors import post_data_export
        from news.services import post_data_erase

        file_kind_register(
            "berita-foto",
            FileKind(
                model="news.PostPhoto",
                fields=("image", "image_960", "image_480", "image_share"),
                select_related=("post__kim",),
                allowed=lambda user, photo: permissions.can_view_post(user, photo.post),
            ),
        )
        personal_data_register(
            PersonalDataPart(
                key="posts",
                export=post_data_export,
                export_position=20,
                erase=post_data_erase,
                erase_position=20,
            )
        )
