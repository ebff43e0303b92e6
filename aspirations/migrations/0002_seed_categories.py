from django.db import migrations

CATEGORIES = [
    ("infrastruktur", "Infrastruktur"),
    ("layanan-publik", "Layanan publik"),
    ("kesehatan", "Kesehatan"),
    ("pendidikan", "Pendidikan"),
    ("ekonomi", "Ekonomi"),
    ("keamanan", "Keamanan"),
    ("lainnya", "Lainnya"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("aspirations", "Category")
    for position, (slug, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("aspirations", "0001_submissions")]

    operations = [migrations.RunPython(seed, reverse_code=migrations.RunPython.noop)]
