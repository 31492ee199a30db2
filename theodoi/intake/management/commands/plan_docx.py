"""theodoi plan-docx --plan 112-KH/TU --out FILE.docx: the plan as issued, with its appendix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from theodoi.intake.plan_docx import plan_docx
from theodoi.plans.lookup import plan_for_command


class Command(BaseCommand):
    help = "Write a plan as an issued Kế hoạch (Party-format DOCX with its appendix table)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="Number or id of the plan.")
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        plan = plan_for_command(options["plan"])
        options["out"].write_bytes(plan_docx(plan))
        self.stdout.write(f"{options['out']}: {plan.number}")
