"""Tests for the XLSX table helpers (no database, no Django)."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from theodoi.documents.xlsx import (
    Column,
    add_table_sheet,
    new_workbook,
    safe_sheet_title,
    workbook_bytes,
)

COLUMNS = [
    Column("Đơn vị", 30),
    Column("Kinh phí", 16, "#,##0", total=True),
    Column("Tỷ lệ", 10, "0.0%"),
    Column("Điểm", 8, "0.0", total=True),
    Column("Ngày", 12, "DD/MM/YYYY"),
]
ROWS = [
    ("Bát Xát", 1_200_000, 0.85, 8.5, date(2018, 7, 10)),
    ("Bảo Yên", 800_000, 0.9, 9.0, date(2018, 7, 11)),
    ("Văn Bàn", 500_000, 0.7, 7.25, date(2018, 7, 12)),
]


def _reopen(wb):
    return load_workbook(io.BytesIO(workbook_bytes(wb)))


def test_new_workbook_is_empty() -> None:
    assert new_workbook().sheetnames == []


def test_plain_table() -> None:
    wb = new_workbook()
    add_table_sheet(wb, "Kinh phí", COLUMNS, ROWS)
    ws = _reopen(wb)["Kinh phí"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E4"
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert ws["A1"].font.b
    assert ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws["A1"].alignment.wrap_text
    # Total row: label + real SUM formulas over the data rows only.
    assert ws["A5"].value == "Tổng cộng"
    assert ws["B5"].value == "=SUM(B2:B4)"
    assert ws["D5"].value == "=SUM(D2:D4)"
    assert ws["C5"].value is None
    assert ws["B5"].font.b
    # Number formats per column (data and total).
    assert ws["B2"].number_format == "#,##0"
    assert ws["B5"].number_format == "#,##0"
    assert ws["C3"].number_format == "0.0%"
    assert ws["D4"].number_format == "0.0"
    assert ws["E2"].number_format == "DD/MM/YYYY"
    assert ws["A2"].border.left.style == "thin"
    assert ws.column_dimensions["A"].width == 30
    assert ws.column_dimensions["B"].width == 16


def test_heading_shifts_table() -> None:
    wb = new_workbook()
    add_table_sheet(wb, "Báo cáo", COLUMNS, ROWS, heading="Kinh phí 6 tháng", total_label="Cộng")
    ws = _reopen(wb)["Báo cáo"]
    assert ws["A1"].value == "Kinh phí 6 tháng"
    assert ws["A1"].font.b and ws["A1"].font.sz == 13
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A3"].value == "Đơn vị"
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:E6"
    assert ws["A7"].value == "Cộng"
    assert ws["B7"].value == "=SUM(B4:B6)"


def test_no_total_row_without_total_columns() -> None:
    wb = new_workbook()
    ws = add_table_sheet(wb, "X", [Column("A"), Column("B")], [("a", 1)])
    assert ws.max_row == 2


def test_empty_rows_total_is_zero() -> None:
    wb = new_workbook()
    ws = add_table_sheet(wb, "X", COLUMNS, [])
    assert ws["B2"].value == "=0"
    assert ws["A2"].value == "Tổng cộng"


def test_sheet_title_sanitised() -> None:
    assert safe_sheet_title("Báo cáo [6/2018]: *tổng hợp?\\") == "Báo cáo 62018 tổng hợp"
    long = "Kết quả thực hiện Kế hoạch 112-KH/TU của các huyện"
    assert len(safe_sheet_title(long)) == 31
    assert safe_sheet_title("[]") == "Sheet"
    wb = new_workbook()
    ws = add_table_sheet(wb, long, [Column("A")], [("a",)])
    ws2 = add_table_sheet(wb, long, [Column("A")], [("b",)])
    assert ws.title == safe_sheet_title(long)
    assert "/" not in ws.title
    assert ws2.title != ws.title and len(ws2.title) <= 31
    assert _reopen(wb).sheetnames == [ws.title, ws2.title]


def test_text_is_never_a_formula() -> None:
    wb = new_workbook()
    hostile = ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "plain"]
    add_table_sheet(
        wb,
        "T",
        [Column("Text", 20), Column("Amount", 12, "#,##0", total=True)],
        [(text, 1) for text in hostile],
        heading="=HEADING()",
    )
    ws = _reopen(wb)["T"]
    assert ws["A1"].value == "=HEADING()" and ws["A1"].data_type == "s"
    texts = [ws.cell(row, 1) for row in range(4, 4 + len(hostile))]
    assert [c.value for c in texts] == hostile
    assert all(c.data_type == "s" for c in texts)
    assert [c.quotePrefix for c in texts] == [True] * 6 + [False]
    # The exporter's own formula stays a formula; numbers stay numbers.
    total = ws.cell(4 + len(hostile), 2)
    assert total.value == "=SUM(B4:B10)" and total.data_type == "f"
    assert ws["B4"].data_type == "n"


def test_write_formula_refuses_text() -> None:
    import pytest

    from theodoi.documents.xlsx import write_formula

    ws = new_workbook().create_sheet("x")
    with pytest.raises(ValueError):
        write_formula(ws.cell(1, 1), "SUM(A1)")
