"""Recompute tuyên vận results (missing and late reports change once the due date passes)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from theodoi.core import clock
from theodoi.tuyenvan.models import month_start, parse_month
from theodoi.tuyenvan.scoring import compute_month
from theodoi.units.models import Unit


class Command(BaseCommand):
    help = "Recompute the month's results of every commune (closed months are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM; default: this month and the one before")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                months = [parse_month(options["month"])]
            except ValueError:
                raise CommandError("Use --month YYYY-MM.") from None
        else:
            this = month_start(clock.today())
            previous = month_start(this - timedelta(days=1))
            months = [previous, this]
        roots = Unit.objects.filter(parent__isnull=True)
        for month in months:
            written = sum(compute_month(root, month) for root in roots)
            self.stdout.write(f"{month:%Y-%m}: {written} results")
