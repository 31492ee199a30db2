"""Reading an uploaded table into a grid of texts, whatever made it.

An XLSX workbook (openpyxl, cached values of formula cells: never evaluated) or
a Word document (python-docx: every table of the document, the letterhead
aside). Merged cells are kept as such: a cell covered by a merge carries the
merged text and says so, so that a title spanning a row reads as a section and
a task cell spanning its work items reads on each of them.

The grid is plain JSON (kept in the staged import): ``{"rows": [[text, …], …],
"spans": {"r": [first col, last col] of a row-wide merge}, "vmerged": [[r, c], …],
"formulas": [[r, c, cached?], …], "sources": [label per row], "meta": {…}}``.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .text import cell_lines

# Decompressed size allowed per byte of upload: a zip bomb is refused unread.
MAX_EXPANSION = 40


class FileRefused(Exception):
    """The file cannot be read as a table of the kind claimed; the message says why."""


def sniff(data: bytes) -> str:
    """What the bytes are: "xlsx", "docx", "xls", "doc", "pdf", "zip", "text" or "unknown"."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "unknown"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"  # or an old .doc: both are refused alike
    if data.startswith(b"%PDF"):
        return "pdf"
    try:
        data[:2048].decode("utf-8")
    except UnicodeDecodeError:
        return "unknown"
    return "text"


def _kind_name(kind: str) -> str:
    names = {
        "xlsx": _("an Excel workbook (.xlsx)"),
        "docx": _("a Word document (.docx)"),
        "xls": _("an old Office file (.xls or .doc): save it as .xlsx or .docx first"),
        "pdf": _("a PDF"),
        "zip": _("a ZIP archive"),
        "text": _("a text file (for a CSV, save it as .xlsx first)"),
        "unknown": _("a file of an unknown kind"),
    }
    return str(names[kind])


