"""Seed the focus areas and Dinkominfo's scale of KIM development; staff edit both later."""

from django.db import migrations

FOCUS_AREAS = [
    ("umkm", "UMKM"),
    ("pariwisata", "Pariwisata"),
    ("literasi-digital", "Literasi digital"),
    ("pertanian", "Pertanian"),
    ("perkebunan", "Perkebunan"),
    ("perikanan", "Perikanan"),
    ("kesehatan", "Kesehatan"),
    ("pendidikan", "Pendidikan"),
    ("lingkungan", "Lingkungan"),
    ("sosial-budaya", "Sosial budaya"),
    ("cek-fakta", "Cek fakta dan anti hoaks"),
    ("pemerintahan-desa", "Pemerintahan desa"),
]
LEVELS = [
    (1, "Pemula", "Baru terbentuk; belum rutin berkegiatan."),
    (2, "Berkembang", "Berkegiatan dan menyebarkan informasi secara rutin."),
    (3, "Maju", "Punya media sendiri dan menampung aspirasi warga."),
    (4, "Mandiri", "Mandiri secara kelembagaan dan ekonomi; membina KIM lain."),
]


def seed(apps, schema_editor):
    FocusArea = apps.get_model("groups", "FocusArea")
    DevelopmentLevel = apps.get_model("groups", "DevelopmentLevel")
    for slug, name in FOCUS_AREAS:
        FocusArea.objects.get_or_create(slug=slug, defaults={"name": name})
    for rank, name, description in LEVELS:
        DevelopmentLevel.objects.get_or_create(
            rank=rank, defaults={"name": name, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_kim_membership")]

    operations = [migrations.RunPython(seed, reverse_code=migrations.RunPython.noop)]
