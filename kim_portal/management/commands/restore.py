from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kim_portal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into the configured database and file "
        "storages. Refuses to run over existing data unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz file `backup` wrote.")
        parser.add_argument(
            "--replace",
            "--force",
            action="store_true",
            dest="replace",
            help="Delete the database's tables and the storages' files first.",
        )

    def handle(self, *args, archive: Path, replace: bool, **options):
        try:
            summary = backup_restore(archive=archive, replace=replace)
        except BackupError as err:
            raise CommandError(str(err)) from err
        summary.report(
            self, f"Restored the backup of {summary.created_at} (files: {summary.files_text})."
        )
        if summary.migrations_pending:
            self.stdout.write(
                "The archive is from an older version of the portal: run `manage.py migrate`."
            )
