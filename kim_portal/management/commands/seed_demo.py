from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.demo import demo_accounts_seed
from accounts.models import User
from aspirations.demo import demo_submissions_seed
from groups.demo import demo_kims_seed
from news.demo import demo_posts_seed
from trainings.demo import demo_trainings_seed

DEMO_REGIONS_FILE = Path(settings.BASE_DIR) / "data" / "regions" / "regions_musi_banyuasin.csv"


class Command(BaseCommand):
    help = (
        "Load the demo data: the Musi Banyuasin regions and demo accounts. Idempotent; refuses "
        "to run with DJANGO_DEBUG off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Seed even though DJANGO_DEBUG is off."
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with published passwords; it runs only with "
                "DJANGO_DEBUG=1 (or --force)."
            )
        started = timezone.now()
        with transaction.atomic():
            call_command("import_regions", DEMO_REGIONS_FILE, stdout=self.stdout)
            accounts = demo_accounts_seed()
            users = {role: User.objects.get(email=email) for role, email, _password in accounts}
            kim_count = demo_kims_seed(
                staff=users["staff"], chair=users["kim chair"], resident=users["resident"]
            )
            self.stdout.write(f"KIM: {kim_count}")
            post_count = demo_posts_seed(staff=users["staff"], chair=users["kim chair"])
            self.stdout.write(f"Berita: {post_count}")
            training_count = demo_trainings_seed(
                staff=users["staff"], chair=users["kim chair"], resident=users["resident"]
            )
            self.stdout.write(f"Pelatihan: {training_count}")
            submission_count = demo_submissions_seed(staff=users["staff"], chair=users["kim chair"])
            self.stdout.write(f"Aspirasi: {submission_count}")
            # The demo's people are made up: the emails its services queue on the way
            # (tracking codes, review notes, registrations) would only bury the logins below
            # in the console. Registered last, this runs after the services' own enqueueing.
            transaction.on_commit(lambda: _queued_emails_drop(since=started))
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo logins:"))
        for role, email, password in accounts:
            self.stdout.write(f"  {role:<10} {email:<20} {password}")


def _queued_emails_drop(*, since) -> None:
    DBTaskResult.objects.filter(enqueued_at__gte=since, status=TaskResultStatus.READY).delete()
