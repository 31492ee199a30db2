"""A plan's task table as XLSX: import (all or nothing) and export.

The table has one row per work item and eleven columns — field, task number,
task, work item number, work item, lead, coordinating, start, end, output,
coordination note — under a header row written in Vietnamese or English. The
two numbers and the coordination note are optional: files without them import,
and leave those values as they are. Units are matched within the plan's province by code,
name or short name (case, spacing and Unicode composition do not matter,
diacritics do), or by the name of a unit group, which stands for its units.
Several units in a cell are separated by ";" or new lines. A blank field or
task cell repeats the one above.

Importing validates every row first and writes nothing if any row is wrong;
then it merges by (field, task, work item title), so importing a file exported
from the same plan changes nothing.
"""

from __future__ import annotations

import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from theodoi.documents.xlsx import Column, add_table_sheet, new_workbook, workbook_bytes
from theodoi.units.models import Unit, UnitGroup, normalize_name, strip_diacritics

from .actions import WorkItemData, do_update_work_item, validate_work_item
from .models import Assignment, Field, Plan, Task, WorkItem
from .scope import plan_units

# An import lists at most this many problems, then how many more there are.
MAX_ERRORS = 100

# Column key -> accepted headers (Vietnamese first: it is what export writes).
COLUMNS: dict[str, tuple[str, ...]] = {
    "field": ("Lĩnh vực", "Field"),
    "task_number": ("Số TT nhiệm vụ", "Task number"),
    "task": ("Nhiệm vụ", "Task"),
    "number": ("Số TT công việc", "Work item number"),
    "title": ("Nhóm đầu công việc", "Work item"),
    "leads": ("Chủ trì", "Lead"),
    "coordinating": ("Phối hợp", "Coordinating"),
    "start": ("Bắt đầu", "Start"),
    "end": ("Kết thúc", "End"),
    "expected_output": ("Sản phẩm", "Output"),
    "coordination_note": ("Cơ chế phối hợp", "Coordination note"),
}
WIDTHS = {
    "field": 22,
    "task_number": 9,
    "task": 40,
    "number": 9,
    "title": 48,
    "leads": 26,
    "coordinating": 30,
    "expected_output": 36,
    "coordination_note": 40,
}
HEADER_LOOKUP = {normalize_name(h): key for key, headers in COLUMNS.items() for h in headers}
REQUIRED = ("field", "task", "title", "leads", "start", "end")
SEPARATOR = re.compile(r"[;\n\r]+")


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    fields_created: int = 0
    tasks_created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class TableError(Exception):
    """The file cannot be read as a task table at all."""


@dataclass
class Row:
    number: int
    field: str
    task: str
    data: WorkItemData
    task_number: str = ""
    # The optional columns present in the file: absent ones keep saved values.
    present: frozenset[str] = frozenset()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


