"""Seed the news categories in Indonesian; staff edit them later."""

from django.db import migrations

CATEGORIES = [
    ("pemerintahan", "Pemerintahan"),
    ("pembangunan", "Pembangunan"),
    ("kesehatan", "Kesehatan"),
    ("pendidikan", "Pendidikan"),
    ("pertanian", "Pertanian"),
    ("ekonomi-umkm", "Ekonomi & UMKM"),
    ("sosial-budaya", "Sosial budaya"),
    ("lingkungan", "Lingkungan"),
    ("keamanan", "Keamanan & ketertiban"),
    ("teknologi", "Teknologi & literasi digital"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("news", "Category")
    for position, (slug, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("news", "0001_posts")]

    operations = [migrations.RunPython(seed, reverse_code=migrations.RunPython.noop)]
