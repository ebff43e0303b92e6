"""Backup and restore of the whole portal: the database and every file storage.

An archive is one gzip-compressed tar file:

- ``database.dump``: ``pg_dump --format=custom`` of the portal's database;
- ``files/<key>/<name>``: every file of every file-system storage, ``<key>`` being the storage's
  alias in ``settings.STORAGES`` or, for a storage a model field builds itself,
  ``<app_label>.<Model>.<field>``;
- ``manifest.json``: the SHA-256 and size of each of them, written last.

With media on object storage (``core.object_storage``) the files are not on this machine:
the archive then holds the database only, and ``backup`` and ``restore`` say so. The buckets are
backed up where they live (the provider's versioning or replication, or a copy of the bucket).

The PostgreSQL client programs must not be older than the server; the embedded server's own
programs come with the pgserver package.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import FileField
from django.utils import timezone
from psycopg2 import sql

from core.files import PrivateFileField, PrivateImageField

ARCHIVE_FORMAT = "kim-portal-backup"
ARCHIVE_VERSION = 1
ARCHIVE_PREFIX = "kim-portal-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
MANIFEST_NAME = "manifest.json"
DUMP_NAME = "database.dump"
FILES_DIR = "files"
CHUNK = 1024 * 1024

# libpq connection keywords and the environment variables that carry them, so that no value
# (the password above all) appears on a command line.
LIBPQ_ENVIRONMENT = {
    "host": "PGHOST",
    "port": "PGPORT",
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "sslmode": "PGSSLMODE",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "client_encoding": "PGCLIENTENCODING",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one line for the operator."""


class RestoreRefused(BackupError):
    """The target is not empty and the caller did not ask to replace it."""


@dataclass(frozen=True)
class FileStore:
    """A directory of uploaded files, named in archives by ``key``."""

    key: str
    location: Path


@dataclass(frozen=True)
class PostgresClient:
    path: Path
    major: int
    warning: str = ""


@dataclass(kw_only=True)
class Summary:
    """What a backup or a restore did: the files per store, and what the operator should know."""

    file_counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def files_text(self) -> str:
        return ", ".join(f"{key} {count}" for key, count in self.file_counts.items()) or "none"

    def report(self, command, done: str) -> None:
        """The warnings, then ``done``, on a management command's output."""
        for warning in self.warnings:
            command.stderr.write(command.style.WARNING(warning))
        command.stdout.write(command.style.SUCCESS(done))


@dataclass(kw_only=True)
class BackupSummary(Summary):
    path: Path
    size: int


@dataclass(kw_only=True)
class RestoreSummary(Summary):
    created_at: str
    migrations_pending: bool = False


# --- Storages -------------------------------------------------------------------------------


def file_stores() -> list[FileStore]:
    """Every file-system storage of uploaded files: the aliases of ``settings.STORAGES`` and the
    storages model fields build themselves, one entry per directory. Static files are left out:
    ``collectstatic`` rebuilds them from the code."""
    found: dict[Path, str] = {}

    def consider(storage, key: str) -> None:
        if isinstance(storage, StaticFilesStorage) or not isinstance(storage, FileSystemStorage):
            return
        found.setdefault(Path(storage.location).resolve(), key)

    for alias in settings.STORAGES:
        if alias != "staticfiles":
            consider(storages[alias], alias)
    for model in sorted(apps.get_models(), key=lambda model: model._meta.label):
        for model_field in model._meta.get_fields():
            # A placed field's files are in the aliases' storages, wherever its row says.
            placed = isinstance(model_field, (PrivateFileField, PrivateImageField))
            if isinstance(model_field, FileField) and not placed:
                consider(model_field.storage, f"{model._meta.label}.{model_field.name}")
    return [FileStore(key=key, location=location) for location, key in found.items()]


def object_storage_notice(*, restoring: bool = False) -> str:
    """A line naming what a backup or restore leaves out when media live in buckets, else ""."""
    buckets = [
        storages[alias].bucket_name
        for alias in settings.STORAGES
        if alias != "staticfiles" and hasattr(storages[alias], "bucket_name")
    ]
    if not buckets:
        return ""
    where = "Media are on object storage (buckets " + ", ".join(buckets) + "): "
    if restoring:
        return where + "only the database was restored; the buckets keep their own files."
    return (
        where + "this archive holds the database only; back the buckets up where they live "
        "(versioning, replication or a copy of each bucket)."
    )


