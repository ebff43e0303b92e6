import logging

from django.core.management.base import BaseCommand

from aspirations.selectors import contact_retention_days
from aspirations.services import submission_contacts_erase_expired

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Erase the sender's name, phone, email and account link of every aspiration or hoax "
        "report answered, closed or rejected longer ago than the retention period staff set in "
        "the admin (UU PDP). The task worker runs it daily; a rerun erases nothing more."
    )

    def handle(self, *args, **options):
        days = contact_retention_days()
        count = submission_contacts_erase_expired()
        logger.info(
            "Erased the sender's contact of %d submissions (retention %d days)", count, days
        )
        self.stdout.write(
            self.style.SUCCESS(f"Contacts erased: {count} (retention period {days} days)")
        )
