from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kim_portal.backup import BackupError, archive_path_for, backup_create, backups_prune


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) of the database and every uploaded file, public and "
        "private, with a manifest of their SHA-256 hashes. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help=(
                "A directory (a time-stamped archive is written in it) or a file name ending in "
                ".tar.gz. Default: var/backups/."
            ),
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            metavar="N",
            help="Afterwards delete all but the N newest archives of that directory (0: keep all).",
        )

    def handle(self, *args, output: Path | None, keep: int, **options):
        if keep < 0:
            raise CommandError("--keep must be 0 or more.")
        path = archive_path_for(output)
        try:
            summary = backup_create(path=path)
        except BackupError as err:
            raise CommandError(str(err)) from err
        summary.report(
            self,
            f"Backup written: {summary.path} ({summary.size / 1_048_576:.1f} MB; "
            f"files: {summary.files_text})",
        )
        if keep:
            for deleted in backups_prune(directory=path.parent, keep=keep):
                self.stdout.write(f"Deleted old backup {deleted}")
