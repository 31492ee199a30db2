"""A plan as the Party issues it: a Kế hoạch in the Party's format with its appendix table.

The demo ships the issued 112-KH/TU this way (``theodoi plan-docx``, and the file
the demo loader leaves in the data folder), so that the import with a review step
can be tried on the document people actually have. The appendix is written as
people write it: fields and tasks as rows numbered "I." and "1." with their
title merged across the row, a task's lead written once and merged down over its
work items, units by their usual short names or groups ("Các huyện ủy, thành
ủy"), time frames in words ("Quý I/2018", "Cả năm", "Trước 30/6/2018").
"""

from __future__ import annotations

import calendar
from datetime import date

from theodoi.core import clock
from theodoi.documents.issuers import archive_mark, issuer_on
from theodoi.documents.party import Letterhead, PartyDocument, Signature
from theodoi.plans.models import Assignment, Plan, WorkItem
from theodoi.units.models import Unit, UnitGroup

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
QUARTERS = ["I", "II", "III", "IV"]
COLUMNS = [
    "TT",
    "Nhiệm vụ, nội dung công việc",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian thực hiện",
    "Sản phẩm",
]
WIDTHS = [1.2, 5.3, 2.6, 3.2, 2.3, 1.9]


def _month_end(d: date) -> bool:
    return d.day == calendar.monthrange(d.year, d.month)[1]


def written_time(start: date, end: date) -> str:
    """A time frame as a plan writes it, read back to the same dates by timeframes.py."""
    year = end.year
    if start == date(year, 1, 1) and end == date(year, 12, 31):
        return "Cả năm"
    if start == date(year, 1, 1) and end == date(year, 6, 30):
        return "6 tháng đầu năm"
    if start == date(year, 7, 1) and end == date(year, 12, 31):
        return "6 tháng cuối năm"
    if start.day == 1 and _month_end(end) and start.year == year:
        if start.month % 3 == 1 and end.month % 3 == 0:
            first, last = (start.month + 2) // 3, end.month // 3
            if first == last:
                return f"Quý {QUARTERS[first - 1]}/{year}"
            return f"Quý {QUARTERS[first - 1]}-{QUARTERS[last - 1]}/{year}"
        if start.month == end.month:
            return f"Tháng {start.month}/{year}"
        return f"Tháng {start.month}-{end.month}/{year}"
    if start == date(year, 1, 1):
        return f"Trước {end.day}/{end.month}/{year}"
    return f"{start:%d/%m} - {end:%d/%m/%Y}"


def _written_units(units: list[Unit], groups: list[tuple[str, set[int]]]) -> str:
    """Units as a plan writes them: a whole group by its name, then short names."""
    left = {u.pk: u for u in units}
    parts = []
    for name, members in groups:
        if len(members) > 1 and members <= left.keys():
            parts.append(name)
            for pk in members:
                del left[pk]
    for unit in left.values():
        if unit.kind == Unit.Kind.PARTY_AGENCY and unit.name.endswith(" Tỉnh ủy"):
            parts.append(unit.name.removesuffix(" Tỉnh ủy"))  # "Ban Tuyên giáo"
        else:
            parts.append(unit.short_name or unit.name)
    return ", ".join(parts) if not any("," in p for p in parts) else "; ".join(parts)


