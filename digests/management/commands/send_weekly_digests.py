from django.core.management.base import BaseCommand, CommandError

from digests.periods import week_current, week_parse
from digests.services import digest_week_build


class Command(BaseCommand):
    help = (
        "Build the last finished week's digests (per KIM, per district and for the whole area) "
        "and queue their emails to confirmed subscribers. The task worker runs it daily "
        "(kim_portal/schedule.py): the Monday run builds the week, every other run sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", help="a finished ISO week, e.g. 2026-W49 (default: the last)")

    def handle(self, *args, **options):
        monday = None
        if options["week"]:
            try:
                monday = week_parse(options["week"])
                if monday >= week_current():
                    raise ValueError("not finished yet")
            except ValueError as err:
                raise CommandError(f"Not a finished ISO week: {options['week']}") from err
        week = digest_week_build(monday=monday)
        self.stdout.write(
            self.style.SUCCESS(f"Weekly digests {week}: {week.digests.count()} areas")
        )
