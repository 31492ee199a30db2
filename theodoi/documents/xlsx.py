"""Styled XLSX tables (openpyxl).

Usage::

    wb = new_workbook()
    add_table_sheet(
        wb,
        "Kinh phí",
        [Column("Đơn vị", 30), Column("Kinh phí", 16, "#,##0", total=True)],
        [("Bát Xát", 1_200_000), ("Bảo Yên", 800_000)],
        heading="Kinh phí tuyên vận 6 tháng đầu năm 2018",
    )
    data = workbook_bytes(wb)

Every cell an exporter fills goes through :func:`write_cell`: text is always
written as text (never a formula, whatever its first character: a report's
"=HYPERLINK(...)" stays the words the reporter typed), and the formulas an
exporter writes itself go through :func:`write_formula`. No exporter sets
``cell.value`` on its own.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

# openpyxl (~33 MB with numpy and Pillow, which it imports) is imported by the
# functions that build a workbook, not here: the modules of the pages and the
# API import this one, and the server never builds a workbook until an export
# runs (issue 14; tests/test_lazy_imports.py keeps it so).
if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "Column",
    "add_table_sheet",
    "new_workbook",
    "safe_sheet_title",
    "workbook_bytes",
    "write_cell",
    "write_formula",
]

FONT_NAME = "Times New Roman"
HEADER_COLOR = "DDEBF7"
TOTAL_COLOR = "F2F2F2"
_BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Column:
    """One table column.

    ``number_format`` is an Excel format applied to the column's data cells
    (and its total), e.g. "#,##0" for VND, "0.0%" for rates, "0.0" for scores,
    "DD/MM/YYYY" for dates. ``total=True`` adds a ``=SUM()`` under the column.
    """

    header: str
    width: float = 14
    number_format: str | None = None
    total: bool = False


# Characters with which a spreadsheet reader starts a formula or a DDE call.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_cell(cell: Cell, value: object) -> Cell:
    """Put ``value`` in ``cell``; text is stored as text, never as a formula.

    openpyxl reads any string starting with "=" as a formula; a spreadsheet
    program may read "+", "-", "@", a tab or a carriage return the same way
    when the cell is edited. Text is stored with the string type, and text
    starting with one of those characters also gets Excel's quote prefix (shown
    as typed, kept as text when edited).
    """
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def append_row(sheet: Any, values: Iterable[object]) -> None:
    """``sheet.append(values)``, every text written by :func:`write_cell` (never a formula)."""
    values = list(values)
    sheet.append([None if isinstance(value, str) else value for value in values])
    row = sheet.max_row
    for column, value in enumerate(values, 1):
        if isinstance(value, str):
            write_cell(sheet.cell(row=row, column=column), value)


def write_formula(cell: Cell, formula: str) -> Cell:
    """Put a formula the exporter wrote itself (``=SUM(B4:B9)``) in ``cell``."""
    if not formula.startswith("="):
        raise ValueError(f"a formula starts with '=': {formula!r}")
    cell.value = formula
    cell.data_type = "f"
    return cell


def safe_sheet_title(title: str) -> str:
    """Return ``title`` without ``[]:*?/\\``, stripped and cut to 31 characters
    (Excel's limit); "Sheet" if nothing is left."""
    cleaned = _BAD_TITLE_CHARS.sub("", title).strip()
    # Excel also forbids a leading or trailing apostrophe.
    cleaned = cleaned[:31].strip().strip("'").strip()
    return cleaned or "Sheet"


def new_workbook() -> Workbook:
    """Return an empty workbook (the default sheet removed)."""
    from openpyxl import Workbook

    wb = Workbook()
    for ws in list(wb.worksheets):
        wb.remove(ws)
    return wb


def add_table_sheet(
    wb: Workbook,
    title: str,
    columns: list[Column],
    rows: Iterable[Sequence[object]],
    *,
    heading: str | None = None,
    total_label: str = "Tổng cộng",
) -> Worksheet:
    """Add a sheet holding one table and return it.

    Layout: an optional merged, bold 13 pt ``heading`` in row 1 (with row 2
    left blank), then the header row (bold, filled, wrapped, centred), the data
    rows, and - if any column has ``total=True`` - a bold total row with
    ``total_label`` in the first column and ``=SUM(X{first}:X{last})`` formulas.
    All table cells have thin borders; panes are frozen below the header; the
    autofilter covers header and data rows (not the total). Column widths and
    number formats come from ``columns``. The sheet title is sanitised by
    :func:`safe_sheet_title` and made unique within ``wb``.
    """
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    if not columns:
        raise ValueError("at least one column is required")
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", start_color=HEADER_COLOR, end_color=HEADER_COLOR)
    total_fill = PatternFill("solid", start_color=TOTAL_COLOR, end_color=TOTAL_COLOR)
    ws = wb.create_sheet(_unique_title(wb, safe_sheet_title(title)))
    ncols = len(columns)
    last_col = get_column_letter(ncols)

    header_row = 1
    if heading:
        write_cell(ws.cell(row=1, column=1), heading)
        ws["A1"].font = Font(name=FONT_NAME, bold=True, size=13)
        ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if ncols > 1:
            ws.merge_cells(f"A1:{last_col}1")
        ws.row_dimensions[1].height = 24
        header_row = 3

    header_font = Font(name=FONT_NAME, bold=True, size=12)
    body_font = Font(name=FONT_NAME, size=12)
    for ci, col in enumerate(columns, start=1):
        cell = write_cell(ws.cell(row=header_row, column=ci), col.header)
        cell.font = header_font
        cell.fill = header_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(ci)].width = col.width

    # Not every reader auto-fits wrapped rows: size the header row for its
    # longest wrapped header (about 1.2 width units per bold 12 pt character).
    lines = max(math.ceil(len(c.header) * 1.2 / max(c.width - 1, 1)) for c in columns)
    ws.row_dimensions[header_row].height = 16 * max(lines, 1) + 4

    first_data = header_row + 1
    r = header_row
    for values in rows:
        r += 1
        values = list(values)
        if len(values) != ncols:
            raise ValueError(f"row {r - header_row} has {len(values)} cells, expected {ncols}")
        for ci, (col, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = write_cell(ws.cell(row=r, column=ci), value)
            cell.font = body_font
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))
            if col.number_format:
                cell.number_format = col.number_format
    last_data = r

    ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate
    ws.auto_filter.ref = f"A{header_row}:{last_col}{max(last_data, header_row)}"

    if any(c.total for c in columns):
        tr = last_data + 1
        total_font = Font(name=FONT_NAME, bold=True, size=12)
        for ci, col in enumerate(columns, start=1):
            cell = ws.cell(row=tr, column=ci)
            letter = get_column_letter(ci)
            if ci == 1 and not col.total:
                write_cell(cell, total_label)
            elif col.total:
                # With no data rows, a range would cover the header: use 0.
                write_formula(
                    cell,
                    f"=SUM({letter}{first_data}:{letter}{last_data})"
                    if last_data >= first_data
                    else "=0",
                )
                if col.number_format:
                    cell.number_format = col.number_format
            cell.font = total_font
            cell.fill = total_fill
            cell.border = border

    ws.sheet_view.zoomScale = 100
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape" if ncols > 6 else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def workbook_bytes(wb: Workbook) -> bytes:
    """Return ``wb`` serialised as XLSX bytes."""
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _unique_title(wb: Workbook, title: str) -> str:
    existing = {ws.title for ws in wb.worksheets}
    if title not in existing:
        return title
    n = 2
    while True:
        suffix = f" ({n})"
        candidate = title[: 31 - len(suffix)] + suffix
        if candidate not in existing:
            return candidate
        n += 1
