"""A staged plan table read as the plan it describes: every row as understood.

``understand(staged)`` turns the grid (reader.py), the column mapping
(columns.py) and the user's corrections into review rows: fields, tasks and work
items with their units (units.py) and dates (timeframes.py), each problem at its
cell. Nothing is written. ``commit(staged)`` reads everything again and writes
it in one transaction, all or nothing (plans.importer.write_rows).

Structure from layout:

- rows above the header (titles, the document's heading) and notes below the table
  ("Ghi chú", "Nơi nhận", "*") are skipped and shown as skipped; so are repeated
  header rows and a row of column numbers ("(1) (2) (3)");
- a row with text but no unit, time or output (often one cell merged across the
  row) is a section: numbered "I.", "II." or "A." it is a field, numbered "1.",
  "2.", "1.1" or "a)" it is a task; unnumbered it is a field, or a task when the
  table numbers its fields with Roman numerals;
- a work item numbered "1." followed by items numbered "1.1", "a)" or "-" is the
  task of those items (they inherit its units, time and output when theirs are
  blank); a work item under no task is its own task;
- numbering is read from the number column, or from the start of the text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from theodoi.plans.actions import WorkItemData, validate_work_item
from theodoi.plans.importer import ImportResult, Row, write_rows
from theodoi.plans.models import Plan, Task
from theodoi.units.models import Unit

from . import columns
from .models import StagedImport
from .text import fold
from .timeframes import parse_date, parse_time_frame
from .units import Found, UnitResolver

DATA_KEYS = ("leads", "coordinating", "time", "start", "end", "output")
EDITABLE = ("number", "title", "leads", "coordinating", "time", "start", "end", "output", "note")
KINDS = ("item", "task", "field", "skip")
NOTE_START = re.compile(
    r"^(ghi chu|luu y|chu thich|nguon|noi nhan|nguoi lap|\*|\(\*\)|t/m|tm\.|k/t|kt\.|note)",
)
NUMBERING = re.compile(
    r"^\s*((?:[IVXLC]+|[A-Z]|\d+(?:\.\d+)*|[a-zđ])[.)]|\d+(?:\.\d+)+|[-+•–])\s+(.+)$", re.S
)
COLUMN_NUMBERS = re.compile(r"^\(?(\d+|[ivx]+)\)?$")
ROMAN = re.compile(r"^[IVXLC]+$")
MAX_LENGTHS = {"title": 500, "output": 500, "number": 20, "time": 120, "field": 200, "task": 500}


class CommitRefused(Exception):
    """The staged import still has problems (or was committed already)."""


@dataclass
class ReviewRow:
    index: int
    source: str
    kind: str
    number: str = ""
    title: str = ""
    skip_reason: str = ""
    field: str = ""
    task: str = ""
    task_number: str = ""
    cells: dict[str, str] = dc_field(default_factory=dict)
    edited: set[str] = dc_field(default_factory=set)
    leads: list[Unit] = dc_field(default_factory=list)
    coordinating: list[Unit] = dc_field(default_factory=list)
    groups: dict[str, list[str]] = dc_field(default_factory=dict)
    start: date | None = None
    end: date | None = None
    time_frame: str = ""
    problems: dict[str, list[str]] = dc_field(default_factory=dict)
    asked: list[tuple[str, str, list[tuple[int, str]]]] = dc_field(default_factory=list)
    level_from: str = ""

    def problem(self, key: str, message: str) -> None:
        self.problems.setdefault(key, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.asked


@dataclass
class Review:
    rows: list[ReviewRow]
    mapping: dict[str, str]
    header: int
    headers: list[str]
    meta: dict[str, Any]
    issuer: Unit | None = None
    formulas: int = 0

    @property
    def shown(self) -> list[ReviewRow]:
        return [r for r in self.rows if r.kind != "blank"]

    @property
    def items(self) -> list[ReviewRow]:
        return [r for r in self.rows if r.kind == "item"]

    @property
    def problem_rows(self) -> list[ReviewRow]:
        return [r for r in self.rows if not r.ok]

    @property
    def problem_count(self) -> int:
        return sum(len(m) for r in self.rows for m in r.problems.values()) + sum(
            len(r.asked) for r in self.rows
        )

    @property
    def asked(self) -> dict[str, tuple[str, list[tuple[int, str]]]]:
        """Each name asked once for the whole import: folded name -> (as written, options)."""
        out: dict[str, tuple[str, list[tuple[int, str]]]] = {}
        for row in self.rows:
            for _key, name, options in row.asked:
                out.setdefault(fold(name), (name, options))
        return out

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(r.kind for r in self.rows)
        return {
            "fields": len({r.field for r in self.items}),
            "tasks": len({(r.field, r.task) for r in self.items}),
            "items": counted["item"],
            "skipped": counted["skip"],
            "assignments": sum(len(r.leads) + len(r.coordinating) for r in self.items),
        }


def _split_number(text: str) -> tuple[str, str]:
    m = NUMBERING.match(text)
    if m:
        return m.group(1).strip(), " ".join(m.group(2).split())
    return "", text


def _level(number: str) -> str:
    """ "field", "task", "child" (a work item under an item) or "" for a number."""
    bare = number.rstrip(".)")
    if not bare:
        return ""
    if ROMAN.match(bare) or (len(bare) == 1 and bare.isupper()):
        return "field"
    if bare.isdigit():
        return "task"
    if re.match(r"^\d+(\.\d+)+$", bare) or re.match(r"^[a-zđ]$", bare) or bare in "-+•–":
        return "child"
    return ""


def _clean_number(number: str) -> str:
    return number.rstrip(".)").strip() if number not in ("-", "+", "•", "–") else ""


def understand(staged: StagedImport, *, resolver: UnitResolver | None = None) -> Review:
    plan = staged.plan
    grid = staged.grid
    rows: list[list[str]] = grid.get("rows", [])
    sources: list[str] = grid.get("sources", [])
    spans: dict[str, list[int]] = grid.get("spans", {})
    mapping = {c: k for c, k in (staged.mapping or {}).items() if k}
    col_of: dict[str, int] = {}
    for c, key in mapping.items():
        col_of.setdefault(key, int(c))
    header = staged.header_row
    headers = rows[header] if 0 <= header < len(rows) else []
    resolver = resolver or UnitResolver(plan)
    edits: dict[str, dict[str, str]] = staged.edits or {}
    choices = staged.choices or {}
    review = Review(
        rows=[],
        mapping=mapping,
        header=header,
        headers=headers,
        meta=grid.get("meta", {}),
        formulas=len(grid.get("formulas", [])),
    )
    has_roman = False
    for index in range(header + 1, len(rows)):
        c = col_of.get("number")
        number = rows[index][c] if c is not None and c < len(rows[index]) else ""
        first = next((t for t in rows[index] if t), "")
        if ROMAN.match((number or _split_number(first)[0]).rstrip(".)")):
            has_roman = True
            break

    def value(index: int, key: str) -> str:
        edit = edits.get(str(index), {})
        if key in edit:
            return edit[key]
        c = col_of.get(key)
        if c is None or c >= len(rows[index]):
            return ""
        return rows[index][c]

    seen_item = False
    for index, raw in enumerate(rows):
        source = sources[index] if index < len(sources) else str(index + 1)
        row = ReviewRow(index=index, source=source, kind="blank")
        review.rows.append(row)
        text_cells = [t for t in raw if t]
        override = edits.get(str(index), {}).get("kind", "")
        row.edited = set(edits.get(str(index), {})) - {"kind"}
        if not text_cells and not row.edited:
            continue
        distinct = list(dict.fromkeys(text_cells))
        if index < header:
            row.kind, row.skip_reason = "skip", _("above the table (title or heading)")
            row.title = " · ".join(distinct)
            continue
        if index == header:
            row.kind, row.skip_reason = "skip", _("header row")
            row.title = " · ".join(distinct)
            continue
        if header < 0:
            row.kind, row.skip_reason = "skip", _("no header row found")
            row.title = " · ".join(distinct)
            continue
        joined = " · ".join(distinct)
        if override == "skip":
            row.kind, row.skip_reason, row.title = "skip", _("skipped by you"), joined
            continue
        if not override:
            if all(COLUMN_NUMBERS.match(fold(t)) for t in distinct) and len(distinct) > 2:
                row.kind, row.skip_reason, row.title = "skip", _("column numbers"), joined
                continue
            score = columns.score_header(raw)
            if score >= 2 and index <= header + 1:
                row.kind, row.skip_reason, row.title = "skip", _("second header row"), joined
                continue
            if score >= 3:
                row.kind, row.skip_reason, row.title = "skip", _("repeated header row"), joined
                continue
            if seen_item and len(distinct) == 1 and NOTE_START.match(fold(distinct[0])):
                row.kind, row.skip_reason, row.title = "skip", _("note below the table"), joined
                continue
        for key in EDITABLE:
            row.cells[key] = value(index, key)
        number = row.cells["number"]
        title = row.cells["title"]
        field_cell = value(index, "field")
        task_cell = value(index, "task")
        has_data = any(row.cells[k] for k in DATA_KEYS)
        spanned = str(index) in spans
        if not title and not has_data:
            # A section written in the field or task column, or across the row.
            title = task_cell if task_cell and not field_cell else ""
            title = title or field_cell or (distinct[-1] if len(distinct) <= 2 else "")
            if not number and len(distinct) == 2 and _level(distinct[0]):
                number = distinct[0]
        if not number:
            number, title = _split_number(title)
        row.number, row.title = number, title
        kind = override
        if not kind:
            if has_data or (
                not spanned
                and title
                and (field_cell or task_cell)
                and title not in (field_cell, task_cell)
            ):
                kind = "item"
            elif title:
                level = _level(number)
                if (
                    level == "field"
                    or (not level and not has_roman and not task_cell)
                    or (not level and field_cell and title == field_cell)
                ):
                    kind = "field"
                else:
                    kind = "task"
            else:
                row.kind, row.skip_reason, row.title = "skip", _("nothing to read"), joined
                continue
        row.kind = kind
        if kind == "item":
            seen_item = True
            row.field, row.task = field_cell, task_cell

    _structure(review, plan)
    _resolve(review, plan, resolver, choices)
    return review


def _structure(review: Review, plan: Plan) -> None:
    """Fields and tasks from sections; parent items into tasks; inherited cells."""
    rows = [r for r in review.rows if r.kind in ("field", "task", "item")]
    # A numbered item followed by child-numbered items is their task.
    for position, row in enumerate(rows):
        if row.kind != "item" or _level(row.number) != "task" or position + 1 >= len(rows):
            continue
        after = rows[position + 1]
        if after.kind == "item" and _level(after.number) == "child":
            row.kind, row.level_from = "task", "parent"
    current_field = current_task = current_task_number = ""
    parent: ReviewRow | None = None
    for row in rows:
        if row.kind == "field":
            current_field, current_task, current_task_number, parent = row.title, "", "", None
        elif row.kind == "task":
            current_task, current_task_number = row.title, _clean_number(row.number)
            parent = row if row.level_from == "parent" else None
            row.field = current_field
        else:
            if parent is not None:
                for key in DATA_KEYS:
                    if not row.cells.get(key) and parent.cells.get(key):
                        row.cells[key] = parent.cells[key]
            if row.field:
                current_field = row.field
            row.field = current_field or _("General")
            if row.task:
                row.task_number = current_task_number if row.task == current_task else ""
                current_task = row.task
            elif current_task:
                row.task, row.task_number = current_task, current_task_number
            else:
                row.task, row.task_number = row.title, _clean_number(row.number)


def _units_problem(row: ReviewRow, key: str, found: Found) -> None:
    for name in found.unknown:
        row.problem(key, _("No unit “%(name)s” in this province.") % {"name": name})
    for name, options in found.asked:
        row.asked.append((key, name, options))


def _resolve(review: Review, plan: Plan, resolver: UnitResolver, choices: dict[str, Any]) -> None:
    cache: dict[str, Found] = {}
    stub = Task(plan=plan)
    seen: dict[tuple[str, str, str], str] = {}

    def find(text: str) -> Found:
        if text not in cache:
            cache[text] = resolver.find(text, choices)
        return cache[text]

    for row in review.rows:
        if row.kind in ("field", "task"):
            limit = MAX_LENGTHS[row.kind]
            if len(row.title) > limit:
                row.problem("title", _("Write at most %(n)s characters.") % {"n": limit})
            continue
        if row.kind != "item":
            continue
        cells = row.cells
        leads, coordinating = find(cells["leads"]), find(cells["coordinating"])
        row.leads, row.coordinating = leads.units, coordinating.units
        row.groups = {"leads": leads.groups, "coordinating": coordinating.groups}
        _units_problem(row, "leads", leads)
        _units_problem(row, "coordinating", coordinating)
        start = end = None
        if cells["time"]:
            frame = parse_time_frame(cells["time"], plan.year)
            if frame is None:
                row.problem(
                    "time",
                    _("“%(text)s” is not a time frame this import reads (see the rule below).")
                    % {"text": cells["time"]},
                )
            else:
                start, end, row.time_frame = frame.start, frame.end, frame.text
        for key in ("start", "end"):
            if cells[key]:
                day = parse_date(cells[key], plan.year)
                if day is None:
                    frame = parse_time_frame(cells[key], plan.year)
                    day = (frame.start if key == "start" else frame.end) if frame else None
                if day is None:
                    row.problem(key, _("Write the date as dd/mm/yyyy."))
                elif key == "start":
                    start = day
                else:
                    end = day
        if start is None and end is not None and not cells["time"]:
            start = date(plan.year, 1, 1)
        row.start, row.end = start, end
        for key in ("title", "output", "number"):
            if len(cells[key]) > MAX_LENGTHS[key]:
                row.problem(key, _("Write at most %(n)s characters.") % {"n": MAX_LENGTHS[key]})
        if len(row.time_frame) > MAX_LENGTHS["time"]:
            row.time_frame = row.time_frame[: MAX_LENGTHS["time"]]
        time_key = "time" if cells["time"] or "time" in review.mapping.values() else "end"
        data = WorkItemData(
            title=row.title, start=start, end=end, leads=row.leads, coordinating=row.coordinating
        )
        if (
            not row.problems.get("time")
            and not row.problems.get("start")
            and not row.problems.get("end")
        ):
            pass
        try:
            validate_work_item(stub, data)
        except ValidationError as e:
            for key, messages in e.message_dict.items():
                if key == "leads" and (
                    row.problems.get("leads") or any(a[0] == "leads" for a in row.asked)
                ):
                    continue
                if key in ("start", "end"):
                    if (
                        row.problems.get("time")
                        or row.problems.get("start")
                        or row.problems.get("end")
                    ):
                        continue
                    key = time_key if time_key == "time" else key
                for message in messages:
                    if message not in row.problems.get(key, []):
                        row.problem(key, message)
        identity = (fold(row.field), fold(row.task), fold(row.title))
        if row.title and identity in seen:
            row.problem(
                "title",
                _("The same work item is already on row %(row)s of this task.")
                % {"row": seen[identity]},
            )
        seen.setdefault(identity, row.source)


# Staging and committing -------------------------------------------------------------


def stage(
    plan: Plan,
    name: str,
    grid: dict[str, Any],
    file_format: str,
    *,
    by: AbstractBaseUser,
    kind: str = StagedImport.Kind.PLAN,
    report: Any = None,
) -> StagedImport:
    """Keep the file as read for review, with the columns guessed. Writes only the stage."""
    remembered = columns.remembered_for(plan.issuer)
    header = columns.find_header(grid["rows"], kind, remembered)
    mapping = columns.guess_mapping(grid["rows"], header, kind, remembered)
    return StagedImport.objects.create(
        plan=plan,
        report=report,
        kind=kind,
        filename=name[:200],
        file_format=file_format,
        grid=grid,
        header_row=header,
        mapping=mapping,
        apply_meta=bool(grid.get("meta", {}).get("number")) and kind == StagedImport.Kind.PLAN,
        created_by=by,
    )


def to_rows(review: Review) -> list[Row]:
    present = frozenset(
        {"number", "task_number"}
        | ({"coordination_note"} if "note" in review.mapping.values() else set())
    )
    return [
        Row(
            number=row.index + 1,
            field=row.field,
            task=row.task,
            task_number=row.task_number,
            present=frozenset(present),
            data=WorkItemData(
                title=row.title,
                start=row.start,
                end=row.end,
                number=_clean_number(row.number),
                expected_output=row.cells["output"],
                coordination_note=row.cells["note"],
                leads=row.leads,
                coordinating=row.coordinating,
                time_frame=row.time_frame,
            ),
        )
        for row in review.items
    ]


def _apply_meta(plan: Plan, meta: dict[str, Any], by: AbstractBaseUser, reason: str) -> None:
    changed = []
    if meta.get("number") and plan.number != meta["number"]:
        plan.number = meta["number"][:60]
        changed.append("number")
    if meta.get("issued_on"):
        issued = date.fromisoformat(meta["issued_on"])
        if plan.issued_on != issued:
            plan.issued_on = issued
            changed.append("issued_on")
    if meta.get("title") and plan.title != meta["title"][:400]:
        plan.title = meta["title"][:400]
        changed.append("title")
    if changed:
        try:
            plan.validate_constraints()
        except ValidationError as e:
            raise CommitRefused(" ".join(e.messages)) from e
        plan._history_user = by  # type: ignore[attr-defined]
        plan._change_reason = reason  # type: ignore[attr-defined]
        plan.save(update_fields=changed)


def commit(staged: StagedImport, *, by: AbstractBaseUser, reason: str) -> ImportResult:
    """Check everything again and write it all, or nothing (CommitRefused)."""
    with transaction.atomic():
        locked = (
            StagedImport.objects.select_for_update()
            .select_related("plan__issuer")
            .get(pk=staged.pk)
        )
        if locked.state != StagedImport.State.REVIEW:
            raise CommitRefused(_("This import was already committed or discarded."))
        Plan.objects.select_for_update().filter(pk=locked.plan_id).first()
        review = understand(locked)
        if review.problem_count:
            raise CommitRefused(
                _("%(n)s problem(s) remain: fix them in the review first.")
                % {"n": review.problem_count}
            )
        if not review.items:
            raise CommitRefused(_("The table has no work item row."))
        history_reason = _("Imported from %(file)s after review: %(reason)s") % {
            "file": locked.filename,
            "reason": reason,
        }
        if locked.apply_meta and review.meta:
            _apply_meta(locked.plan, review.meta, by, history_reason)
        result = write_rows(locked.plan, to_rows(review), by=by, reason=history_reason)
        headers = {
            int(c): review.headers[int(c)] for c in locked.mapping if int(c) < len(review.headers)
        }
        columns.remember(locked.plan.issuer, headers, locked.mapping)
        locked.state = StagedImport.State.COMMITTED
        locked.committed_at = timezone.now()
        locked.committed_by = by
        locked.reason = reason
        locked.summary = {
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "fields_created": result.fields_created,
            "tasks_created": result.tasks_created,
        }
        locked.save()
    staged.refresh_from_db()
    return result
