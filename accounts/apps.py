from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_staff_group_after_last_app(sender, **kwargs):
    # Permissions of models from later apps exist only once their own post_migrate ran, so the
    # Dinkominfo group is brought up to date after the last app of every migrate (and flush).
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is last:
        from accounts.services import staff_group_sync_permissions

        staff_group_sync_permissions()


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        post_migrate.connect(
            _sync_staff_group_after_last_app, dispatch_uid="accounts.sync_staff_group"
        )
