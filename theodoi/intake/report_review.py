"""A progress report's table sent as a spreadsheet, read into the agency's draft report.

Rows are matched to the report's work items by number ("1.2") or by title
(folded, or the start of the title); the status is read from the words people
use ("Hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Đề nghị điều chỉnh"…),
the percent from "80%" or "80", the budget from "12.500.000". Committing saves
the values into the draft (reporting's do_save_draft: the same checks as the
report page) and submits nothing: the agency reviews the draft and submits it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from theodoi.core.workflow import TransitionRefused
from theodoi.reporting.actions import EntryErrors, do_save_draft
from theodoi.reporting.models import ProgressEntry

from . import columns
from .models import StagedImport
from .review import CommitRefused
from .text import fold
from .timeframes import parse_date

S = ProgressEntry.Status
STATUS_WORDS: list[tuple[str, str]] = [
    ("hoan thanh dung han", S.DONE_ON_TIME),
    ("hoan thanh cham", S.DONE_LATE),
    ("hoan thanh tre", S.DONE_LATE),
    ("hoan thanh qua han", S.DONE_LATE),
    ("da hoan thanh", S.DONE_ON_TIME),
    ("hoan thanh", S.DONE_ON_TIME),
    ("xong", S.DONE_ON_TIME),
    ("chua hoan thanh", S.OVERDUE),
    ("qua han", S.OVERDUE),
    ("cham tien do", S.OVERDUE),
    ("dang thuc hien", S.IN_PROGRESS),
    ("dang trien khai", S.IN_PROGRESS),
    ("dang", S.IN_PROGRESS),
    ("chua thuc hien", S.NOT_STARTED),
    ("chua trien khai", S.NOT_STARTED),
    ("chua bat dau", S.NOT_STARTED),
    ("de nghi dieu chinh", S.CHANGE_PROPOSED),
    ("de xuat dieu chinh", S.CHANGE_PROPOSED),
    ("dieu chinh", S.CHANGE_PROPOSED),
]
for _value, _label in S.choices:
    STATUS_WORDS.append((fold(str(_value)), _value))
REPORT_KEYS = (
    "status",
    "percent",
    "completed_on",
    "results",
    "shortcomings",
    "proposals",
    "budget_spent",
)


@dataclass
class ReportRow:
    index: int
    source: str
    kind: str  # "entry", "skip", "blank"
    number: str = ""
    title: str = ""
    skip_reason: str = ""
    cells: dict[str, str] = dc_field(default_factory=dict)
    entry: ProgressEntry | None = None
    values: dict[str, Any] = dc_field(default_factory=dict)
    problems: dict[str, list[str]] = dc_field(default_factory=dict)

    def problem(self, key: str, message: str) -> None:
        self.problems.setdefault(key, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ReportReview:
    rows: list[ReportRow]
    mapping: dict[str, str]
    header: int
    headers: list[str]

    @property
    def shown(self) -> list[ReportRow]:
        return [r for r in self.rows if r.kind != "blank"]

    @property
    def entries(self) -> list[ReportRow]:
        return [r for r in self.rows if r.kind == "entry"]

    @property
    def problem_count(self) -> int:
        return sum(len(m) for r in self.rows for m in r.problems.values())


def read_status(text: str) -> str | None:
    key = fold(text)
    for words, status in STATUS_WORDS:
        if key == words or key.startswith(words):
            return status
    return None


def read_percent(text: str) -> int | None:
    m = re.fullmatch(r"\s*(\d{1,3})(?:[.,]\d+)?\s*%?\s*", text or "")
    if not m:
        return None
    value = int(m.group(1))
    if 0 <= value <= 1 and "." in text and "%" not in text:
        return None
    return value if value <= 100 else None


def read_money(text: str) -> int | None:
    digits = re.sub(r"(vnd|dong|d)$", "", re.sub(r"[.\s,]", "", fold(text)))
    return int(digits) if digits.isdigit() else None


def understand_report(staged: StagedImport) -> ReportReview:
    report = staged.report
    grid = staged.grid
    rows: list[list[str]] = grid.get("rows", [])
    sources = grid.get("sources", [])
    mapping = {c: k for c, k in (staged.mapping or {}).items() if k}
    col_of = {k: int(c) for c, k in mapping.items()}
    header = staged.header_row
    edits = staged.edits or {}
    entries = list(report.entries.select_related("work_item")) if report else []
    by_number = {fold(e.work_item.number): e for e in entries if e.work_item.number}
    by_title = {fold(e.work_item.title): e for e in entries}
    review = ReportReview([], mapping, header, rows[header] if 0 <= header < len(rows) else [])
    matched: dict[int, str] = {}
    year = report.period.end.year if report else date.today().year
    for index, raw in enumerate(rows):
        row = ReportRow(index, sources[index] if index < len(sources) else str(index + 1), "blank")
        review.rows.append(row)
        edit = edits.get(str(index), {})
        if not any(raw) and not edit:
            continue
        joined = " · ".join(dict.fromkeys(t for t in raw if t))
        if index <= header or header < 0:
            row.kind, row.title = "skip", joined
            row.skip_reason = (
                _("header row") if index == header else _("above the table (title or heading)")
            )
            continue

        def value(key: str, raw: list[str] = raw, edit: dict[str, str] = edit) -> str:
            if key in edit:
                return edit[key]
            c = col_of.get(key)
            return raw[c] if c is not None and c < len(raw) else ""

        for key in ("number", "title", *REPORT_KEYS):
            row.cells[key] = value(key)
        row.number, row.title = row.cells["number"], row.cells["title"]
        if not any(row.cells[k] for k in REPORT_KEYS):
            row.kind, row.skip_reason, row.title = (
                "skip",
                _("no progress values (a section or a note)"),
                joined,
            )
            continue
        row.kind = "entry"
        number = fold(row.number).rstrip(".)")
        title = fold(row.title)
        entry = by_number.get(number) if number else None
        if entry is None and title:
            entry = by_title.get(title) or next(
                (
                    e
                    for key, e in by_title.items()
                    if key.startswith(title) or title.startswith(key)
                ),
                None,
            )
        if entry is None:
            row.problem("title", _("No work item of this report has this number or title."))
        elif entry.work_item_id in matched:
            row.problem(
                "title",
                _("This work item is already on row %(row)s.")
                % {"row": matched[entry.work_item_id]},
            )
        else:
            matched[entry.work_item_id] = row.source
            row.entry = entry
        values: dict[str, Any] = {}
        if row.cells["status"]:
            status = read_status(row.cells["status"])
            if status is None:
                row.problem(
                    "status",
                    _("“%(text)s” is not a status this import reads.")
                    % {"text": row.cells["status"]},
                )
            else:
                values["status"] = status
        if row.cells["percent"]:
            percent = read_percent(row.cells["percent"])
            if percent is None:
                row.problem("percent", _("Write a percent from 0 to 100."))
            else:
                values["percent"] = percent
        if (
            "status" in values
            and "percent" not in values
            and values["status"] in ProgressEntry.DONE
        ):
            values["percent"] = 100
        if row.cells["completed_on"]:
            day = parse_date(row.cells["completed_on"], year)
            if day is None:
                row.problem("completed_on", _("Write the date as dd/mm/yyyy."))
            else:
                values["completed_on"] = day.isoformat()
        for key in ("results", "shortcomings", "proposals"):
            if row.cells[key]:
                values[key] = row.cells[key]
        if row.cells["budget_spent"]:
            money = read_money(row.cells["budget_spent"])
            if money is None:
                row.problem("budget_spent", _("Write an amount in đồng, e.g. 12.500.000."))
            else:
                values["budget_spent"] = money
        row.values = values
    if not review.problem_count and report is not None:
        _check_with_report(review)
    return review


def _check_with_report(review: ReportReview) -> None:
    """The report page's own checks on the values, at the cells they concern."""
    from theodoi.reporting.actions import validate_entries

    data = {r.entry.work_item_id: r.values for r in review.entries if r.entry is not None}
    entries = [r.entry for r in review.entries if r.entry is not None]
    try:
        validate_entries(entries, data)
    except EntryErrors as e:
        by_item = {r.entry.work_item_id: r for r in review.entries if r.entry is not None}
        for work_item_id, errors in e.errors.items():
            row = by_item.get(work_item_id)
            if row is None:
                continue
            for key, message in errors.items():
                row.problem(key if key in REPORT_KEYS else "status", message)


