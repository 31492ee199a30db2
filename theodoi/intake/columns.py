"""Which column holds what: guessed from the headers, changed by the user, remembered.

Headers are compared folded (no case, no diacritics), so "Cơ quan chủ trì",
"CƠ QUAN CHỦ TRÌ" and "Co quan chu tri" are the same header.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from theodoi.units.models import Unit

from .models import ColumnMapping
from .text import fold

# The plan's fields a column can hold, in the order the review shows them.
PLAN_FIELDS: dict[str, Any] = {
    "number": _("Number (TT)"),
    "field": _("Field"),
    "task": _("Task"),
    "title": _("Work item"),
    "leads": _("Lead units"),
    "coordinating": _("Coordinating units"),
    "time": _("Time frame"),
    "start": _("Start"),
    "end": _("End"),
    "output": _("Output"),
    "note": _("Coordination note"),
}
REPORT_FIELDS: dict[str, Any] = {
    "number": _("Number (TT)"),
    "title": _("Work item"),
    "status": _("Status"),
    "percent": _("Percent done"),
    "completed_on": _("Completed on"),
    "results": _("Results achieved"),
    "shortcomings": _("Shortcomings and causes"),
    "proposals": _("Proposals"),
    "budget_spent": _("Budget spent (VND)"),
}

# Header synonyms, as people write them (folded when compared).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("TT", "STT", "Số TT", "Số thứ tự", "No", "No.", "#", "Mã", "Số TT công việc"),
    "field": ("Lĩnh vực", "Field", "Nhóm lĩnh vực", "Lĩnh vực công tác"),
    "task": ("Nhiệm vụ", "Task", "Nhóm nhiệm vụ", "Nhiệm vụ, giải pháp", "Nội dung nhiệm vụ"),
    "title": (
        "Nội dung",
        "Nội dung công việc",
        "Nhóm đầu công việc",
        "Đầu công việc",
        "Công việc",
        "Nội dung thực hiện",
        "Nhiệm vụ cụ thể",
        "Tên công việc",
        "Work item",
        "Nội dung nhiệm vụ, công việc",
        "Nhiệm vụ, nội dung công việc",
        "Nhiệm vụ, nội dung",
    ),
    "leads": (
        "Chủ trì",
        "Cơ quan chủ trì",
        "Đơn vị chủ trì",
        "Cơ quan, đơn vị chủ trì",
        "Cơ quan thực hiện",
        "Đơn vị thực hiện",
        "Cơ quan chủ trì thực hiện",
        "Chủ trì thực hiện",
        "Lead",
    ),
    "coordinating": (
        "Phối hợp",
        "Cơ quan phối hợp",
        "Đơn vị phối hợp",
        "Cơ quan, đơn vị phối hợp",
        "Phối hợp thực hiện",
        "Coordinating",
    ),
    "time": (
        "Thời gian",
        "Thời gian thực hiện",
        "Thời gian hoàn thành",
        "Thời hạn",
        "Thời hạn hoàn thành",
        "Tiến độ",
        "Tiến độ thực hiện",
        "Time frame",
    ),
    "start": ("Bắt đầu", "Ngày bắt đầu", "Từ ngày", "Start"),
    "end": ("Kết thúc", "Ngày kết thúc", "Đến ngày", "Hạn", "End"),
    "output": (
        "Sản phẩm",
        "Sản phẩm đầu ra",
        "Kết quả đầu ra",
        "Hình thức sản phẩm",
        "Sản phẩm dự kiến",
        "Output",
    ),
    "note": ("Cơ chế phối hợp", "Ghi chú", "Coordination note"),
    # A progress report's table.
    "status": ("Tình trạng", "Trạng thái", "Tiến độ", "Status"),
    "percent": ("Tỷ lệ", "Tỷ lệ hoàn thành", "% hoàn thành", "Phần trăm", "Tỷ lệ (%)", "Percent"),
    "completed_on": ("Ngày hoàn thành", "Hoàn thành ngày", "Completed on"),
    "results": ("Kết quả", "Kết quả thực hiện", "Kết quả đạt được", "Results"),
    "shortcomings": (
        "Hạn chế",
        "Hạn chế, nguyên nhân",
        "Tồn tại, hạn chế",
        "Khó khăn, vướng mắc",
        "Shortcomings",
    ),
    "proposals": ("Đề xuất", "Kiến nghị", "Đề xuất, kiến nghị", "Proposals"),
    "budget_spent": ("Kinh phí", "Kinh phí đã sử dụng", "Kinh phí thực hiện", "Budget spent"),
}
# "Lĩnh vực" before "Nhiệm vụ" before "Nội dung": the first match of a kind wins.
LOOKUP: dict[str, str] = {}
for _key, _headers in SYNONYMS.items():
    for _header in _headers:
        LOOKUP.setdefault(fold(_header), _key)


# When no synonym matches whole: words a header contains, first match wins.
KEYWORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "plan": (
        ("co che phoi hop", "note"),
        ("chu tri", "leads"),
        ("phoi hop", "coordinating"),
        ("thoi gian", "time"),
        ("thoi han", "time"),
        ("tien do", "time"),
        ("san pham", "output"),
        ("ket qua dau ra", "output"),
        ("noi dung", "title"),
        ("cong viec", "title"),
        ("nhiem vu", "task"),
        ("linh vuc", "field"),
        ("ghi chu", "note"),
        ("bat dau", "start"),
        ("ket thuc", "end"),
    ),
    "report": (
        ("han che", "shortcomings"),
        ("kho khan", "shortcomings"),
        ("kien nghi", "proposals"),
        ("de xuat", "proposals"),
        ("kinh phi", "budget_spent"),
        ("ngay hoan thanh", "completed_on"),
        ("ty le", "percent"),
        ("%", "percent"),
        ("tinh trang", "status"),
        ("trang thai", "status"),
        ("ket qua", "results"),
        ("noi dung", "title"),
        ("cong viec", "title"),
        ("nhiem vu", "title"),
    ),
}


def fields_for(kind: str) -> dict[str, Any]:
    return REPORT_FIELDS if kind == "report" else PLAN_FIELDS


def guess_field(header: str, kind: str = "plan", remembered: dict[str, str] | None = None) -> str:
    """The field a header names ("" when none), the issuer's remembered choice first."""
    if not header or len(header) > 120:
        return ""  # a header is short: long texts are rows, not headers
    key = fold(header.split("\n")[0])
    if not key:
        return ""
    if remembered and key in remembered:
        return remembered[key]
    allowed = fields_for(kind)
    found = LOOKUP.get(key, "")
    if kind == "report" and key in (fold("Tiến độ"),):
        return "status"
    if found in allowed:
        return found
    # "Thời gian thực hiện (dự kiến)": drop a bracket, then try again.
    bare = fold(header.split("(")[0])
    found = LOOKUP.get(bare, "")
    if found in allowed:
        return found
    for words, field in KEYWORDS["report" if kind == "report" else "plan"]:
        if len(key) <= 60 and words in key:
            return field
    return ""


