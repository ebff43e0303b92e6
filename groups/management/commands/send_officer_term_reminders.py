from django.core.management.base import BaseCommand

from groups.services import TERM_REMINDER_DAYS, officer_term_reminders_send


class Command(BaseCommand):
    help = (
        f"Email each KIM's managers about officers whose term ends within {TERM_REMINDER_DAYS} "
        "days. The task worker runs it daily (kim_portal/schedule.py); a rerun sends nothing."
    )

    def handle(self, *args, **options):
        count = officer_term_reminders_send()
        self.stdout.write(self.style.SUCCESS(f"Officer term reminders queued: {count}"))