class UnitMatcher:
    """Finds units of one plan's province by code, name, short name or group."""

    def __init__(self, plan: Plan) -> None:
        self.units = list(plan_units(plan))
        ids = {u.pk for u in self.units}
        self.by_code: dict[str, list[Unit]] = defaultdict(list)
        self.by_name: dict[str, list[Unit]] = defaultdict(list)
        self.by_bare: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units:
            if unit.code:
                self.by_code[unit.code.casefold()].append(unit)
            names = {normalize_name(unit.name)}
            if unit.short_name:
                names.add(normalize_name(unit.short_name))
            for name in names:
                self.by_name[name].append(unit)
                self.by_bare[strip_diacritics(name)].append(unit)
        self.groups: dict[str, list[Unit]] = {}
        self.group_names: dict[str, str] = {}
        for group in UnitGroup.objects.prefetch_related("units"):
            key = normalize_name(group.name)
            self.groups[key] = [u for u in group.units.all() if u.pk in ids]
            self.group_names[key] = group.name

    def label(self, unit: Unit) -> str:
        """How export writes a unit: its name, or its code if the name is ambiguous."""
        if len(self.by_name[normalize_name(unit.name)]) > 1 and unit.code:
            return unit.code
        return unit.name

    def cell(self, units: list[Unit]) -> str:
        """How export writes a cell: whole unit groups by name (largest first), then units."""
        left = {u.pk: u for u in units}
        parts = []
        for key, members in sorted(self.groups.items(), key=lambda kv: -len(kv[1])):
            pks = {u.pk for u in members}
            # A group stands in only where a name could not also mean a unit.
            if len(pks) > 1 and pks <= left.keys() and key not in self.by_name:
                parts.append(self.group_names[key])
                for pk in pks:
                    del left[pk]
        parts.extend(self.label(u) for u in left.values())
        return "\n".join(parts)

    def find(self, cell: str) -> tuple[list[Unit], list[str]]:
        units: list[Unit] = []
        errors: list[str] = []
        for token in SEPARATOR.split(cell or ""):
            token = " ".join(token.split()).strip(" ,.")
            if not token:
                continue
            key = normalize_name(token)
            found = self.by_code.get(token.casefold()) or self.by_name.get(key)
            if found is None and key in self.groups:
                units.extend(self.groups[key])
                continue
            if not found:
                guesses = self.by_bare.get(strip_diacritics(key), [])
                if guesses:
                    errors.append(
                        _("No unit “%(name)s” in this province; did you mean “%(guess)s”?")
                        % {"name": token, "guess": "”, “".join(sorted(u.name for u in guesses))}
                    )
                else:
                    errors.append(
                        _("No unit or unit group “%(name)s” in this province.") % {"name": token}
                    )
            elif len({u.pk for u in found}) > 1:
                errors.append(
                    _("Several units are called “%(name)s”: write the code instead (%(codes)s).")
                    % {
                        "name": token,
                        "codes": ", ".join(
                            f"{u.code} = {u.name}" for u in sorted(found, key=lambda u: u.code)
                        ),
                    }
                )
            else:
                units.append(found[0])
        unique = list({u.pk: u for u in units}.values())
        return unique, errors