def _store_files(store: FileStore, stores: list[FileStore]) -> list[tuple[Path, str]]:
    """``(path, name)`` of each regular file in the store, names relative and in POSIX form,
    without the directories of other stores nested inside this one."""
    nested = {other.location for other in stores if other.location != store.location}
    files = []
    for root, dirs, names in os.walk(store.location):
        root_path = Path(root)
        dirs[:] = sorted(d for d in dirs if (root_path / d).resolve() not in nested)
        for name in sorted(names):
            path = root_path / name
            if path.is_file() and not path.is_symlink():
                files.append((path, path.relative_to(store.location).as_posix()))
    return files


# --- PostgreSQL client programs -------------------------------------------------------------


def _program_major(path: Path) -> int | None:
    try:
        output = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    return int(match.group(1)) if match else None


def _bundled_bin_dir() -> Path | None:
    try:
        from pgserver._commands import POSTGRES_BIN_PATH
    except ImportError:
        return None
    return Path(POSTGRES_BIN_PATH)


def _uses_embedded_server() -> bool:
    # The settings start the embedded server exactly when DATABASE_URL is unset (.env included:
    # django-environ puts its values in os.environ).
    return not os.environ.get("DATABASE_URL")


def postgres_client(program: str, *, minimum_major: int = 0) -> PostgresClient:
    """The ``pg_dump`` or ``pg_restore`` to use with the configured server: the embedded server's
    own, or a system one of the server's major version (else the oldest newer one). Raises
    ``BackupError`` naming the package to install when there is none."""
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    needed = max(server_major, minimum_major)
    bundled_dir = _bundled_bin_dir()
    bundled = bundled_dir / program if bundled_dir else None
    bundled_major = _program_major(bundled) if bundled and bundled.exists() else None

    if _uses_embedded_server() and bundled_major is not None and bundled_major >= needed:
        return PostgresClient(path=bundled, major=bundled_major)

    system = []
    on_path = shutil.which(program)
    for candidate in [on_path, *sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))]:
        if candidate and (major := _program_major(Path(candidate))) is not None:
            system.append(PostgresClient(path=Path(candidate), major=major))
    fitting = sorted((c for c in system if c.major >= needed), key=lambda c: c.major)
    if fitting:
        return fitting[0]

    newest = max((c.major for c in system), default=None)
    found = f"{program} {newest} on this system is older than" if newest else f"no {program} for"
    problem = (
        f"{found} PostgreSQL {needed}: install postgresql-client (Debian: apt-get install "
        f"postgresql-client, or postgresql-client-{needed} from apt.postgresql.org)"
    )
    if bundled_major is not None and bundled_major >= needed:
        return PostgresClient(
            path=bundled,
            major=bundled_major,
            warning=f"{problem}; using the PostgreSQL {bundled_major} {program} of pgserver.",
        )
    raise BackupError(problem + ".")


def _libpq_environment() -> dict[str, str]:
    """The process environment plus the portal database's connection settings as libpq
    variables, password included: never on a command line, where ``ps`` shows it."""
    connection = connections[DEFAULT_DB_ALIAS]
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    if "database" in params:
        params["dbname"] = params.pop("database")
    unknown = set(params) - set(LIBPQ_ENVIRONMENT)
    if unknown:
        raise BackupError(
            "Cannot pass the database OPTIONS " + ", ".join(sorted(unknown)) + " to pg_dump."
        )
    environment = {**os.environ, "PGAPPNAME": "kim-portal-backup"}
    environment.update({LIBPQ_ENVIRONMENT[key]: str(value) for key, value in params.items()})
    return environment


