"""theodoi import-plan FILE --user USERNAME --plan 112-KH/TU (or --number/--date/... to create it).

Every change is recorded in the history under the account given by --user
(required: imports are attributable like changes made on the pages).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q

from theodoi.plans.importer import import_table
from theodoi.plans.lookup import plan_for_command
from theodoi.plans.models import Plan, Programme
from theodoi.units.models import Unit


def _unit(value: str) -> Unit:
    units = list(Unit.objects.filter(Q(key=value) | Q(code=value) | Q(name=value))[:2])
    if len(units) != 1:
        raise CommandError(f"{value!r}: {'no' if not units else 'more than one'} unit matches")
    return units[0]


class Command(BaseCommand):
    help = "Import a plan's task table from XLSX, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user",
            required=True,
            help="Username of the account the changes are recorded under in the history.",
        )
        parser.add_argument("--plan", help="Number of an existing plan, e.g. 112-KH/TU.")
        new = parser.add_argument_group("to create the plan first")
        new.add_argument("--number", help="Number of the new plan.")
        new.add_argument("--date", help="Date of the new plan, dd/mm/yyyy.")
        new.add_argument("--title", help="Title of the new plan.")
        new.add_argument("--programme", help="Code of the programme, e.g. 17-ĐA/TU.")
        new.add_argument("--year", type=int, help="Year (default: the year of --date).")
        new.add_argument("--issuer", help="Key, code or name of the issuing body.")
        new.add_argument("--owner", help="Key, code or name of the coordinating body.")
        parser.add_argument("--reason", default="", help="Reason kept in the history.")

    def _create_plan(self, options: dict[str, Any], user: Any, reason: str) -> Plan:
        for name in ("number", "date", "title", "programme", "issuer", "owner"):
            if not options[name]:
                raise CommandError(f"Give --plan, or --{name} (with the others) to create one.")
        try:
            issued_on = datetime.strptime(options["date"], "%d/%m/%Y").date()
        except ValueError as e:
            raise CommandError("--date: write dd/mm/yyyy") from e
        programme = Programme.objects.filter(code=options["programme"]).first()
        if programme is None:
            raise CommandError(f"No programme {options['programme']!r}.")
        plan = Plan(
            programme=programme,
            number=options["number"],
            issued_on=issued_on,
            year=options["year"] or issued_on.year,
            title=options["title"],
            issuer=_unit(options["issuer"]),
            owner=_unit(options["owner"]),
        )
        try:
            plan.full_clean()
        except ValidationError as e:
            message = "; ".join(f"{k}: {' '.join(v)}" for k, v in e.message_dict.items())
            raise CommandError(message) from e
        plan._history_user = user  # type: ignore[attr-defined]
        plan._change_reason = reason  # type: ignore[attr-defined]
        plan.save()
        return plan

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        user_model = get_user_model()
        user = user_model.objects.filter(
            **{user_model.USERNAME_FIELD: options["user"], "is_active": True}
        ).first()
        if user is None:
            raise CommandError(f"--user: no active account {options['user']!r}.")
        reason = options["reason"] or f"import-plan {path.name}"
        with transaction.atomic():
            if options["plan"]:
                plan = plan_for_command(options["plan"])
            else:
                plan = self._create_plan(options, user, reason)
            result = import_table(plan, path.read_bytes(), by=user, reason=reason)
            if not result.ok:
                transaction.set_rollback(True)
        if not result.ok:
            for e in result.errors:
                where = f"row {e.row}" if e.row else "file"
                if e.column:
                    where += f", {e.column}"
                self.stderr.write(f"{where}: {e.message}")
            raise CommandError(f"{len(result.errors)} problem(s): nothing was imported.")
        self.stdout.write(
            f"{plan.number}: {result.rows} rows, {result.created} created, "
            f"{result.updated} updated, {result.unchanged} unchanged "
            f"({result.fields_created} fields and {result.tasks_created} tasks created)."
        )