def _date(value: Any) -> date | str | None:
    """A cell as a date, None when blank, or "" when it cannot be read."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 1 <= value < 100000:
        from openpyxl.utils.datetime import from_excel

        converted = from_excel(value)
        return converted.date() if isinstance(converted, datetime) else ""
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%d/%m/%Y").date()
        except ValueError:
            return ""
    return ""


def _header_of(sheet_rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(sheet_rows[:10]):
        columns = {}
        for position, value in enumerate(row):
            key = HEADER_LOOKUP.get(normalize_name(_text(value)))
            if key and key not in columns:
                columns[key] = position
        if "title" in columns:
            missing = [COLUMNS[k][0] for k in REQUIRED if k not in columns]
            if missing:
                raise TableError(
                    _("The header row lacks the column(s): %(columns)s.")
                    % {"columns": ", ".join(missing)}
                )
            return index, columns
    raise TableError(
        _(
            "No header row found. The first rows must name the columns: %(columns)s "
            "(in Vietnamese or English)."
        )
        % {"columns": ", ".join(h[0] for h in COLUMNS.values())}
    )


def read_table(plan: Plan, source: IO[bytes] | bytes) -> tuple[list[Row], list[RowError]]:
    """Parse and validate every row; nothing is written."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(source, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not XLSX.
        raise TableError(_("This file cannot be read as an XLSX workbook.")) from e
    sheet = workbook.worksheets[0]
    # Capped: a table longer than THEODOI_IMPORT_MAX_ROWS is refused, unread.
    max_rows = settings.THEODOI_IMPORT_MAX_ROWS
    sheet_rows = [tuple(row) for row in islice(sheet.iter_rows(values_only=True), max_rows + 11)]
    header_index, columns = _header_of(sheet_rows)
    if len(sheet_rows) - header_index - 1 > max_rows:
        raise TableError(
            _("The table has more than %(max)s rows: split it into several files.")
            % {"max": max_rows}
        )
    header_label = {
        key: _text(sheet_rows[header_index][pos]) or COLUMNS[key][0] for key, pos in columns.items()
    }
    matcher = UnitMatcher(plan)
    stub = Task(plan=plan)
    rows: list[Row] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str], int] = {}
    present = frozenset(columns)
    last_field = last_task = last_task_number = ""
    for offset, raw in enumerate(sheet_rows[header_index + 1 :], start=header_index + 2):

        def cell(key: str, raw: tuple[Any, ...] = raw) -> Any:
            pos = columns.get(key)
            return raw[pos] if pos is not None and pos < len(raw) else None

        if all(_text(v) == "" for v in raw):
            continue
        row_errors: list[RowError] = []

        def add(key: str, message: str, n: int = offset, out: list[RowError] = row_errors) -> None:
            out.append(RowError(n, header_label.get(key, COLUMNS[key][0]), message))

        field_name = _text(cell("field")) or last_field
        # A blank task cell repeats the task above, with its number.
        if _text(cell("task")):
            task_number = _text(cell("task_number"))
        else:
            task_number = _text(cell("task_number")) or last_task_number
        task_title = _text(cell("task")) or last_task
        if not field_name:
            add("field", _("Enter the field."))
        if not task_title:
            add("task", _("Enter the task."))
        last_field, last_task, last_task_number = field_name, task_title, task_number
        for key, limit in (("task_number", 20), ("number", 20)):
            if len(_text(cell(key))) > limit:
                add(key, _("Write at most %(n)s characters.") % {"n": limit})
        leads, lead_errors = matcher.find(_text_lines(cell("leads")))
        coordinating, coord_errors = matcher.find(_text_lines(cell("coordinating")))
        for message in lead_errors:
            add("leads", message)
        for message in coord_errors:
            add("coordinating", message)
        start, end = _date(cell("start")), _date(cell("end"))
        for key, value in (("start", start), ("end", end)):
            if value == "":
                add(key, _("Write the date as dd/mm/yyyy or use an Excel date."))
        data = WorkItemData(
            title=_text(cell("title")),
            start=start or None,  # type: ignore[arg-type]
            end=end or None,  # type: ignore[arg-type]
            number=_text(cell("number")),
            expected_output=_text(cell("expected_output")),
            coordination_note=_cell_lines(cell("coordination_note")),
            leads=leads,
            coordinating=coordinating,
        )
        try:
            validate_work_item(stub, data)
        except ValidationError as e:
            for key, messages in e.message_dict.items():
                if key == "leads" and lead_errors:
                    continue  # The unknown unit is the real problem.
                if key in ("start", "end") and any(
                    err.column == header_label.get(key) for err in row_errors
                ):
                    continue
                for message in messages:
                    add(key, message)
        key = (normalize_name(field_name), normalize_name(task_title), normalize_name(data.title))
        if data.title and key in seen:
            add(
                "title",
                _("The same work item is already on row %(row)s of this task.")
                % {"row": seen[key]},
            )
        seen.setdefault(key, offset)
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(Row(offset, field_name, task_title, data, task_number, present))
    if not rows and not errors:
        errors.append(RowError(header_index + 2, "", _("The table has no work item row.")))
    return rows, errors


def _text_lines(value: Any) -> str:
    return "" if value is None else str(value)


def _cell_lines(value: Any) -> str:
    """A multi-line cell: line breaks kept, each line's spacing tidied."""
    if value is None:
        return ""
    lines = [" ".join(line.split()) for line in str(value).replace("\r", "").split("\n")]
    return "\n".join(lines).strip()


def _same(item: WorkItem, data: WorkItemData) -> bool:
    assignments = list(item.assignments.all())
    return (
        item.number == data.number
        and _cell_lines(item.coordination_note) == _cell_lines(data.coordination_note)
        and item.start == data.start
        and item.end == data.end
        and item.expected_output == data.expected_output
        and (data.time_frame is None or item.time_frame == data.time_frame)
        and {a.unit_id for a in assignments if a.role == Assignment.Role.LEAD}
        == {u.pk for u in data.leads}
        and {a.unit_id for a in assignments if a.role == Assignment.Role.COORDINATING}
        == {u.pk for u in data.coordinating}
    )