def check_upload(name: str, data: bytes) -> str:
    """The format of an upload ("xlsx" or "docx"), or FileRefused saying why not."""
    limit = settings.THEODOI_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise FileRefused(
            _("The file is too large (%(size)s KB): at most %(max)s KB.")
            % {"size": len(data) // 1024, "max": limit // 1024}
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = sniff(data)
    if extension not in ("xlsx", "docx"):
        raise FileRefused(
            _("Upload an Excel workbook (.xlsx) or a Word document (.docx); this file is %(kind)s.")
            % {"kind": _kind_name(kind)}
        )
    if kind != extension:
        raise FileRefused(
            _(
                "This file is named .%(extension)s but it is %(kind)s: "
                "it was renamed, not converted."
            )
            % {"extension": extension, "kind": _kind_name(kind)}
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        expanded = sum(info.file_size for info in archive.infolist())
    if expanded > max(limit, len(data)) * MAX_EXPANSION:
        raise FileRefused(_("The file expands to too much data to be a table: it is refused."))
    return kind


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.6g}"
    if isinstance(value, bool):
        return "1" if value else "0"
    return cell_lines(value)


def read_xlsx(data: bytes) -> dict[str, Any]:
    """The first sheet holding a table: cached values, merges, formula cells marked."""
    from openpyxl import load_workbook

    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged workbook
        raise FileRefused(_("This file cannot be read as an Excel workbook.")) from e
    sheet = values.worksheets[0]
    source = formulas.worksheets[0]
    max_rows = settings.THEODOI_IMPORT_MAX_ROWS + 40
    if sheet.max_row > max_rows:
        raise FileRefused(
            _("The table has more than %(max)s rows: split it into several files.")
            % {"max": settings.THEODOI_IMPORT_MAX_ROWS}
        )
    width = min(sheet.max_column, 40)
    rows: list[list[str]] = []
    formula_cells: list[list[Any]] = []
    for r, (row, raw) in enumerate(
        zip(
            sheet.iter_rows(max_col=width, values_only=True),
            source.iter_rows(max_col=width, values_only=True),
            strict=False,
        )
    ):
        texts = [_value(v) for v in row]
        for c, formula in enumerate(raw):
            if isinstance(formula, str) and formula.startswith("="):
                formula_cells.append([r, c, row[c] is not None])
        rows.append(texts + [""] * (width - len(texts)))
    formulas.close()
    spans: dict[str, list[int]] = {}
    vmerged: list[list[int]] = []
    for merged in sheet.merged_cells.ranges:
        r0, c0 = merged.min_row - 1, merged.min_col - 1
        r1, c1 = merged.max_row - 1, min(merged.max_col - 1, width - 1)
        if r0 >= len(rows) or c0 >= width:
            continue
        text = rows[r0][c0]
        # The text goes down a vertical merge (a task over its work items), but
        # only in the first column of a horizontal one (a title across the row).
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            rows[r][c0] = text
            for c in range(c0 + 1, c1 + 1):
                rows[r][c] = ""
            if r > r0:
                vmerged.append([r, c0])
            if c1 > c0:
                spans[str(r)] = [c0, c1]
    return {
        "rows": rows,
        "spans": spans,
        "vmerged": vmerged,
        "formulas": formula_cells,
        "sources": [str(r + 1) for r in range(len(rows))],
        "meta": {},
    }


# Word ---------------------------------------------------------------------------

NUMBER_RE = re.compile(r"S[ốố]\s*:?\s*([0-9]+[\w.]*-[A-ZĐa-zđ]+/[A-ZĐa-zđ0-9]+)")
DATE_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def _docx_meta(document: Any) -> dict[str, Any]:
    """Number, date, issuing body and title from a Party document's letterhead."""
    meta: dict[str, Any] = {}
    lines: list[str] = []
    if document.tables:
        first = document.tables[0]
        cells = first.rows[0].cells if first.rows else []
        if len(cells) >= 2:
            left = [p.text.strip() for p in cells[0].paragraphs if p.text.strip()]
            right = [p.text.strip() for p in cells[-1].paragraphs if p.text.strip()]
            lines = left + right
            body = [line for line in left if line not in ("*",) and not line.startswith("Số")]
            if body:
                meta["issuer_lines"] = body
    body_lines = [p.text.strip() for p in document.paragraphs[:12] if p.text.strip()]
    for line in lines + body_lines:
        if "number" not in meta and (m := NUMBER_RE.search(line)):
            meta["number"] = m.group(1)
        if "issued_on" not in meta and (m := DATE_RE.search(line)):
            day, month, year = (int(g) for g in (m.group(1), m.group(2), m.group(3)))
            with contextlib.suppress(ValueError):
                meta["issued_on"] = date(year, month, day).isoformat()
    # The title: the document type ("KẾ HOẠCH") and the lines after it.
    for index, line in enumerate(body_lines):
        if line.isupper() and len(line) <= 20 and index + 1 < len(body_lines):
            meta["doc_type"] = line
            meta["title"] = body_lines[index + 1]
            break
    return meta


W_T = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def _tc_text(tc: Any) -> str:
    lines = (" ".join("".join(t.text or "" for t in p.iter(W_T)).split()) for p in tc.p_lst)
    return "\n".join(line for line in lines if line).strip()


def read_docx(data: bytes) -> dict[str, Any]:
    """Every bordered table of a Word document after its letterhead, as one grid."""
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except Exception as e:
        raise FileRefused(_("This file cannot be read as a Word document.")) from e
    rows: list[list[str]] = []
    spans: dict[str, list[int]] = {}
    vmerged: list[list[int]] = []
    sources: list[str] = []
    tables = document.tables
    for t_index, table in enumerate(tables):
        if (
            t_index == 0
            and "ĐẢNG CỘNG SẢN VIỆT NAM"
            in "".join(t.text or "" for t in table._tbl.iter(W_T)).upper()
        ):
            continue  # the letterhead
        # Walk the XML: each <w:tc> holds its gridSpan and vMerge (python-docx's
        # cell list repeats merged cells, which hides where a merge starts).
        above: list[str] = []
        for r_index, tr in enumerate(table._tbl.tr_lst):
            texts: list[str] = []
            positions: list[tuple[int, int, str | None]] = []
            for tc in tr.tc_lst:
                span = tc.grid_span
                text = _tc_text(tc)
                merge = tc.vMerge  # None, "restart" or "continue"
                positions.append((len(texts), span, merge))
                texts.extend([text] + [""] * (span - 1))
            row_number = len(rows)
            for start, span, merge in positions:
                if merge == "continue" and above:
                    for c in range(start, min(start + span, len(above))):
                        texts[c] = above[c]
                        vmerged.append([row_number, c])
                if span > 1:
                    spans[str(row_number)] = [start, start + span - 1]
            rows.append(texts)
            sources.append(
                _("table %(t)s, row %(r)s") % {"t": t_index + 1, "r": r_index + 1}
                if len(tables) > 2
                else str(r_index + 1)
            )
            above = texts
        rows.append([])  # tables are separated by an empty row
        sources.append("")
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return {
        "rows": rows,
        "spans": spans,
        "vmerged": vmerged,
        "formulas": [],
        "sources": sources,
        "meta": _docx_meta(document),
    }


def read_upload(name: str, source: IO[bytes] | bytes) -> tuple[str, dict[str, Any]]:
    """(format, grid) of an uploaded file, or FileRefused."""
    data = source if isinstance(source, bytes) else source.read()
    kind = check_upload(name, data)
    grid = read_xlsx(data) if kind == "xlsx" else read_docx(data)
    if not any(any(cell for cell in row) for row in grid["rows"]):
        raise FileRefused(_("The file holds no table."))
    return kind, grid
