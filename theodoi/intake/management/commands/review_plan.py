"""theodoi review-plan FILE --user USERNAME (--plan 112-KH/TU | --programme 17-ĐA/TU --owner BTG)
[--mapping MAPPING.json] [--commit --reason "…"]

The page's import with a review step, on the command line: reads an issued plan
(.docx) or a hand-made table (.xlsx), prints every row as understood with its
problems, and writes nothing unless ``--commit`` is given and nothing is left to
fix (then all rows in one transaction, recorded under --user with --reason).

The mapping file (JSON) says what the page would let a user change:

    {"header_row": 4,                                  # 1-based; guessed when absent
     "columns": {"Cơ quan chủ trì": "leads", "6": "time"},  # by header or 1-based column
     "choices": {"BTC": "lc2018:agency:BTC"},           # a name asked -> unit key, code or id
     "edits": {"12": {"leads": "BTG", "kind": "task"}}}  # by 1-based row of the file

Without --plan, the plan is created from the document's header (number, date,
title, issuing body) under --programme, coordinated by --owner.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q

from theodoi.intake import columns
from theodoi.intake.models import StagedImport
from theodoi.intake.reader import FileRefused, read_upload
from theodoi.intake.review import CommitRefused, Review, commit, understand
from theodoi.intake.text import fold
from theodoi.plans.lookup import plan_for_command
from theodoi.plans.models import Plan, Programme
from theodoi.units.models import Unit


def _unit(value: str) -> Unit:
    query = Q(key=value) | Q(code=value) | Q(name=value)
    if value.isdigit():
        query |= Q(pk=int(value))
    units = list(Unit.objects.filter(query)[:2])
    if len(units) != 1:
        raise CommandError(f"{value!r}: {'no' if not units else 'more than one'} unit matches")
    return units[0]


def apply_mapping(staged: StagedImport, spec: dict[str, Any]) -> None:
    """Apply a mapping file's header row, columns, choices and edits to a staged import."""
    rows = staged.grid["rows"]
    if "header_row" in spec:
        staged.header_row = int(spec["header_row"]) - 1
        staged.mapping = columns.guess_mapping(rows, staged.header_row, staged.kind)
    header = rows[staged.header_row] if 0 <= staged.header_row < len(rows) else []
    allowed = columns.fields_for(staged.kind)
    for name, field in (spec.get("columns") or {}).items():
        if field and field not in allowed:
            raise CommandError(f"columns: {field!r} is not one of {', '.join(allowed)}")
        if str(name).isdigit():
            position = int(name) - 1
        else:
            found = [c for c, h in enumerate(header) if fold(h) == fold(name)]
            if not found:
                raise CommandError(f"columns: no header {name!r} in row {staged.header_row + 1}")
            position = found[0]
        mapping = {c: k for c, k in staged.mapping.items() if k != field or not field}
        mapping[str(position)] = field
        staged.mapping = mapping
    staged.choices = {fold(k): _unit(str(v)).pk for k, v in (spec.get("choices") or {}).items()}
    staged.edits = {
        str(int(row) - 1): {k: str(v) for k, v in cells.items()}
        for row, cells in (spec.get("edits") or {}).items()
    }


def describe(review: Review) -> list[str]:
    lines = []
    for row in review.shown:
        where = f"row {row.source}"
        if row.kind == "skip":
            lines.append(f"{where}: skipped ({row.skip_reason}): {row.title[:80]}")
            continue
        if row.kind in ("field", "task"):
            lines.append(f"{where}: {row.kind} {row.number} {row.title}".rstrip())
            continue
        leads = ", ".join(u.short_name or u.name for u in row.leads)
        coordinating = ", ".join(u.short_name or u.name for u in row.coordinating)
        when = f"{row.start:%d/%m/%Y}–{row.end:%d/%m/%Y}" if row.start and row.end else "?"
        lines.append(
            f"{where}: work item {row.number} {row.title[:70]} | lead: {leads or '—'}"
            f" | coordinating: {coordinating or '—'} | {when} ({row.time_frame or '—'})"
            f" | output: {row.cells.get('output') or '—'}"
        )
        for key, messages in row.problems.items():
            for message in messages:
                lines.append(f"  PROBLEM at {key}: {message}")
        for key, name, options in row.asked:
            choices = "; ".join(f"{pk} = {label}" for pk, label in options)
            lines.append(f"  ASKED at {key}: {name!r} matches several units ({choices})")
    return lines


