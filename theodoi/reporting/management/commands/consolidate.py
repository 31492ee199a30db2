from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from theodoi.plans.lookup import plan_for_command
from theodoi.reporting.consolidation import export_defaults, render
from theodoi.reporting.forms import ExportForm
from theodoi.reporting.models import ConsolidatedExport, ReportingPeriod


class Command(BaseCommand):
    help = (
        "Write the consolidated report of a period as DOCX or XLSX. Unless given, the date is "
        "today, the recipients the usual list and the signer the head of the plan's "
        "coordinating unit (or K/T TRƯỞNG BAN)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="The plan's number, e.g. 112-KH/TU.")
        parser.add_argument("--period", required=True, help="The period's code, e.g. 2018-H1.")
        parser.add_argument("--out", required=True, type=Path, help="FILE.docx or FILE.xlsx")
        parser.add_argument("--number", default="", help="The report's number, e.g. 15-BC/BTGTU.")
        parser.add_argument(
            "--date", type=date.fromisoformat, help="The report's date (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--recipient",
            action="append",
            help='A "Nơi nhận" line; repeat for each (replaces the usual list).',
        )
        parser.add_argument("--signer-authority", help='e.g. "K/T TRƯỞNG BAN" ("" for none).')
        parser.add_argument("--signer-position", help='e.g. "PHÓ TRƯỞNG BAN".')
        parser.add_argument("--signer-name", help="The signer's full name.")

    def handle(self, *args: object, **options: object) -> None:
        out: Path = options["out"]  # type: ignore[assignment]
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("docx", "xlsx"):
            raise CommandError("--out must end in .docx or .xlsx")
        plan = plan_for_command(options["plan"])
        period = (
            ReportingPeriod.objects.select_related("plan__owner__parent")
            .filter(plan=plan, code=options["period"])
            .first()
        )
        if period is None:
            raise CommandError(f"No period {options['period']} in plan {options['plan']}.")
        data = {**export_defaults(period), "format": fmt, "number": options["number"]}
        if options["date"]:
            data["issued_on"] = options["date"]
        if options["recipient"]:
            data["recipients"] = "\n".join(options["recipient"])  # type: ignore[arg-type]
        for name in ("signer_authority", "signer_position", "signer_name"):
            if options[name] is not None:
                data[name] = options[name]
        form = ExportForm(data, period=period)
        if not form.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()
            )
            raise CommandError(problems)
        values = dict(form.cleaned_data)
        export = ConsolidatedExport(period=period, format=values.pop("format"), **values)
        out.write_bytes(render(period, fmt, export))
        self.stdout.write(f"Wrote {out}.")
