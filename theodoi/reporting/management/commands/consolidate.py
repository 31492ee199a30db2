from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from theodoi.reporting.consolidation import render
from theodoi.reporting.models import ReportingPeriod


class Command(BaseCommand):
    help = "Write the consolidated report of a period as DOCX or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="The plan's number, e.g. 112-KH/TU.")
        parser.add_argument("--period", required=True, help="The period's code, e.g. 2018-H1.")
        parser.add_argument("--out", required=True, type=Path, help="FILE.docx or FILE.xlsx")
        parser.add_argument("--number", default="", help="The report's number, e.g. 15-BC/BTGTU.")

    def handle(self, *args: object, **options: object) -> None:
        out: Path = options["out"]  # type: ignore[assignment]
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("docx", "xlsx"):
            raise CommandError("--out must end in .docx or .xlsx")
        period = (
            ReportingPeriod.objects.select_related("plan__owner__parent")
            .filter(plan__number=options["plan"], code=options["period"])
            .first()
        )
        if period is None:
            raise CommandError(f"No period {options['period']} in plan {options['plan']}.")
        out.write_bytes(render(period, fmt, str(options["number"])))
        self.stdout.write(f"Wrote {out}.")
