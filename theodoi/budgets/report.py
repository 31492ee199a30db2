"""The budget in documents: the section of the consolidated report and the XLSX.

Both are Vietnamese Party documents (labels in Vietnamese, as the consolidated
report's). The XLSX keeps its arithmetic as formulas: remaining = estimate −
spent, rate = spent / estimate, totals by SUM.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from theodoi.documents.party import PartyDocument
from theodoi.documents.xlsx import (
    Column,
    add_table_sheet,
    new_workbook,
    workbook_bytes,
    write_cell,
    write_formula,
)

from .models import FundingSource
from .summary import Cell, Row, Summary, summarise

SOURCE_VI = {
    FundingSource.PROVINCIAL: "Ngân sách tỉnh",
    FundingSource.DISTRICT: "Ngân sách huyện",
    FundingSource.PROGRAMME: "Kinh phí chương trình, đề án",
    FundingSource.OTHER: "Xã hội hóa, nguồn khác",
}
BY_VI = {
    "unit": "Cơ quan, đơn vị",
    "field": "Lĩnh vực",
    "work_item": "Nhóm công việc",
    "source": "Nguồn kinh phí",
}


def vnd(amount: int | None) -> str:
    return "" if amount is None else f"{amount:,}".replace(",", ".")


def _note(row: Row) -> str:
    notes = []
    if row.unplanned_items and not row.estimate:
        notes.append("Chưa có dự toán được phê duyệt")
    elif row.overspent:
        notes.append("Vượt dự toán")
    if row.unspent_items:
        notes.append(f"{row.unspent_items} nhóm việc đã hết hạn chưa giải ngân")
    return "; ".join(notes)


# How many of the largest cases the body names; the annex lists them all.
NAMED = 3


def _code(cell: Cell) -> str:
    return str(cell.work_item.number or cell.work_item.title)


def _most(cells: list[Cell], amount: Callable[[Cell], str], largest: str) -> str:
    """ ": 2.6.4 của Huyện ủy Si Ma Cai (vượt 10.000.000 đồng), …; chi tiết tại Phụ lục." """
    named = ", ".join(f"{_code(c)} của {c.unit.name} ({amount(c)})" for c in cells[:NAMED])
    if len(cells) <= NAMED:
        return f": {named}; chi tiết tại Phụ lục."
    return f", {largest}: {named}; chi tiết tại Phụ lục."


def budget_annex(doc: PartyDocument, period: Any, number: int) -> bool:
    """The annex table of the work items over their estimate or past their end with
    nothing spent; False (nothing written) when there are none."""
    summary = summarise(period.plan, period, default=False)
    cells = [c for c in summary.cells if c.overspent or c.unspent]
    if not cells:
        return False
    doc.heading(f"{number}. Kinh phí các nhóm công việc vượt dự toán, chưa giải ngân", level=2)
    rows = []
    for c in sorted(cells, key=lambda c: (c.overspent is False, c.unit.pk, _code(c))):
        if c.overspent:
            note = f"Vượt dự toán {vnd((c.spent or 0) - c.estimate)} đồng"
        else:
            note = "Đã hết thời hạn, chưa báo cáo sử dụng"
        rows.append([f"{c.work_item}", c.unit.name, c.estimate, c.spent or 0, note])
    doc.table(
        ["Nhóm công việc", "Cơ quan, đơn vị", "Dự toán (đồng)", "Đã sử dụng (đồng)", "Ghi chú"],
        rows,
        widths_cm=[6.0, 3.6, 2.6, 2.6, 2.6],
        font_size=10,
    )
    return True


def budget_section(doc: PartyDocument, period: Any) -> bool:
    """Write the body of "V. KINH PHÍ" from the approved detailed plans; False when the
    plan has no approved detailed plan (the report keeps its spending-only text)."""
    summary = summarise(period.plan, period, default=False)
    if not summary.lines:
        return False
    total_estimate, total_spent = summary.estimate, summary.spent
    rate = f"{100 * total_spent / total_estimate:.1f}".replace(".", ",") if total_estimate else "0"
    doc.paragraph(
        f"Dự toán kinh phí theo kế hoạch chi tiết đã được phê duyệt của"
        f" {len({c.unit.pk for c in summary.cells if c.estimate})} cơ quan, đơn vị:"
        f" {vnd(total_estimate)} đồng; các cơ quan, đơn vị báo cáo đã sử dụng"
        f" {vnd(total_spent)} đồng ({rate}% dự toán)."
    )
    if summary.awaiting:
        doc.paragraph(
            "Kế hoạch chi tiết chưa được phê duyệt: "
            + ", ".join(dp.unit.name for dp in summary.awaiting)
            + "."
        )
    table = []
    for r in summary.rows("unit"):
        unplanned = r.unplanned_items and not r.estimate
        remaining = "" if unplanned else r.estimate - (r.spent or 0)
        table.append([r.label, r.estimate, r.spent or 0, remaining, _note(r)])
    doc.table(
        ["Cơ quan, đơn vị", "Dự toán (đồng)", "Đã sử dụng (đồng)", "Còn lại (đồng)", "Ghi chú"],
        table,
        widths_cm=[5.0, 2.9, 2.9, 2.9, 2.8],
        font_size=11,
        total_row=["Tổng cộng", total_estimate, total_spent, total_estimate - total_spent, ""],
    )
    over = sorted(
        (c for c in summary.cells if c.overspent),
        key=lambda c: ((c.spent or 0) - c.estimate, -c.estimate),
        reverse=True,
    )
    idle = sorted((c for c in summary.cells if c.unspent), key=lambda c: c.estimate, reverse=True)
    if over:
        excess = sum((c.spent or 0) - c.estimate for c in over)
        doc.paragraph(
            f"Có {len(over)} lượt nhóm công việc sử dụng vượt dự toán (tổng số vượt"
            f" {vnd(excess)} đồng)"
            + _most(over, lambda c: f"vượt {vnd((c.spent or 0) - c.estimate)} đồng", "nhiều nhất")
        )
    if idle:
        doc.paragraph(
            f"Có {len(idle)} lượt nhóm công việc đã hết thời hạn nhưng chưa báo cáo sử dụng"
            f" kinh phí (dự toán {vnd(sum(c.estimate for c in idle))} đồng)"
            + _most(idle, lambda c: f"dự toán {vnd(c.estimate)} đồng", "lớn nhất")
        )
    by_source = summary.rows("source")
    doc.paragraph(
        "Cơ cấu nguồn kinh phí dự toán: "
        + "; ".join(f"{SOURCE_VI[r.key]} {vnd(r.estimate)} đồng" for r in by_source)
        + "."
    )
    return True


def to_xlsx(summary: Summary) -> bytes:
    """The budget summary: one sheet per grouping, remaining and rate as formulas."""
    wb = new_workbook()
    period = f" - kỳ {summary.period.code}" if summary.period is not None else ""
    heading = f"Dự toán và sử dụng kinh phí - Kế hoạch số {summary.plan.number}{period}"
    money = "#,##0"
    for by, sheet in (("unit", "Theo đơn vị"), ("field", "Theo lĩnh vực"),
                      ("work_item", "Theo nhóm công việc")):  # fmt: skip
        rows = summary.rows(by)
        ws = add_table_sheet(
            wb,
            sheet,
            [
                Column(BY_VI[by], 44),
                Column("Dự toán (đồng)", 18, money, total=True),
                Column("Đã sử dụng (đồng)", 18, money, total=True),
                Column("Còn lại (đồng)", 18, money, total=True),
                Column("Tỷ lệ sử dụng (%)", 12, "0.0"),
                Column("Ghi chú", 30),
            ],
            [[r.label, r.estimate, r.spent or 0, None, None, _note(r)] for r in rows],
            heading=heading,
        )
        first = 4
        for i in range(len(rows) + 1):  # the data rows and the total row
            r = first + i
            write_formula(ws.cell(r, 4), f"=B{r}-C{r}")
            ws.cell(r, 4).number_format = money
            write_formula(ws.cell(r, 5), f"=IF(B{r}=0,0,100*C{r}/B{r})")
            ws.cell(r, 5).number_format = "0.0"
    rows = summary.rows("source")
    add_table_sheet(
        wb,
        "Theo nguồn",
        [Column("Nguồn kinh phí", 36), Column("Dự toán (đồng)", 18, money, total=True)],
        [[SOURCE_VI[r.key], r.estimate] for r in rows],
        heading=heading,
    )
    ws = add_table_sheet(
        wb,
        "Chi tiết dự toán",
        [
            Column("Cơ quan, đơn vị", 30),
            Column("Nhóm công việc", 40),
            Column("Hoạt động", 40),
            Column("Thời gian", 14),
            Column("Sản phẩm", 24),
            Column("Nguồn kinh phí", 22),
            Column("Dự toán (đồng)", 18, money, total=True),
        ],
        [
            [
                line.detailed_plan.unit.name,
                str(line.work_item),
                line.activity,
                line.timing,
                line.output,
                SOURCE_VI[line.source],
                line.amount,
            ]
            for line in summary.lines
        ],
        heading=heading,
    )
    if summary.awaiting:
        r = ws.max_row + 2
        write_cell(
            ws.cell(r, 1),
            "Chưa phê duyệt: " + ", ".join(dp.unit.name for dp in summary.awaiting),
        )
    return workbook_bytes(wb)