def import_table(
    plan: Plan,
    source: IO[bytes] | bytes,
    *,
    by: AbstractBaseUser | None,
    reason: str = "",
) -> ImportResult:
    """Import the task table into ``plan``: all rows or none."""
    result = ImportResult()
    try:
        rows, errors = read_table(plan, source)
    except TableError as e:
        result.errors.append(RowError(0, "", str(e)))
        return result
    result.rows = len(rows)
    if errors:
        # The first problems and how many more: enough to start fixing the file.
        result.errors = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            more = len(errors) - MAX_ERRORS
            message = ngettext("… and %(n)s more problem.", "… and %(n)s more problems.", more)
            result.errors.append(RowError(0, "", message % {"n": more}))
        return result
    write_rows(plan, rows, by=by, reason=reason or _("Imported from a task table"), result=result)
    return result


def write_rows(
    plan: Plan,
    rows: list[Row],
    *,
    by: AbstractBaseUser | None,
    reason: str,
    result: ImportResult | None = None,
) -> ImportResult:
    """Merge validated rows into ``plan`` in one transaction (shared with the reviewed import).

    Rows are merged by (field, task, work item title): a row already in the plan
    updates its work item, a new one is created, an identical one is left alone.
    """
    result = result or ImportResult(rows=len(rows))
    with transaction.atomic():
        fields = {normalize_name(f.name): f for f in plan.fields.all()}
        tasks = {
            (t.field_id, normalize_name(t.title)): t for t in plan.tasks.select_related("field")
        }
        items = {
            (w.task_id, normalize_name(w.title)): w
            for w in WorkItem.objects.filter(task__plan=plan).prefetch_related("assignments")
        }
        pending: dict[tuple[int, str], tuple[Task, WorkItemData]] = {}
        # New fields, then new tasks, each in one insert with their history rows.
        new_fields: dict[str, Field] = {}
        for row in rows:
            key = normalize_name(row.field)
            if key not in fields and key not in new_fields:
                position = len(fields) + len(new_fields) + 1
                new_fields[key] = Field(plan=plan, name=row.field, position=position)
        for field_obj in _bulk(list(new_fields.values()), Field, by, reason):
            fields[normalize_name(field_obj.name)] = field_obj
        result.fields_created += len(new_fields)
        new_tasks: dict[tuple[int, str], Task] = {}
        for row in rows:
            field_obj = fields[normalize_name(row.field)]
            key = (field_obj.pk, normalize_name(row.task))
            if key not in tasks and key not in new_tasks:
                new_tasks[key] = Task(
                    plan=plan,
                    field=field_obj,
                    number=row.task_number,
                    title=row.task,
                    position=len(tasks) + len(new_tasks) + 1,
                )
        for task in _bulk(list(new_tasks.values()), Task, by, reason):
            task.plan = plan
            tasks[(task.field_id, normalize_name(task.title))] = task
        result.tasks_created += len(new_tasks)
        for row in rows:
            field_obj = fields[normalize_name(row.field)]
            task_key = (field_obj.pk, normalize_name(row.task))
            task = tasks[task_key]
            if (
                task_key not in new_tasks
                and "task_number" in row.present
                and task.number != row.task_number
            ):
                task.number = row.task_number
                task._history_user = by  # type: ignore[attr-defined]
                task._change_reason = reason  # type: ignore[attr-defined]
                task.save(update_fields=["number"])
            key = (task.pk, normalize_name(row.data.title))
            item = items.get(key)
            if item is None:
                if key not in pending:
                    # The same rules as do_create_work_item; written together below.
                    validate_work_item(task, row.data)
                    pending[key] = (task, row.data)
                    result.created += 1
                continue
            # Columns the file lacks keep the saved values.
            if "number" not in row.present:
                row.data.number = item.number
            if "coordination_note" not in row.present:
                row.data.coordination_note = item.coordination_note
            if _same(item, row.data):
                result.unchanged += 1
            else:
                do_update_work_item(item, row.data, version=item.version, by=by, reason=reason)
                result.updated += 1
        _create_work_items(list(pending.values()), by=by, reason=reason)
    return result


