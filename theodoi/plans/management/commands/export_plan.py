"""theodoi export-plan --plan 112-KH/TU --out FILE.xlsx"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from theodoi.plans.importer import export_table
from theodoi.plans.lookup import plan_for_command


class Command(BaseCommand):
    help = "Write a plan's task table to a formatted XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--plan", required=True, help="The plan's id or document number, e.g. 112-KH/TU."
        )
        parser.add_argument("--out", required=True, type=Path, help="The XLSX file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = plan_for_command(options["plan"])
        out: Path = options["out"]
        out.write_bytes(export_table(plan))
        self.stdout.write(f"{plan.number}: wrote {out}")