def plan_docx(plan: Plan, *, place: str = "") -> bytes:
    """The plan as an issued Kế hoạch (.docx) with its appendix of tasks."""
    # The issuing body as it was on the plan's date (a ban under its Tỉnh ủy; the
    # Ban Tuyên giáo in 2018, the Ban Tuyên giáo và Dân vận after the merger).
    day = plan.issued_on or clock.today()
    issuer = issuer_on(plan.issuer, day)
    letterhead = Letterhead(
        superior=issuer.superior,
        issuer=issuer.name,
        number=plan.number,
        place=place or issuer.place or issuer.unit.name,
        date=plan.issued_on,
    )
    document = PartyDocument(letterhead, "Kế hoạch", plan.title)
    document.heading("I. MỤC ĐÍCH, YÊU CẦU")
    for line in (plan.summary or "").split(". "):
        if line.strip():
            document.bullet(line.strip().rstrip(".") + ".")
    document.heading("II. NHIỆM VỤ, GIẢI PHÁP")
    document.paragraph(
        "Phân công cơ quan chủ trì, cơ quan phối hợp, thời gian và sản phẩm của từng nhiệm vụ "
        "theo Phụ lục kèm theo Kế hoạch này."
    )
    document.heading("III. TỔ CHỨC THỰC HIỆN")
    document.paragraph(
        "Các cơ quan, đơn vị được phân công chủ trì chủ động xây dựng kế hoạch cụ thể, báo cáo "
        "kết quả định kỳ 06 tháng, 01 năm về cơ quan thường trực."
    )
    if issuer.superior:  # a ban's plan: its head signs, its office keeps a copy
        document.closing(
            ["- Thường trực Tỉnh ủy (để b/c),", "- Như phần III,",
             f"- Lưu VP, {archive_mark(issuer.symbol)}."],
            Signature(authority="", position="TRƯỞNG BAN"),
        )  # fmt: skip
    else:
        document.closing(
            ["- Ban Thường vụ Tỉnh ủy,", "- Như phần III,", "- Lưu Văn phòng Tỉnh ủy."],
            Signature(authority="T/M BAN THƯỜNG VỤ", position="PHÓ BÍ THƯ"),
        )
    document.document.add_page_break()
    document.heading("PHỤ LỤC")
    document.paragraph(
        f"Phân công nhiệm vụ thực hiện Kế hoạch số {plan.number} năm {plan.year}", italic=True
    )

    groups = [
        (g.name, {u.pk for u in g.units.all()})
        for g in UnitGroup.objects.prefetch_related("units").order_by("-name")
    ]
    groups.sort(key=lambda g: -len(g[1]))
    items = (
        WorkItem.objects.filter(task__plan=plan)
        .select_related("task__field")
        .prefetch_related("assignments__unit")
        .order_by(
            "task__field__position", "task__field_id", "task__position", "task_id", "position", "pk"
        )
    )
    rows: list[list[object]] = []
    sections: list[int] = []
    field_id = task_id = None
    field_n = task_n = item_n = 0
    previous_lead = ""
    for item in items:
        task = item.task
        if task.field_id != field_id:
            field_id, field_n, task_n = task.field_id, field_n + 1, 0
            sections.append(len(rows))
            numeral = ROMAN[(field_n - 1) % len(ROMAN)]
            rows.append([f"{numeral}.", task.field.name.upper(), "", "", "", ""])
        assignments = list(item.assignments.all())
        leads = [a.unit for a in assignments if a.role == Assignment.Role.LEAD]
        coordinating = [a.unit for a in assignments if a.role == Assignment.Role.COORDINATING]
        lead_text = _written_units(leads, groups)
        if task.pk != task_id:
            task_id, task_n, item_n, previous_lead = task.pk, task_n + 1, 0, ""
            sections.append(len(rows))
            rows.append([f"{task_n}.", task.title, "", "", "", ""])
        item_n += 1
        rows.append(
            [
                f"{task_n}.{item_n}",
                item.title,
                lead_text if lead_text != previous_lead else "",
                _written_units(coordinating, groups),
                item.time_frame or written_time(item.start, item.end),
                item.expected_output,
            ]
        )
        previous_lead = lead_text
    # A lead written once and merged down over the task's next work items.
    section_set = set(sections)
    runs = []
    for start, row in enumerate(rows):
        if start in section_set or not row[2]:
            continue
        end = start
        while end + 1 < len(rows) and end + 1 not in section_set and not rows[end + 1][2]:
            end += 1
        if end > start:
            runs.append((start, end))
    aligns = ["center", None, None, None, "center", None]
    document.table(COLUMNS, rows, widths_cm=WIDTHS, font_size=11, aligns=aligns)
    table = document.document.tables[-1]
    for index in sections:
        row = table.rows[index + 1]
        merged = row.cells[1].merge(row.cells[5])
        for paragraph in merged.paragraphs[1:]:
            paragraph._p.getparent().remove(paragraph._p)
        for run in row.cells[0].paragraphs[0].runs + merged.paragraphs[0].runs:
            run.bold = True
    for start, end in runs:
        top = table.cell(start + 1, 2)
        merged = top.merge(table.cell(end + 1, 2))
        for paragraph in merged.paragraphs[1:]:
            if not paragraph.text.strip():
                paragraph._p.getparent().remove(paragraph._p)
    return document.to_bytes()