def remembered_for(issuer: Unit | None) -> dict[str, str]:
    if issuer is None:
        return {}
    return dict(ColumnMapping.objects.filter(issuer=issuer).values_list("header", "field"))


def remember(issuer: Unit, headers: dict[int, str], mapping: dict[str, str]) -> None:
    """Keep the user's mapping of these headers for the issuer's next tables."""
    for position, header in headers.items():
        key = fold(header.split("\n")[0])
        if not key:
            continue
        ColumnMapping.objects.update_or_create(
            issuer=issuer, header=key[:200], defaults={"field": mapping.get(str(position), "")}
        )


def score_header(row: list[str], kind: str = "plan") -> int:
    """How many cells of ``row`` name a field: the header row scores highest."""
    return len({guess_field(cell, kind) for cell in row if cell} - {""})


def find_header(
    rows: list[list[str]], kind: str = "plan", remembered: dict[str, str] | None = None
) -> int:
    """The index of the header row among the first rows (-1 when none names 2 fields)."""
    best, best_score = -1, 1
    for index, row in enumerate(rows[:30]):
        score = len({guess_field(c, kind, remembered) for c in row if c} - {""})
        if score > best_score:
            best, best_score = index, score
    return best


def guess_mapping(
    rows: list[list[str]], header: int, kind: str = "plan", remembered: dict[str, str] | None = None
) -> dict[str, str]:
    """Column index (as text) -> field key, each field at most once (leftmost wins).

    A header spanning two columns over a second header row ("Thời gian" over
    "Bắt đầu" / "Kết thúc") is read from the second row.
    """
    mapping: dict[str, str] = {}
    if header < 0:
        return mapping
    used: set[str] = set()
    names = list(rows[header])
    below = rows[header + 1] if header + 1 < len(rows) else []
    for c, cell in enumerate(below):
        sub = guess_field(cell, kind, remembered)
        if sub and c < len(names) and guess_field(names[c], kind, remembered) in ("time", ""):
            names[c] = cell
    for c, name in enumerate(names):
        found = guess_field(name, kind, remembered)
        if found and found not in used:
            mapping[str(c)] = found
            used.add(found)
    if kind == "plan" and "title" not in used and "task" in used:
        # One content column ("Nhiệm vụ"): its rows are work items, numbering makes tasks.
        for c, key in mapping.items():
            if key == "task":
                mapping[c] = "title"
    return mapping
