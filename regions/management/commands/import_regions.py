import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from regions.services import LEVELS, region_rows_read, regions_import


class Command(BaseCommand):
    help = (
        "Import provinces, regencies, districts and villages from a Kemendagri region CSV "
        "(code,name,level,parent_code,kind; plain or .gz). Upserts by code in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help="CSV file, e.g. data/regions/regions_musi_banyuasin.csv"
        )
        parser.add_argument(
            "--regency",
            default="",
            metavar="CODE",
            help="Import only this region (e.g. 16.06), what lies below it and its province.",
        )

    def handle(self, *args, file: Path, regency: str, **options):
        started = time.monotonic()
        if not file.exists():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        try:
            rows = region_rows_read(file, within=regency.strip())
            if not rows:
                raise CommandError(_("No rows found for region %(code)s.") % {"code": regency})
            result = regions_import(rows=rows)
        except ValidationError as err:
            raise CommandError(
                _("%(file)s: %(error)s Nothing was imported.")
                % {"file": file, "error": " ".join(err.messages)}
            ) from err
        for level, (model, *_rest) in LEVELS.items():
            self.stdout.write(
                _("%(level)s: %(created)d new, %(updated)d updated, %(unchanged)d unchanged")
                % {
                    "level": model._meta.verbose_name_plural,
                    "created": result.created[level],
                    "updated": result.updated[level],
                    "unchanged": result.unchanged[level],
                }
            )
        if result.corrected_names_kept:
            self.stdout.write(
                self.style.WARNING(
                    _("Kept names corrected by staff although the official name changed: %(codes)s")
                    % {"codes": ", ".join(result.corrected_names_kept)}
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported %(total)d regions in %(seconds).1f s.")
                % {"total": result.total, "seconds": time.monotonic() - started}
            )
        )
