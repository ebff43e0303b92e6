import hashlib
import io
import os
import shutil
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from groups.models import Kim
from kim_portal.backup import BackupError, _libpq_environment, file_stores, postgres_client
from news.models import Post, PostPhoto
from tests.factories import UserFactory
from trainings.models import Material, Training

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def database_snapshot() -> dict:
    """Row count and a digest of every row of every table, and each sequence's position."""
    snapshot = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                f" FROM {connection.ops.quote_name(table)} t"
            )
            snapshot[table] = cursor.fetchone()
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()"
        )
        snapshot.update({f"sequence {name}": value for name, value in cursor.fetchall()})
    return snapshot


def files_snapshot() -> dict:
    """SHA-256 of every file under every storage directory, by location and name."""
    hashes = {}
    for store in file_stores():
        for path in sorted(store.location.rglob("*")):
            if path.is_file():
                name = (store.location.name, path.relative_to(store.location).as_posix())
                hashes[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def wipe_everything() -> None:
    """What a lost server leaves: no tables, no files."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
        cursor.execute(f"DROP TABLE {quoted} CASCADE")
    for store in file_stores():
        shutil.rmtree(store.location, ignore_errors=True)


@pytest.fixture
def empty_storages():
    """Files earlier tests uploaded stay behind their flushed rows; these tests start without."""
    for store in file_stores():
        shutil.rmtree(store.location, ignore_errors=True)


def seed_portal(settings) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    training = Training.objects.order_by("pk").first()
    Material.objects.create(
        training=training, title="Modul", file=ContentFile(PDF, name="modul-jurnalistik.pdf")
    )
    kim = Kim.objects.order_by("pk").first()
    kim.sk_document.save("sk-kim.pdf", ContentFile(PDF + b"sk"))


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_every_row_and_file(
    settings, tmp_path, client, empty_storages
):
    seed_portal(settings)
    before_rows, before_files = database_snapshot(), files_snapshot()
    public = Path(settings.MEDIA_ROOT).name
    private = Path(Material._meta.get_field("file").storage.location).name
    assert sum(1 for store, _name in before_files if store == public) >= 15
    # The material and the SK document at least (the demo may keep more private files).
    assert sum(1 for store, _name in before_files if store == private) >= 2
    assert len(before_rows) > 30 and before_rows["news_post"][0] >= 30

    call_command("backup", output=tmp_path, stdout=io.StringIO())
    (archive,) = tmp_path.glob("kim-portal-backup-*.tar.gz")
    assert archive.stat().st_mode & 0o077 == 0

    wipe_everything()
    assert connection.introspection.table_names() == [] and files_snapshot() == {}

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert "Restored the backup" in out.getvalue()
    assert database_snapshot() == before_rows
    assert files_snapshot() == before_files
    photo = PostPhoto.objects.order_by("pk").first()
    assert photo.image.storage.exists(photo.image.name)
    assert client.get(Post.objects.published().first().get_absolute_url()).status_code == 200
    UserFactory(email="baru@contoh.test")  # the sequences were restored too: no duplicate keys

    with pytest.raises(CommandError, match="Refusing to restore over existing data.*--replace"):
        call_command("restore", str(archive))
    assert UserFactory._meta.model.objects.filter(email="baru@contoh.test").exists()

    Post.objects.order_by("pk").first().delete()
    stray = Path(settings.MEDIA_ROOT) / "stray.txt"
    stray.write_bytes(b"not in the backup")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE made_after_the_backup (id int)")

    call_command("restore", str(archive), replace=True, stdout=io.StringIO())

    assert database_snapshot() == before_rows
    assert files_snapshot() == before_files


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_files_left_in_a_storage(settings, tmp_path, empty_storages):
    call_command("backup", output=tmp_path / "portal.tar.gz", stdout=io.StringIO())
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        cursor.execute(
            "DROP TABLE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE"
        )
    leftover = Path(settings.MEDIA_ROOT) / "berita" / "old.webp"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"old")

    try:
        with pytest.raises(
            CommandError, match=r"\(files are in default\)\. Run restore again with --replace"
        ):
            call_command("restore", str(tmp_path / "portal.tar.gz"))
        assert connection.introspection.table_names() == []
    finally:
        leftover.unlink()
        call_command("restore", str(tmp_path / "portal.tar.gz"), stdout=io.StringIO())


@pytest.mark.django_db
def test_restore_refuses_a_damaged_archive_before_touching_anything(tmp_path):
    archive = tmp_path / "portal.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "database.dump":
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(member, io.BytesIO(data))
    tables = connection.introspection.table_names()

    with pytest.raises(CommandError, match="is damaged: 1 files differ \\(database.dump\\)"):
        call_command("restore", str(damaged), replace=True)

    assert connection.introspection.table_names() == tables


@pytest.mark.django_db
def test_backup_keeps_the_newest_archives_only(tmp_path):
    old = [tmp_path / f"kim-portal-backup-2026010{day}-020000.tar.gz" for day in range(1, 4)]
    for path in old:
        path.write_bytes(b"old")
    unrelated = tmp_path / "notes.txt"
    unrelated.write_text("keep me")

    out = io.StringIO()
    call_command("backup", output=tmp_path, keep=2, stdout=out)

    remaining = sorted(p.name for p in tmp_path.iterdir())
    assert remaining[0] == old[2].name and len(remaining) == 3 and "notes.txt" in remaining
    assert out.getvalue().count("Deleted old backup") == 2


@pytest.mark.django_db
def test_a_missing_or_old_postgres_client_is_named_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr("kim_portal.backup._bundled_bin_dir", lambda: None)
    monkeypatch.setenv("DATABASE_URL", "postgres://portal@db.example/portal")
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(BackupError) as caught:
        postgres_client("pg_dump", minimum_major=99)

    message = str(caught.value)
    assert "\n" not in message
    assert "PostgreSQL 99" in message and "apt-get install postgresql-client" in message


def test_backup_covers_every_file_storage():
    locations = {store.location for store in file_stores()}

    assert Path(settings.MEDIA_ROOT).resolve() in locations
    assert Path(Material._meta.get_field("file").storage.location).resolve() in locations
    assert Path(settings.STATIC_ROOT).resolve() not in locations
    for alias, config in settings.STORAGES.items():
        location = config.get("OPTIONS", {}).get("location")
        if location and alias != "staticfiles":
            assert Path(location).resolve() in locations
    assert os.sep not in "".join(store.key for store in file_stores())


@pytest.mark.django_db
def test_the_database_password_reaches_pg_dump_in_its_environment_only(monkeypatch):
    settings_dict = connection.settings_dict
    monkeypatch.setitem(settings_dict, "PASSWORD", "rahasia-basis-data")
    options = {**settings_dict["OPTIONS"], "sslmode": "require", "connect_timeout": 5}
    monkeypatch.setitem(settings_dict, "OPTIONS", options)

    environment = _libpq_environment()

    assert environment["PGPASSWORD"] == "rahasia-basis-data"
    assert environment["PGSSLMODE"] == "require" and environment["PGCONNECT_TIMEOUT"] == "5"
    assert environment["PGDATABASE"] == settings_dict["NAME"]
