"""Activity records from XLSX: every row checked first, all imported or none.

One row per record under a header row in Vietnamese or English: kind (its key
such as ``reporters_conference`` or its Vietnamese name), title, date, end,
place, recorded by (a unit), held by (units separated by ";" or new lines),
mode (online / in person), level, connected points (one per line:
"place; attendance"), details (the kind's own fields as a JSON object) and
summary. Units are matched among those the importing account may record for
(recorded by) or sees (held by), by code, name or short name. Any error —
named by its row and column — and nothing is written.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from theodoi.documents.xlsx import Column, add_table_sheet, new_workbook, workbook_bytes
from theodoi.permissions import activities as access
from theodoi.permissions import visible_units
from theodoi.units.models import normalize_name

from .actions import ActivityData, do_create_activity, validate_activity
from .models import Kind, Level, Mode

MAX_ERRORS = 100
COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": ("Loại", "Kind"),
    "title": ("Tên hoạt động", "Title"),
    "start": ("Ngày", "Date"),
    "end": ("Đến ngày", "End"),
    "place": ("Địa điểm", "Place"),
    "owner": ("Đơn vị ghi nhận", "Recorded by"),
    "units": ("Đơn vị tổ chức", "Held by"),
    "mode": ("Hình thức", "Mode"),
    "level": ("Cấp", "Level"),
    "points": ("Điểm cầu", "Connected points"),
    "details": ("Chi tiết (JSON)", "Details (JSON)"),
    "summary": ("Tóm tắt", "Summary"),
}
HEADERS = {normalize_name(h): key for key, names in COLUMNS.items() for h in names}
REQUIRED = ("kind", "title", "start")
KIND_NAMES = {
    "hội nghị báo cáo viên": Kind.REPORTERS_CONFERENCE,
    "lớp bồi dưỡng": Kind.CLASS,
    "lớp học": Kind.CLASS,
    "hội thi": Kind.CONTEST,
    "xuất bản": Kind.PUBLICATION,
    "học tập chuyên đề": Kind.STUDY,
    "đối thoại": Kind.DIALOGUE,
    "mô hình dân vận khéo": Kind.MODEL,
    "hội nghị": Kind.CONFERENCE,
}
MODE_NAMES = {
    "online": Mode.ONLINE,
    "trực tuyến": Mode.ONLINE,
    "in_person": Mode.IN_PERSON,
    "in person": Mode.IN_PERSON,
    "trực tiếp": Mode.IN_PERSON,
}
LEVEL_NAMES = {
    "province": Level.PROVINCE,
    "tỉnh": Level.PROVINCE,
    "district": Level.DISTRICT,
    "huyện": Level.DISTRICT,
    "commune": Level.COMMUNE,
    "xã": Level.COMMUNE,
}


class TableError(Exception):
    """The file cannot be read as a table of records."""


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0
    rows: int = 0
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | str | None:
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
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(value.strip(), fmt).date()
            except ValueError:
                continue
    return ""


class _Units:
    def __init__(self, queryset: Any) -> None:
        self.lookup: dict[str, list[Any]] = {}
        self.ids: set[int] = set()
        for unit in queryset:
            self.ids.add(unit.pk)
            for key in {unit.code.casefold() if unit.code else "", normalize_name(unit.name),
                        normalize_name(unit.short_name) if unit.short_name else ""}:  # fmt: skip
                if key:
                    self.lookup.setdefault(key, []).append(unit)

    def find(self, token: str) -> tuple[Any, str]:
        found = self.lookup.get(token.casefold()) or self.lookup.get(normalize_name(token))
        if not found:
            return None, _("No unit “%(name)s” you may record for.") % {"name": token}
        if len({u.pk for u in found}) > 1:
            return None, _("Several units are called “%(name)s”: write the code.") % {"name": token}
        return found[0], ""


def _read_rows(source: IO[bytes] | bytes) -> tuple[list[tuple[Any, ...]], int, dict[str, int]]:
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(source, data_only=True, read_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not XLSX.
        raise TableError(_("This file cannot be read as an XLSX workbook.")) from e
    max_rows = settings.THEODOI_IMPORT_MAX_ROWS
    rows = [
        tuple(r) for r in islice(workbook.worksheets[0].iter_rows(values_only=True), max_rows + 11)
    ]
    for index, row in enumerate(rows[:10]):
        columns: dict[str, int] = {}
        for position, value in enumerate(row):
            key = HEADERS.get(normalize_name(_text(value)))
            if key and key not in columns:
                columns[key] = position
        if "title" in columns:
            missing = [COLUMNS[k][0] for k in REQUIRED if k not in columns]
            if missing:
                raise TableError(
                    _("The header row lacks the column(s): %(columns)s.")
                    % {"columns": ", ".join(missing)}
                )
            if len(rows) - index - 1 > max_rows:
                raise TableError(
                    _("The table has more than %(max)s rows: split it into several files.")
                    % {"max": max_rows}
                )
            return rows, index, columns
    raise TableError(
        _("No header row found. The first rows must name the columns: %(columns)s.")
        % {"columns": ", ".join(h[0] for h in COLUMNS.values())}
    )


def read_table(
    source: IO[bytes] | bytes, *, user: Any
) -> tuple[list[ActivityData], list[RowError]]:
    """Every row parsed and validated; nothing written."""
    rows, header, columns = _read_rows(source)
    label = {key: _text(rows[header][pos]) or COLUMNS[key][0] for key, pos in columns.items()}
    owners = _Units(access.recording_units(user))
    seen = _Units(visible_units(user))
    default_owner = access.default_owner(user)
    records: list[ActivityData] = []
    errors: list[RowError] = []
    for number, raw in enumerate(rows[header + 1 :], start=header + 2):
        if all(_text(v) == "" for v in raw):
            continue

        def cell(key: str, raw: tuple[Any, ...] = raw) -> Any:
            pos = columns.get(key)
            return raw[pos] if pos is not None and pos < len(raw) else None

        mine: list[RowError] = []

        def add(key: str, message: str, n: int = number, out: list[RowError] = mine) -> None:
            out.append(RowError(n, label.get(key, COLUMNS.get(key, (key,))[0]), message))

        kind_text = _text(cell("kind"))
        kind = kind_text if kind_text in Kind.values else KIND_NAMES.get(normalize_name(kind_text))
        if not kind:
            add("kind", _("Unknown kind “%(kind)s”.") % {"kind": kind_text})
        start, end = _date(cell("start")), _date(cell("end"))
        for key, value in (("start", start), ("end", end)):
            if value == "":
                add(key, _("Write the date as dd/mm/yyyy or use an Excel date."))
        if start is None:
            add("start", _("This field is required."))
        owner = default_owner
        if _text(cell("owner")):
            owner, problem = owners.find(_text(cell("owner")))
            if problem:
                add("owner", problem)
        elif owner is None:
            add("owner", _("Name the unit whose record it is."))
        units = []
        for token in _text(cell("units")).replace("\n", ";").split(";"):
            if token.strip():
                unit, problem = seen.find(token.strip())
                if problem:
                    add("units", problem)
                else:
                    units.append(unit)
        mode_text = normalize_name(_text(cell("mode")))
        mode = MODE_NAMES.get(mode_text, "") if mode_text else ""
        if mode_text and not mode:
            add("mode", _("Write “trực tuyến” (online) or “trực tiếp” (in person)."))
        level_text = normalize_name(_text(cell("level")))
        level = LEVEL_NAMES.get(level_text, "") if level_text else ""
        if level_text and not level:
            add("level", _("Write tỉnh, huyện or xã."))
        details: dict[str, Any] = {}
        if _text(cell("details")):
            try:
                details = json.loads(_text(cell("details")))
            except ValueError:
                add("details", _("Write the details as a JSON object."))
            if not isinstance(details, dict):
                details = {}
                add("details", _("Write the details as a JSON object."))
        if _text(cell("points")):
            points = []
            for line in _text(cell("points")).splitlines():
                if not line.strip():
                    continue
                name, _sep, count = line.rpartition(";")
                if not name:
                    name, count = count, "0"
                if not count.strip().isdigit():
                    add("points", _("Write each point as “place; attendance”."))
                    break
                points.append({"name": name.strip(), "attendance": int(count.strip())})
            details["points"] = points
        if not mine and kind and owner is not None:
            data = ActivityData(
                kind=kind, title=_text(cell("title")), start=start,  # type: ignore[arg-type]
                end=end or None, place=_text(cell("place")), owner=owner, units=units,  # type: ignore[arg-type]
                mode=mode, level=level, summary=_text(cell("summary")), details=details,
            )  # fmt: skip
            try:
                validate_activity(data, known_units=seen.ids)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    key = "details" if name.startswith("details") else name
                    if key == "details" and name.startswith("details.points"):
                        key = "points" if "points" in columns else "details"
                    for message in messages:
                        prefix = f"{name}: " if name.startswith("details.") else ""
                        add(key, prefix + message)
            if not mine:
                records.append(data)
        errors.extend(mine)
    return records, errors


def import_file(source: IO[bytes] | bytes, *, user: Any) -> ImportResult:
    """Import every row, or none: the result lists the errors by row and column."""
    result = ImportResult()
    try:
        records, errors = read_table(source, user=user)
    except TableError as error:
        result.errors = [RowError(0, "", str(error))]
        return result
    result.rows = len(records) + len({e.row for e in errors})
    if errors:
        result.errors = errors[:MAX_ERRORS]
        result.more_errors = max(len(errors) - MAX_ERRORS, 0)
        return result
    with transaction.atomic():
        for data in records:
            if not user.has_perm("activities.add_activity", data.owner):
                raise ValidationError(_("You may not record for %(unit)s.") % {"unit": data.owner})
            do_create_activity(data, by=user, reason=_("Imported from XLSX"))
            result.created += 1
    return result


def template_bytes() -> bytes:
    """An empty table with its headers and one example row."""
    workbook = new_workbook()
    add_table_sheet(
        workbook,
        "Hoạt động",
        [Column(names[0], 24) for names in COLUMNS.values()],
        [
            (
                "reporters_conference", "Hội nghị báo cáo viên tháng 1/2018", "18/01/2018", "",
                "Hội trường Tỉnh ủy", "", "", "trực tuyến", "", "Hội trường Tỉnh ủy; 150", "", "",
            )
        ],
    )  # fmt: skip
    return workbook_bytes(workbook)