def stage_report(
    report: Any, name: str, grid: dict[str, Any], fmt: str, *, by: AbstractBaseUser
) -> StagedImport:
    header = columns.find_header(grid["rows"], "report")
    mapping = columns.guess_mapping(grid["rows"], header, "report")
    return StagedImport.objects.create(
        kind=StagedImport.Kind.REPORT,
        plan=report.period.plan,
        report=report,
        filename=name[:200],
        file_format=fmt,
        grid=grid,
        header_row=header,
        mapping=mapping,
        created_by=by,
    )


def commit_report(staged: StagedImport, *, by: AbstractBaseUser, reason: str = "") -> int:
    """Save the values into the draft report, all or nothing; returns the entries filled."""
    with transaction.atomic():
        locked = StagedImport.objects.select_for_update().get(pk=staged.pk)
        if locked.state != StagedImport.State.REVIEW:
            raise CommitRefused(_("This import was already committed or discarded."))
        review = understand_report(locked)
        if review.problem_count:
            raise CommitRefused(
                _("%(n)s problem(s) remain: fix them in the review first.")
                % {"n": review.problem_count}
            )
        data = {r.entry.work_item_id: r.values for r in review.entries if r.entry is not None}
        if not data:
            raise CommitRefused(_("The table has no row for a work item of this report."))
        try:
            do_save_draft(locked.report, data, version=None, by=by)
        except TransitionRefused as e:
            raise CommitRefused(" ".join(e.messages)) from e
        except EntryErrors as e:
            raise CommitRefused(
                _("Some values are refused by the report: fix them in the review.")
            ) from e
        locked.state = StagedImport.State.COMMITTED
        locked.committed_at = timezone.now()
        locked.committed_by = by
        locked.reason = reason
        locked.summary = {"entries": len(data)}
        locked.save()
    staged.refresh_from_db()
    return len(data)