class Command(BaseCommand):
    help = "Import a plan from an issued .docx or a hand-made .xlsx, with the page's review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="Account the changes are recorded under.")
        parser.add_argument("--plan", help="Number or id of an existing plan.")
        parser.add_argument("--programme", help="Programme code, to create the plan from a .docx.")
        parser.add_argument("--owner", help="Coordinating body (key, code or name) of a new plan.")
        parser.add_argument(
            "--mapping", type=Path, help="JSON: header_row, columns, choices, edits."
        )
        parser.add_argument(
            "--commit", action="store_true", help="Write it when nothing is left to fix."
        )
        parser.add_argument(
            "--reason", default="", help="Why (kept in the history); needed with --commit."
        )
        parser.add_argument("--quiet-rows", action="store_true", help="Print the summary only.")

    def _new_plan(self, options: dict[str, Any], meta: dict[str, Any], user: Any) -> Plan:
        if not options["programme"] or not options["owner"]:
            raise CommandError("Give --plan, or --programme and --owner to create it from a .docx.")
        programme = Programme.objects.filter(code=options["programme"]).first()
        if programme is None:
            raise CommandError(f"No programme {options['programme']!r}.")
        if not meta.get("number") or not meta.get("issued_on"):
            raise CommandError("The document's header gives no number and date: use --plan.")
        issuer = programme.issuer
        for line in meta.get("issuer_lines", []):
            found = [
                u
                for u in Unit.objects.filter(kind=Unit.Kind.PROVINCE)
                if fold(u.name) == fold(line)
            ]
            if len(found) == 1:
                issuer = found[0]
        issued_on = date.fromisoformat(meta["issued_on"])
        plan = Plan(
            programme=programme,
            number=meta["number"],
            issued_on=issued_on,
            year=issued_on.year,
            title=(meta.get("title") or meta["number"])[:400],
            issuer=issuer,
            owner=_unit(options["owner"]),
        )
        try:
            plan.full_clean()
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from e
        plan._history_user = user  # type: ignore[attr-defined]
        plan._change_reason = options["reason"] or f"review-plan {options['file'].name}"
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
        if options["commit"] and not options["reason"].strip():
            raise CommandError("--commit needs --reason (kept in the history).")
        try:
            fmt, grid = read_upload(path.name, path.read_bytes())
        except FileRefused as e:
            raise CommandError(str(e)) from e
        spec = json.loads(options["mapping"].read_text("utf-8")) if options["mapping"] else {}
        with transaction.atomic():
            if options["plan"]:
                plan = plan_for_command(options["plan"])
            else:
                plan = self._new_plan(options, grid.get("meta", {}), user)
            remembered = columns.remembered_for(plan.issuer)
            header = columns.find_header(grid["rows"], "plan", remembered)
            staged = StagedImport(
                plan=plan,
                filename=path.name[:200],
                file_format=fmt,
                grid=grid,
                header_row=header,
                mapping=columns.guess_mapping(grid["rows"], header, "plan", remembered),
                apply_meta=False,
                created_by=user,
            )
            apply_mapping(staged, spec)
            review = understand(staged)
            if not options["quiet_rows"]:
                for line in describe(review):
                    self.stdout.write(line)
            counts = review.counts
            self.stdout.write(
                f"{plan.number}: {counts['fields']} fields, {counts['tasks']} tasks, "
                f"{counts['items']} work items, {counts['skipped']} rows skipped, "
                f"{review.problem_count} problem(s)."
            )
            if not options["commit"]:
                transaction.set_rollback(True)
                self.stdout.write("Nothing written (add --commit to write it).")
                return
            staged.save()
            try:
                result = commit(staged, by=user, reason=options["reason"])
            except CommitRefused as e:
                transaction.set_rollback(True)
                raise CommandError(f"{e} Nothing was written.") from e
        self.stdout.write(
            f"Committed: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged ({result.fields_created} fields and "
            f"{result.tasks_created} tasks created)."
        )
