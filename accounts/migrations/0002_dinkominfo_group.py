"""Create the "Dinkominfo" auth group for staff of the regency's communications office.

Its model permissions are (re)granted after every migrate by
``accounts.services.staff_group_sync_permissions``, because permissions of models that later
migrations add do not exist yet when this migration runs.
"""

from django.db import migrations


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="Dinkominfo")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_user"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, reverse_code=migrations.RunPython.noop)]
