from datetime import date

from django.core.management.base import BaseCommand, CommandParser

from theodoi.core import clock
from theodoi.reporting.reminders import send_reminders


class Command(BaseCommand):
    help = "Send today's report reminders and coordinator digests (run daily from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, help="The day to act as (YYYY-MM-DD)."
        )

    def handle(self, *args: object, **options: object) -> None:
        day = options["date"] or clock.today()
        sent = send_reminders(day)  # type: ignore[arg-type]
        self.stdout.write(f"{sent} reminder(s) sent for {day:%d/%m/%Y}.")
