import argparse
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from theodoi.core import clock
from theodoi.reporting.reminders import send_reminders


class Command(BaseCommand):
    help = """Send the day's report reminders and the coordinators' digests.

For each plan with reporting periods, the units that still owe a report are
reminded before, on and after its due date (the plan's reminder settings):
first the unit's reporters, from the set day after the due date also its
head; coordinators whose reach includes the plan's owner get one digest a
day. Each reminder is logged under a key (report, unit, day), so running this
twice on the same day sends nothing the second time.

Two ways to run it daily:

  cron, directly:
    15 7 * * *  theodoi remind

  through the django-tasks queue (TASKS setting; the embedded default is the
  database backend, which needs no extra server):
    15 7 * * *  theodoi remind --enqueue     # queue the job
    theodoi db_worker                        # a long-running worker runs it
    (`theodoi serve` already starts one worker beside gunicorn;
    or, from cron, theodoi db_worker --batch runs what is queued and exits)

The day is the domain date (THEODOI_TODAY in the demo) unless --date is given."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, help="The day to act as (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the job (theodoi.reporting.tasks.send_reminders) for the "
            "django-tasks worker instead of sending now.",
        )

    def handle(self, *args: object, **options: object) -> None:
        day: date = options["date"] or clock.today()  # type: ignore[assignment]
        if options["enqueue"]:
            from theodoi.reporting.tasks import send_reminders as task

            result = task.enqueue(day.isoformat())
            self.stdout.write(f"Reminders for {day:%d/%m/%Y} queued (task {result.id}).")
            return
        sent = send_reminders(day)
        self.stdout.write(f"{sent} reminder(s) sent for {day:%d/%m/%Y}.")
