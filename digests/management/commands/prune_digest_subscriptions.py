from django.core.management.base import BaseCommand

from digests.services import CONFIRM_DAYS, subscriptions_prune


class Command(BaseCommand):
    help = (
        f"Delete digest subscriptions not confirmed within {CONFIRM_DAYS} days. The task worker "
        "runs it daily (kim_portal/schedule.py)."
    )

    def handle(self, *args, **options):
        count = subscriptions_prune()
        self.stdout.write(self.style.SUCCESS(f"Unconfirmed subscriptions deleted: {count}"))