def _run(command: list[str]) -> None:
    result = subprocess.run(command, env=_libpq_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        detail = " / ".join(lines[-3:]) or f"exit status {result.returncode}"
        raise BackupError(f"{Path(command[0]).name} failed: {detail}")


# --- Backup ---------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """A file object that hashes what ``tarfile`` reads from it, so each file is read once."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> dict:
    info = tar.gettarinfo(str(path), arcname=arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


def archive_path_for(output: Path | None) -> Path:
    """Where ``backup`` writes: ``output`` if it names a file, else a time-stamped name in
    ``output`` (default ``var/backups``)."""
    directory = output if output is not None else Path(settings.BASE_DIR) / "var" / "backups"
    if output is not None and not output.is_dir() and output.name.endswith((".tar.gz", ".tgz")):
        return output
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return directory / f"{ARCHIVE_PREFIX}{stamp}{ARCHIVE_SUFFIX}"


def backup_create(*, path: Path) -> BackupSummary:
    """Write one archive of the database and every file storage to ``path`` (readable by its
    owner only). The file appears under its name only once it is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    dump_client = postgres_client("pg_dump")
    stores = file_stores()
    summary = BackupSummary(path=path, size=0)
    if dump_client.warning:
        summary.warnings.append(dump_client.warning)
    if notice := object_storage_notice():
        summary.warnings.append(notice)
    connection = connections[DEFAULT_DB_ALIAS]
    manifest = {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": {
            "server_major": connection.pg_version // 10000,
            "pg_dump_major": dump_client.major,
        },
        "storages": {},
    }
    partial = path.with_name(path.name + ".partial")
    old_umask = os.umask(0o077)
    try:
        with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
            dump = Path(scratch) / DUMP_NAME
            _run(
                [
                    str(dump_client.path),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={dump}",
                ]
            )
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                manifest["database"].update(_add_file(tar, dump, DUMP_NAME))
                for store in stores:
                    entries = {}
                    for file_path, name in _store_files(store, stores):
                        arcname = f"{FILES_DIR}/{store.key}/{name}"
                        entries[name] = _add_file(tar, file_path, arcname)
                    manifest["storages"][store.key] = {"files": entries}
                    summary.file_counts[store.key] = len(entries)
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
                tar.addfile(info, _BytesReader(data))
        os.replace(partial, path)
    finally:
        os.umask(old_umask)
        partial.unlink(missing_ok=True)
    summary.size = path.stat().st_size
    return summary


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.position = data, 0

    def read(self, size=-1):
        end = len(self.data) if size is None or size < 0 else self.position + size
        chunk = self.data[self.position : end]
        self.position += len(chunk)
        return chunk


def backups_prune(*, directory: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives ``backup`` named in ``directory``; return the
    deleted paths. Files of other names are never touched."""
    archives = sorted(directory.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}"))
    doomed = archives[:-keep] if keep > 0 else []
    for archive in doomed:
        archive.unlink()
    return doomed


# --- Restore --------------------------------------------------------------------------------


def _member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive holds an unsafe name: {name!r}.")
    return path


def _archive_unpack(archive: Path, target: Path) -> dict:
    """Extract the archive's regular files into ``target`` and check every one against the
    manifest; return the manifest."""
    hashes: dict[str, str] = {}
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                path = _member_path(member.name)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(f"The archive holds a link or device: {member.name!r}.")
                destination = target.joinpath(*path.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(member) as source, destination.open("wb") as sink:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        sink.write(chunk)
                hashes[path.as_posix()] = digest.hexdigest()
    except (tarfile.TarError, EOFError, OSError) as err:
        raise BackupError(f"{archive} is not a readable backup archive: {err}") from err

    try:
        manifest = json.loads((target / MANIFEST_NAME).read_text())
    except (OSError, ValueError) as err:
        raise BackupError(f"{archive} has no readable {MANIFEST_NAME}.") from err
    if manifest.get("format") != ARCHIVE_FORMAT or manifest.get("version") != ARCHIVE_VERSION:
        raise BackupError(f"{archive} is not a KIM Portal backup of version {ARCHIVE_VERSION}.")

    expected = {DUMP_NAME: manifest["database"]["sha256"]}
    for key, store in manifest["storages"].items():
        for name, entry in store["files"].items():
            expected[f"{FILES_DIR}/{key}/{name}"] = entry["sha256"]
    hashes.pop(MANIFEST_NAME, None)
    damaged = sorted(name for name in expected if hashes.get(name) != expected[name])
    extra = sorted(set(hashes) - set(expected))
    if damaged or extra:
        names = ", ".join((damaged + extra)[:5])
        raise BackupError(f"{archive} is damaged: {len(damaged + extra)} files differ ({names}).")
    return manifest


def _database_tables() -> list[str]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        return connections[DEFAULT_DB_ALIAS].introspection.table_names(cursor)


RELATION_KINDS = {
    "r": "TABLE",
    "p": "TABLE",
    "f": "FOREIGN TABLE",
    "m": "MATERIALIZED VIEW",
    "v": "VIEW",
    "S": "SEQUENCE",
}


def _archive_relations(client: PostgresClient, dump: Path) -> set[str]:
    """Names of the tables, views and sequences the dump creates."""
    listing = subprocess.run(
        [str(client.path), "--list", str(dump)], capture_output=True, text=True, check=True
    ).stdout
    pattern = re.compile(
        r"^\d+; \d+ \d+ (?:TABLE|FOREIGN TABLE|MATERIALIZED VIEW|VIEW|SEQUENCE) \S+ (\S+) ",
        re.MULTILINE,
    )
    return set(pattern.findall(listing))


def _relations_drop_except(keep: set[str]) -> list[str]:
    """Drop the relations of the portal's schema that are not in ``keep``: tables a newer
    version of the portal made that the restored database must not have."""
    connection = connections[DEFAULT_DB_ALIAS]
    dropped = []
    with connection.cursor() as cursor:
        for relkind, noun in RELATION_KINDS.items():
            cursor.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = %s",
                [relkind],
            )
            names = [row[0] for row in cursor.fetchall() if row[0] not in keep]
            if names:
                statement = sql.SQL("DROP {noun} IF EXISTS {names} CASCADE").format(
                    noun=sql.SQL(noun), names=sql.SQL(", ").join(map(sql.Identifier, names))
                )
                cursor.execute(statement.as_string(cursor.cursor))
                dropped.extend(names)
    return dropped


def _store_clear(store: FileStore, stores: list[FileStore]) -> None:
    for path, _name in _store_files(store, stores):
        path.unlink()


def backup_restore(*, archive: Path, replace: bool = False) -> RestoreSummary:
    """Bring an archive back into the configured database and file storages.

    Refuses (``RestoreRefused``) when the database has tables or a storage has files, unless
    ``replace``: then those are deleted first. Nothing is changed before the whole archive has
    been read and checked against its manifest."""
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist.")
    stores = {store.key: store for store in file_stores()}
    with tempfile.TemporaryDirectory(prefix="kim-portal-restore-") as scratch:
        unpacked = Path(scratch)
        manifest = _archive_unpack(archive, unpacked)
        unknown = sorted(set(manifest["storages"]) - set(stores))
        if unknown:
            raise BackupError(
                "The archive holds files of storages this configuration does not have: "
                + ", ".join(unknown)
                + "."
            )
        restore_client = postgres_client(
            "pg_restore", minimum_major=manifest["database"]["pg_dump_major"]
        )

        tables = _database_tables()
        busy_stores = [key for key, store in stores.items() if _store_files(store, [])]
        if (tables or busy_stores) and not replace:
            found = []
            if tables:
                found.append(f"the database has {len(tables)} tables")
            if busy_stores:
                found.append("files are in " + ", ".join(busy_stores))
            raise RestoreRefused(
                f"Refusing to restore over existing data ({'; '.join(found)}). Run restore "
                "again with --replace to delete them and restore the archive instead."
            )

        summary = RestoreSummary(created_at=manifest["created_at"])
        if restore_client.warning:
            summary.warnings.append(restore_client.warning)
        if notice := object_storage_notice(restoring=True):
            summary.warnings.append(notice)
        dump = unpacked / DUMP_NAME
        connections[DEFAULT_DB_ALIAS].close()
        # One transaction: if anything fails, the database is as it was. With --replace,
        # --clean drops what the archive re-creates inside that transaction.
        _run(
            [
                str(restore_client.path),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *(["--clean", "--if-exists"] if tables else []),
                f"--dbname={connections[DEFAULT_DB_ALIAS].settings_dict['NAME']}",
                str(dump),
            ]
        )
        if tables:
            _relations_drop_except(_archive_relations(restore_client, dump))

        all_stores = list(stores.values())
        for key, store in stores.items():
            _store_clear(store, all_stores)
            files = manifest["storages"].get(key, {"files": {}})["files"]
            for name in files:
                destination = store.location.joinpath(*PurePosixPath(name).parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(unpacked / FILES_DIR / key / name, destination)
            summary.file_counts[key] = len(files)

    summary.migrations_pending = _migrations_pending()
    return summary


def _migrations_pending() -> bool:
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    except ImproperlyConfigured:
        return False
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
