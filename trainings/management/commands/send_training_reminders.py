from django.core.management.base import BaseCommand

from trainings.services import reminders_send


class Command(BaseCommand):
    help = (
        "Email the confirmed participants of every training that starts tomorrow. The task "
        "worker runs it daily (kim_portal/schedule.py); a second run the same day sends nothing."
    )

    def handle(self, *args, **options):
        count = reminders_send()
        self.stdout.write(self.style.SUCCESS(f"Reminders queued: {count}"))