def _bulk(
    objects: list[Any], model: type[Any], by: AbstractBaseUser | None, reason: str
) -> list[Any]:
    """Insert new objects with their history rows (who and why) in one go."""
    if not objects:
        return []
    return bulk_create_with_history(
        objects, model, batch_size=500, default_user=by, default_change_reason=reason
    )


def _create_work_items(
    new: list[tuple[Task, WorkItemData]], *, by: AbstractBaseUser | None, reason: str
) -> None:
    """Create validated work items and their assignments in a few bulk inserts, each with
    its history row (who and why), instead of a dozen queries per work item."""
    if not new:
        return
    counts = dict(
        WorkItem.objects.filter(task__in={task.pk for task, _data in new})
        .values_list("task")
        .annotate(n=Count("pk"))
    )
    objects = []
    for task, data in new:
        counts[task.pk] = counts.get(task.pk, 0) + 1
        objects.append(
            WorkItem(
                task=task,
                number=data.number,
                title=data.title.strip(),
                start=data.start,
                end=data.end,
                expected_output=data.expected_output,
                coordination_note=data.coordination_note,
                time_frame=data.time_frame or "",
                position=counts[task.pk],
            )
        )
    created = bulk_create_with_history(
        objects, WorkItem, batch_size=500, default_user=by, default_change_reason=reason
    )
    assignments = []
    for item, (_task, data) in zip(created, new, strict=True):
        for unit in data.leads:
            assignments.append(Assignment(work_item=item, unit=unit, role=Assignment.Role.LEAD))
        for unit in data.coordinating:
            assignments.append(
                Assignment(work_item=item, unit=unit, role=Assignment.Role.COORDINATING)
            )
    bulk_create_with_history(
        assignments, Assignment, batch_size=500, default_user=by, default_change_reason=reason
    )


# Export -------------------------------------------------------------------------


def export_rows(plan: Plan) -> list[list[Any]]:
    matcher = UnitMatcher(plan)
    items = (
        WorkItem.objects.filter(task__plan=plan)
        .select_related("task__field")
        .prefetch_related("assignments__unit")
        .order_by(
            "task__field__position", "task__field_id", "task__position", "task_id", "position", "pk"
        )
    )
    rows = []
    for item in items:
        assignments = list(item.assignments.all())

        def names(role: str, assignments: list[Assignment] = assignments) -> str:
            return matcher.cell([a.unit for a in assignments if a.role == role])

        rows.append(
            [
                item.task.field.name,
                item.task.number,
                item.task.title,
                item.number,
                item.title,
                names(Assignment.Role.LEAD),
                names(Assignment.Role.COORDINATING),
                item.start,
                item.end,
                item.expected_output,
                item.coordination_note,
            ]
        )
    return rows


def export_table(plan: Plan) -> bytes:
    """The plan's task table as a formatted XLSX workbook."""
    columns = [
        Column(headers[0], WIDTHS.get(key, 14), "DD/MM/YYYY" if key in ("start", "end") else None)
        for key, headers in COLUMNS.items()
    ]
    rows = export_rows(plan)
    workbook = new_workbook()
    sheet = add_table_sheet(
        workbook, plan.number, columns, rows, heading=f"{plan.number} · {plan.title}"
    )
    # Not every reader fits wrapped rows to their text: size each row for its
    # tallest cell (about 1.1 width units per 12 pt character, 16 pt a line).
    first = 4  # the heading, a blank row and the header come first
    for index, row in enumerate(rows):
        lines = 1
        for column, value in zip(columns, row, strict=True):
            if isinstance(value, str):
                per_line = max(column.width - 1, 1)
                wrapped = sum(
                    max(math.ceil(len(part) * 1.1 / per_line), 1) for part in value.split("\n")
                )
                lines = max(lines, wrapped)
        sheet.row_dimensions[first + index].height = 16 * lines + 4
    return workbook_bytes(workbook)
