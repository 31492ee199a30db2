"""The consolidated report of a period (báo cáo tổng hợp): content, DOCX and XLSX.

The content is gathered in a bounded number of queries (owing units, the
received reports with their entries, the assignments of units that did not
report), whatever the number of units and work items.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db.models import Prefetch
from django.utils import translation

from theodoi.core import clock
from theodoi.documents.issuers import committee_name, handed_over_from, issuer_on
from theodoi.documents.party import Letterhead, PartyDocument, Signature
from theodoi.documents.xlsx import (
    Column,
    add_table_sheet,
    new_workbook,
    workbook_bytes,
    write_formula,
)
from theodoi.plans.models import Assignment
from theodoi.units.models import Membership, Unit

from . import sections
from .models import ConsolidatedExport, PeriodKind, ProgressEntry, ProgressReport, ReportingPeriod
from .periods import owing_and_ceased

logger = logging.getLogger(__name__)
S = ProgressEntry.Status
# Vietnamese labels: the consolidated report is a Vietnamese Party document.
STATUS_VI = {
    S.NOT_STARTED: "Chưa triển khai",
    S.IN_PROGRESS: "Đang thực hiện",
    S.DONE_ON_TIME: "Hoàn thành đúng hạn",
    S.DONE_LATE: "Hoàn thành trễ hạn",
    S.OVERDUE: "Quá hạn chưa hoàn thành",
    S.CHANGE_PROPOSED: "Đề nghị điều chỉnh",
}
NO_REPORT = sections.NO_REPORT


@dataclass
class Line:
    """One lead work item of one unit, as reported (or not)."""

    unit: Unit
    work_item: Any
    field: str
    status: str  # an entry status, or NO_REPORT
    percent: int
    budget: int | None


@dataclass
class Consolidated:
    period: ReportingPeriod
    expected: list[Unit]
    reported: list[Unit]
    on_time: int
    missing: list[Unit]
    lines: list[Line]
    shortcomings: list[tuple[Unit, list[tuple[str, str]]]]
    proposals: list[tuple[Unit, list[tuple[str, str]]]]
    budget: list[tuple[Unit, int]]
    status_counts: Counter[str] = field(default_factory=Counter)
    # What each unit wrote of its results: (unit, work item, entry role, text).
    narratives: list[tuple[Unit, Any, str, str]] = field(default_factory=list)
    # Units that ceased during the period (a reform), with the successors owing in
    # their place (periods.OWING_RULE): owing nothing, counted in no rate.
    ceased: list[tuple[Unit, list[Unit]]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.status_counts[S.DONE_ON_TIME] + self.status_counts[S.DONE_LATE]

    @property
    def percent_done(self) -> float:
        return round(100 * self.done / len(self.lines), 1) if self.lines else 0.0

    @property
    def completeness(self) -> float:
        return round(100 * len(self.reported) / len(self.expected), 1) if self.expected else 0.0

    @property
    def budget_total(self) -> int:
        return sum(amount for _, amount in self.budget)

    def by_unit(self) -> list[list[object]]:
        groups: dict[int, list[Line]] = defaultdict(list)
        units: dict[int, Unit] = {}
        for line in self.lines:
            groups[line.unit.pk].append(line)
            units[line.unit.pk] = line.unit
        return [self._row(self._labelled(units[k]), groups[k]) for k in _ordered(units)]

    def _labelled(self, unit: Unit) -> str:
        """The unit's name; with its structure ("từ 01/07/2025") when the period
        spans a reform that the unit began or ended in (always in Vietnamese)."""
        with translation.override("vi"):
            structure = unit.structure_within(self.period.start, self.period.end)
        return f"{unit.name} ({structure})" if structure else unit.name

    def by_field(self) -> list[list[object]]:
        groups: dict[str, list[Line]] = defaultdict(list)
        for line in self.lines:
            groups[line.field].append(line)
        return [self._row(name, lines) for name, lines in groups.items()]

    @staticmethod
    def _row(label: str, lines: list[Line]) -> list[object]:
        counts = Counter(line.status for line in lines)
        done = counts[S.DONE_ON_TIME] + counts[S.DONE_LATE]
        return [
            label,
            len(lines),
            counts[S.DONE_ON_TIME],
            counts[S.DONE_LATE],
            counts[S.IN_PROGRESS] + counts[S.NOT_STARTED] + counts[S.CHANGE_PROPOSED],
            counts[S.OVERDUE],
            counts[NO_REPORT],
            round(100 * done / len(lines), 1) if lines else 0.0,
        ]

    def overdue(self) -> list[Line]:
        """Reported overdue, or past end and not done by a unit that did not report."""
        return [
            line
            for line in self.lines
            if line.status == S.OVERDUE
            or (
                line.status == NO_REPORT
                and line.work_item.end <= self.period.end
                and line.percent < 100
            )
        ]


def _num(value: float) -> str:
    """A percentage with one decimal, Vietnamese style: "33,3", "100,0"."""
    return f"{value:.1f}".replace(".", ",")


def _pct_last(rows: list[list[object]]) -> list[list[object]]:
    return [[*row[:-1], _num(float(row[-1]))] for row in rows]  # type: ignore[arg-type]


def _ordered(units: dict[int, Unit]) -> list[int]:
    return sorted(units, key=lambda k: (units[k].position, units[k].name))


def build(period: ReportingPeriod) -> Consolidated:
    """Gather the consolidated content of a period."""
    owing = owing_and_ceased([period])
    expected_ids = owing.owing[period.pk]
    gone = owing.ceased[period.pk]
    named = Unit.objects.filter(pk__in=expected_ids | gone.keys()).order_by("position", "name")
    expected = [u for u in named if u.pk in expected_ids]
    by_id = {u.pk: u for u in named}
    ceased = [(by_id[pk], [by_id[s] for s in gone[pk] if s in by_id]) for pk in gone]
    reports = list(
        ProgressReport.objects.filter(
            period=period,
            unit_id__in=expected_ids,
        )
        .received()
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=ProgressEntry.objects.select_related("work_item__task__field"),
            )
        )
    )
    for report in reports:
        report.period = period  # on_time reads the due date
    reported_ids = {r.unit_id for r in reports}
    lines: list[Line] = []
    shortcomings: list[tuple[Unit, list[tuple[str, str]]]] = []
    proposals: list[tuple[Unit, list[tuple[str, str]]]] = []
    budget: list[tuple[Unit, int]] = []
    narratives: list[tuple[Unit, Any, str, str]] = []
    on_time = 0
    for report in sorted(reports, key=lambda r: (r.unit.position, r.unit.name)):
        if report.on_time:
            on_time += 1
        unit_short: list[tuple[str, str]] = []
        unit_prop: list[tuple[str, str]] = []
        spent = 0
        for entry in report.entries.all():
            if entry.role == ProgressEntry.Role.LEAD:
                lines.append(
                    Line(
                        report.unit,
                        entry.work_item,
                        entry.work_item.task.field.name,
                        entry.status,
                        entry.percent,
                        entry.budget_spent,
                    )
                )
            if entry.results.strip():
                narratives.append((report.unit, entry.work_item, entry.role, entry.results))
            if entry.shortcomings.strip():
                unit_short.append((str(entry.work_item), entry.shortcomings.strip()))
            if entry.proposals.strip():
                unit_prop.append((str(entry.work_item), entry.proposals.strip()))
            spent += entry.budget_spent or 0
        if unit_short:
            shortcomings.append((report.unit, unit_short))
        if unit_prop:
            proposals.append((report.unit, unit_prop))
        if spent:
            budget.append((report.unit, spent))
    missing = [u for u in expected if u.pk not in reported_ids]
    silent = (
        Assignment.objects.filter(
            unit_id__in=[u.pk for u in missing],
            role=Assignment.Role.LEAD,
            work_item__task__plan_id=period.plan_id,
            work_item__start__lte=period.end,
            work_item__end__gte=period.start,
        )
        .select_related("unit", "work_item__task__field")
        .order_by("unit__position", "unit__name", "work_item__position")
    )
    for a in silent:
        lines.append(
            Line(a.unit, a.work_item, a.work_item.task.field.name, NO_REPORT, a.percent_done, None)
        )
    result = Consolidated(
        period=period,
        expected=expected,
        reported=[r.unit for r in reports],
        on_time=on_time,
        missing=missing,
        lines=lines,
        shortcomings=shortcomings,
        proposals=proposals,
        budget=budget,
        narratives=narratives,
        ceased=ceased,
    )
    result.status_counts = Counter(line.status for line in lines)
    return result


# DOCX --------------------------------------------------------------------------------

UNIT_COLUMNS = [
    "Cơ quan, đơn vị",
    "Số nhóm công việc",
    "Hoàn thành đúng hạn",
    "Hoàn thành trễ hạn",
    "Đang thực hiện",
    "Quá hạn",
    "Chưa báo cáo",
    "Tỷ lệ hoàn thành (%)",
]


# The name column wide enough for "Sở Thông tin và Truyền thông" on one line; 16,5 cm in all.
UNIT_WIDTHS = [5.9, 1.4, 1.55, 1.55, 1.55, 1.3, 1.55, 1.7]


def _issuer_name(unit: Unit) -> str:
    """'Ban Tuyên giáo Tỉnh ủy' -> 'BAN TUYÊN GIÁO'."""
    name = re.sub(r"\s+(Tỉnh|Huyện|Thành|Thị|Đảng)\s+ủy.*$", "", unit.name, flags=re.IGNORECASE)
    return name.upper()


_KE_HOACH = re.compile(r"^kế hoạch\s+", re.IGNORECASE)


def subject(period: ReportingPeriod) -> str:
    """'Sơ kết 6 tháng đầu năm 2018 thực hiện Kế hoạch số 112-KH/TU ngày 05/01/2018 của
    Tỉnh ủy Lào Cai về thực hiện Đề án …': the plan's title without its leading 'Kế hoạch'."""
    plan = period.plan
    if period.kind == PeriodKind.HALF and period.code.endswith("H1"):
        what = f"Sơ kết {period.title}"
    elif period.kind == PeriodKind.YEAR:
        what = f"Tổng kết năm {period.start.year}"
    else:
        what = f"Kết quả {period.title[:1].lower()}{period.title[1:]}"
    about = _KE_HOACH.sub("", plan.title.strip())
    about = f"{about[:1].lower()}{about[1:]}"
    issued = f" ngày {plan.issued_on:%d/%m/%Y}" if plan.issued_on else ""
    issuer = f" của {plan.issuer.name}" if plan.issuer_id else ""
    return f"{what} thực hiện Kế hoạch số {plan.number}{issued}{issuer} về {about}"


# The export's choices: number, date, recipients, signer ------------------------------

# begin budgets: "(để b/c)" as HD 36's recipients write it
DEFAULT_RECIPIENTS = ["Thường trực Tỉnh ủy (để b/c)", "Các cơ quan, đơn vị liên quan", "Lưu VP"]
# end budgets


def recipient_lines(text: str) -> list[str]:
    """Recipient lines without their dash and closing punctuation; blank lines dropped."""
    lines = []
    for raw in (text or "").splitlines():
        line = raw.strip().lstrip("-–+ ").rstrip(",.; ").strip()
        if line:
            lines.append(line)
    return lines


def recipients_block(lines: list[str]) -> list[str]:
    """'- Thường trực Tỉnh ủy (b/c),' … '- Lưu VP.': commas, a full stop at the end."""
    return [f"- {line}{'.' if i == len(lines) - 1 else ','}" for i, line in enumerate(lines)]


def default_signature(owner: Unit) -> Signature:
    """The head of the unit signs directly; without a head on record, a deputy signs "K/T"."""
    head = Membership.objects.filter(unit=owner, is_head=True).select_related("user").first()
    if head is None:
        return Signature("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "")
    return Signature("", (head.title or "Trưởng ban").upper(), head.user.get_full_name())


def export_defaults(period: ReportingPeriod) -> dict[str, Any]:
    """The values a new export starts from (the form's initial values)."""
    signature = default_signature(period.plan.owner)
    return {
        "number": "",
        "issued_on": clock.today(),
        "recipients": "\n".join(DEFAULT_RECIPIENTS),
        "signer_authority": signature.authority,
        "signer_position": signature.position,
        "signer_name": signature.name,
    }


def number_taken(period: ReportingPeriod, number: str) -> str | None:
    """The code of another period whose export already carries this number (same issuer)."""
    found = (
        ConsolidatedExport.objects.filter(
            number=number, period__plan__owner_id=period.plan.owner_id
        )
        .exclude(period=period)
        .exclude(state=ConsolidatedExport.State.FAILED)
        .select_related("period__plan")
        .first()
    )
    return f"{found.period.plan.number} {found.period.code}" if found else None


# Room to write the number by hand (the spaces survive strip() behind a zero-width space).
BLANK_NUMBER = "\u00a0" * 8


def _pct(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + "%"


def to_docx(
    data: Consolidated,
    *,
    number: str = "",
    today: date | None = None,
    recipients: list[str] | None = None,
    signature: Signature | None = None,
    blocks: dict[str, list[sections.Block]] | None = None,
) -> bytes:
    """The DOCX; without a number, room is left to write it in ("Số     -BC/BTGTU")."""
    period = data.period
    day = today or clock.today()
    # The coordinating body as it was on the document's date: a plan handed over
    # to the merged ban still reports as the Ban Tuyên giáo before the reform.
    owner = period.plan.owner
    issuer = issuer_on(owner, day, prefer=handed_over_from(owner, "plans", period.plan_id))
    body = issuer.unit
    superior = committee_name(body.parent, day) if body.parent_id else ""
    place = body.place or (body.parent.place if body.parent_id else "")
    symbol = body.symbol or "BTGTU"
    doc = PartyDocument(
        Letterhead(
            superior,
            _issuer_name(body),
            number or f"\u200b{BLANK_NUMBER}-BC/{symbol}",
            place,
            day,
        ),
        "BÁO CÁO",
        subject(period),
    )
    lines = len(data.lines)
    written = blocks if blocks is not None else sections.final(data)
    doc.heading("I. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO")
    doc.paragraph(
        f"Kỳ báo cáo {period.title} (từ ngày {period.start:%d/%m/%Y}"
        f" đến ngày {period.end:%d/%m/%Y},"
        f" hạn gửi báo cáo ngày {period.due:%d/%m/%Y}): có {len(data.expected)} cơ quan, đơn vị"
        f" phải báo cáo; đã nhận {len(data.reported)} báo cáo (đạt {_pct(data.completeness)}),"
        f" trong đó {data.on_time} báo cáo đúng hạn."
    )
    if data.missing:
        doc.paragraph(
            "Các cơ quan, đơn vị chưa gửi báo cáo: " + ", ".join(u.name for u in data.missing) + "."
        )
    if data.ceased:
        # periods.OWING_RULE, as the document says it.
        doc.paragraph(
            "Các cơ quan, đơn vị thôi hoạt động trong kỳ do sắp xếp tổ chức bộ máy ("
            + "; ".join(
                f"{u.name}, đến ngày {u.active_to:%d/%m/%Y}"
                + (f", nay là {', '.join(s.name for s in after)}" if after else "")
                for u, after in data.ceased
            )
            + ") không phải báo cáo kỳ này và không tính vào tỷ lệ báo cáo; đơn vị kế thừa"
            " báo cáo cho cả kỳ. Số đơn vị phải báo cáo tính theo các đơn vị đang hoạt động"
            f" ngày {period.end:%d/%m/%Y}."
        )
    doc.heading("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ")
    overdue = data.overdue()
    doc.paragraph(
        f"Tổng số {lines} lượt nhóm công việc do các cơ quan, đơn vị chủ trì; đã hoàn thành"
        f" {data.done} ({_pct(data.percent_done)}); {len(overdue)} lượt quá hạn chưa hoàn thành"
        " (số liệu chi tiết tại Phụ lục kèm theo). Kết quả cụ thể như sau:"
    )
    _write(doc, written[sections.Key.RESULTS])
    doc.heading("III. HẠN CHẾ, NGUYÊN NHÂN")
    _write(doc, written[sections.Key.SHORTCOMINGS])
    doc.heading("IV. KINH PHÍ")
    # begin budgets: the approved detailed plans' estimates beside the spending, and the
    # Standing Committee's directions (theodoi.budgets, theodoi.directions).
    from theodoi.budgets.report import budget_section
    from theodoi.directions.report import directions_section

    budgeted = budget_section(doc, period)
    if not budgeted:
        doc.paragraph(
            f"Tổng kinh phí các cơ quan, đơn vị báo cáo đã sử dụng: {_vnd(data.budget_total)}"
            " đồng. Chưa có kế hoạch chi tiết, dự toán kinh phí nào được phê duyệt."
        )
        if data.budget:
            doc.table(
                ["Cơ quan, đơn vị", "Dự toán (đồng)", "Đã sử dụng (đồng)"],
                [[u.name, "Chưa có", amount] for u, amount in data.budget],
                widths_cm=[8.5, 3.5, 4.5],
                total_row=["Tổng cộng", "", data.budget_total],
            )
    asked = directions_section(doc, period, "V. CÁC NỘI DUNG XIN Ý KIẾN CHỈ ĐẠO CỦA THƯỜNG TRỰC")
    # end budgets
    parts = iter(["VI", "VII"] if asked else ["V", "VI"])
    doc.heading(
        f"{next(parts)}. PHƯƠNG HƯỚNG, NHIỆM VỤ {sections.next_window(period)[2].upper()}"
    )
    _write(doc, written[sections.Key.OUTLOOK])
    doc.heading(f"{next(parts)}. KIẾN NGHỊ, ĐỀ XUẤT")
    _write(doc, written[sections.Key.PROPOSALS])
    doc.closing(
        recipients_block(recipients or DEFAULT_RECIPIENTS),
        signature or default_signature(owner),
    )
    _annex(doc, data, number)
    return doc.to_bytes()


def _write(doc: PartyDocument, blocks: list[sections.Block]) -> None:
    for block in blocks:
        if block.kind == "h2":
            doc.heading(block.text, level=2)
        elif block.kind == "h3":
            doc.heading(block.text, level=3)
        elif block.kind == "bullet":
            doc.bullet(block.text)
        else:
            doc.paragraph(block.text)


def _annex(doc: PartyDocument, data: Consolidated, number: str) -> None:
    """The tables, after the signature: "PHỤ LỤC (Kèm theo Báo cáo số …)"."""
    lines = len(data.lines)
    doc.appendix(
        "PHỤ LỤC",
        f"(Kèm theo Báo cáo số {number or BLANK_NUMBER} của {data.period.plan.owner.name})",
    )
    doc.heading("1. Tổng hợp theo tình trạng thực hiện", level=2)
    status_rows: list[list[object]] = [
        [
            label,
            data.status_counts[key],
            _pct(100 * data.status_counts[key] / lines if lines else 0),
        ]
        for key, label in [*STATUS_VI.items(), (NO_REPORT, "Chưa báo cáo")]
    ]
    doc.table(
        ["Tình trạng", "Số lượng", "Tỷ lệ"],
        status_rows,
        widths_cm=[9.5, 3.5, 3.5],
        total_row=["Tổng cộng", lines, _pct(100 if lines else 0)],
    )
    doc.heading("2. Theo cơ quan, đơn vị chủ trì", level=2)
    doc.table(
        UNIT_COLUMNS,
        _pct_last(data.by_unit()),
        widths_cm=UNIT_WIDTHS,
        font_size=11,
        total_row=_total_row(data),
    )
    doc.heading("3. Theo lĩnh vực", level=2)
    doc.table(
        ["Lĩnh vực", *UNIT_COLUMNS[1:]],
        _pct_last(data.by_field()),
        widths_cm=UNIT_WIDTHS,
        font_size=11,
        total_row=_total_row(data),
    )
    doc.heading("4. Các nhiệm vụ quá hạn chưa hoàn thành", level=2)
    overdue = data.overdue()
    if overdue:
        doc.table(
            ["TT", "Nhóm công việc", "Đơn vị chủ trì", "Thời hạn", "Tiến độ (%)"],
            [
                [
                    i,
                    str(line.work_item),
                    line.unit.name,
                    f"{line.work_item.end:%d/%m/%Y}",
                    line.percent,
                ]
                for i, line in enumerate(overdue, 1)
            ],
            widths_cm=[1.0, 7.0, 4.0, 2.5, 2.0],
            font_size=11,
        )
    else:
        doc.paragraph("Không có nhiệm vụ quá hạn.")
    from theodoi.budgets.report import budget_annex

    budget_annex(doc, data.period, 5)


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _total_row(data: Consolidated) -> list[object]:
    rows = data.by_unit()
    sums = [sum(int(r[i]) for r in rows) for i in range(1, 7)]  # type: ignore[call-overload]
    return ["Tổng cộng", *sums, _num(data.percent_done)]


# XLSX --------------------------------------------------------------------------------


def to_xlsx(data: Consolidated) -> bytes:
    wb = new_workbook()
    title = subject(data.period)
    pct = "0.0"
    number_columns = [Column(h, 12, "#,##0", total=True) for h in UNIT_COLUMNS[1:7]]
    for sheet, label, rows in (
        ("Theo đơn vị", UNIT_COLUMNS[0], data.by_unit()),
        ("Theo lĩnh vực", "Lĩnh vực", data.by_field()),
    ):
        ws = add_table_sheet(
            wb,
            sheet,
            [Column(label, 36), *number_columns, Column(UNIT_COLUMNS[7], 12, pct)],
            rows,
            heading=title,
        )
        # The total's rate is computed from the totals, as a formula too.
        r = ws.max_row
        write_formula(ws.cell(r, 8), f"=IF(B{r}=0,0,100*(C{r}+D{r})/B{r})")
        ws.cell(r, 8).number_format = pct
    add_table_sheet(
        wb,
        "Theo tình trạng",
        [Column("Tình trạng", 30), Column("Số lượng", 12, "#,##0", total=True)],
        [
            [label, data.status_counts[key]]
            for key, label in [*STATUS_VI.items(), (NO_REPORT, "Chưa báo cáo")]
        ],
        heading=title,
    )
    add_table_sheet(
        wb,
        "Quá hạn",
        [
            Column("TT", 6),
            Column("Nhóm công việc", 50),
            Column("Đơn vị chủ trì", 30),
            Column("Thời hạn", 12, "DD/MM/YYYY"),
            Column("Tiến độ (%)", 10, "0"),
        ],
        [
            [i, str(line.work_item), line.unit.name, line.work_item.end, line.percent]
            for i, line in enumerate(data.overdue(), 1)
        ],
        heading="Các nhiệm vụ quá hạn chưa hoàn thành",
    )
    add_table_sheet(
        wb,
        "Hạn chế, kiến nghị",
        [
            Column("Cơ quan, đơn vị", 30),
            Column("Nhóm công việc", 40),
            Column("Loại", 14),
            Column("Nội dung", 60),
        ],
        [
            [u.name, item, kind, text]
            for kind, groups in (("Hạn chế", data.shortcomings), ("Kiến nghị", data.proposals))
            for u, items in groups
            for item, text in items
        ],
        heading="Hạn chế, nguyên nhân và kiến nghị, đề xuất",
    )
    add_table_sheet(
        wb,
        "Chưa báo cáo",
        [Column("TT", 6), Column("Cơ quan, đơn vị", 40)],
        [[i, u.name] for i, u in enumerate(data.missing, 1)],
        heading="Các cơ quan, đơn vị chưa gửi báo cáo",
    )
    add_table_sheet(
        wb,
        "Kinh phí",
        [
            Column("Cơ quan, đơn vị", 36),
            Column("Dự toán (đồng)", 16, "#,##0", total=True),  # budgets
            Column("Đã sử dụng (đồng)", 18, "#,##0", total=True),
        ],
        # begin budgets: the estimates of the approved detailed plans beside the spending
        _budget_rows(data),
        heading="Dự toán (kế hoạch chi tiết đã phê duyệt) và kinh phí đã sử dụng",
        # end budgets
    )
    for ws in wb.worksheets:
        _fit_rows(ws)
    return workbook_bytes(wb)


# begin budgets
def _budget_rows(data: Consolidated) -> list[list[object]]:
    """Per unit: its approved estimate (theodoi.budgets) and what its report says it spent."""
    from theodoi.budgets.summary import summarise

    estimates = {
        int(r.key): r.estimate for r in summarise(data.period.plan, data.period).rows("unit")
    }
    spent = {u.pk: amount for u, amount in data.budget}
    units = {u.pk: u for u, _amount in data.budget}
    units.update({u.pk: u for u in data.expected if u.pk in estimates})
    return [
        [units[k].name, estimates.get(k), spent.get(k, 0)]
        for k in sorted(units, key=lambda k: (units[k].position, units[k].name))
    ]


# end budgets


def _fit_rows(ws: Any) -> None:
    """Give wrapped data rows their height: not every reader auto-fits them."""
    from openpyxl.utils import get_column_letter

    widths = {
        i: ws.column_dimensions[get_column_letter(i)].width or 10
        for i in range(1, ws.max_column + 1)
    }
    for row in ws.iter_rows(min_row=4):
        lines = max(
            (
                math.ceil(len(str(c.value)) * 1.15 / max(widths[c.column] - 1, 1))
                for c in row
                if isinstance(c.value, str) and not c.value.startswith("=")
            ),
            default=1,
        )
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 15 * lines + 3


# Background export ----------------------------------------------------------------------


def _options(export: ConsolidatedExport | None) -> dict[str, Any]:
    if export is None:
        return {}
    signature = None
    if export.signer_authority or export.signer_position or export.signer_name:
        signature = Signature(export.signer_authority, export.signer_position, export.signer_name)
    return {
        "number": export.number,
        "today": export.issued_on,
        "recipients": recipient_lines(export.recipients) or None,
        "signature": signature,
    }


def render(period: ReportingPeriod, fmt: str, export: ConsolidatedExport | None = None) -> bytes:
    """The file; ``export`` (saved or not) carries the number, date, recipients, signer."""
    data = build(period)
    return to_docx(data, **_options(export)) if fmt == "docx" else to_xlsx(data)


EXPORT_CHOICES = (
    "number",
    "issued_on",
    "recipients",
    "signer_authority",
    "signer_position",
    "signer_name",
)


def do_start_export(
    period: ReportingPeriod, *, fmt: str, by: AbstractBaseUser, **choices: Any
) -> ConsolidatedExport:
    """Record the export with the coordinator's choices (see ExportForm) and queue it."""
    from .tasks import build_export

    # begin budgets: a DOCX without a number takes the next one of the issuer's register
    if fmt == ConsolidatedExport.Format.DOCX and not choices.get("number"):
        from theodoi.register.actions import reserve

        # The register of the body issuing on the document's date (documents.issuers).
        plan = period.plan
        day = choices.get("issued_on") or clock.today()
        prefer = handed_over_from(plan.owner, "plans", plan.pk)
        owner = issuer_on(plan.owner, day, prefer=prefer).unit
        choices["number"] = reserve(
            owner, "BC", symbol=owner.symbol or "BTGTU", key=f"reporting.period:{period.pk}",
            title=subject(period), issued_on=choices.get("issued_on"), by=by,
        ).code
    # end budgets
    export = ConsolidatedExport.objects.create(
        period=period,
        format=fmt,
        created_by=by,
        **{k: v for k, v in choices.items() if k in EXPORT_CHOICES},
    )
    build_export.enqueue(export.pk)
    export.refresh_from_db()
    return export


def run_export(export_id: int) -> None:
    export = ConsolidatedExport.objects.select_related("period__plan__owner__parent").get(
        pk=export_id
    )
    export.state = ConsolidatedExport.State.RUNNING
    export.progress = 10
    export.save(update_fields=["state", "progress"])
    try:
        data = build(export.period)
        export.progress = 60
        export.save(update_fields=["progress"])
        content = to_docx(data, **_options(export)) if export.format == "docx" else to_xlsx(data)
        export.file.save(
            f"bao-cao-{export.period.code}.{export.format}", ContentFile(content), save=False
        )
        export.state = ConsolidatedExport.State.DONE
        export.progress = 100
        export.save(update_fields=["state", "progress", "file"])
    except Exception as error:
        logger.exception("consolidated export %s failed", export_id)
        export.state = ConsolidatedExport.State.FAILED
        export.error = str(error)[:2000]
        export.save(update_fields=["state", "error"])
