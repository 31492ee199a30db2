"""Exports: the rankings workbook, the monthly bulletin and the district's section."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import translation

from theodoi.core import clock
from theodoi.documents.issuers import archive_mark, committee_name, propaganda_ban_on
from theodoi.documents.party import (
    Letterhead,
    PartyDocument,
    Signature,
    format_vn_number,
    place_of,
)
from theodoi.documents.xlsx import Column, add_table_sheet, new_workbook, workbook_bytes
from theodoi.units.models import Unit

from . import results
from .models import Meeting, MeetingOfficial, MonthlyResult, ScoringChain


def _vn(value: Decimal | None) -> str:
    return "" if value is None else format_vn_number(value)


def _pts(value: Decimal | None) -> str:
    """Points in a table: always two places, so the column reads evenly ("98,50")."""
    return "" if value is None else format_vn_number(value, 2)


def _percent(n: int, total: int) -> str:
    return format_vn_number(Decimal(100 * n) / total, 1) if total else ""


def _by_district(
    found: list[MonthlyResult], *, with_total: bool, groups: dict[int, str] | None = None
) -> list[str]:
    """ "Huyện ủy X: Xã A, Xã B." lines, one per district (or per cluster of
    communes: ``groups``, commune → its cluster's name), in the given order."""
    grouped: dict[str, list[str]] = {}
    for r in found:
        name = f"{r.commune.name} ({_vn(r.total)} điểm)" if with_total else r.commune.name
        group = groups.get(r.commune_id, "Trực thuộc tỉnh") if groups is not None else None
        grouped.setdefault(group or r.district.name, []).append(name)
    return [f"{district}: {', '.join(names)}." for district, names in grouped.items()]


def _by_text(entries: list[tuple[str, str]]) -> list[str]:
    """One line per distinct text, naming every commune that raised it."""
    grouped: dict[str, list[str]] = {}
    for name, text in entries:
        grouped.setdefault(" ".join(text.split()).rstrip("."), []).append(name)
    return [f"{text} ({', '.join(names)})." for text, names in grouped.items()]


def rankings_xlsx(within: Unit, period: results.Period, level: str) -> bytes:
    level, ranked = results.rank(within, period, level)
    wb = new_workbook()
    columns = [Column("Hạng", 8), Column("Đơn vị", 34)]
    if level == "commune":
        columns.append(Column("Huyện", 24))
    columns += [
        Column("Điểm", 10, "0.00"),
        Column("Xếp loại", 16),
        Column("Số tiêu chí bị trừ", 12),
        Column("Số tháng" if level == "commune" else "Số xã", 10),
    ]
    rows = []
    for r in ranked:
        row: list[object] = [r.rank, r.name]
        if level == "commune":
            row.append(r.parent_name)
        row += [float(r.score), r.band_label, r.deductions, r.months]
        rows.append(row)
    add_table_sheet(
        wb,
        f"Xếp hạng {period.key}",
        columns,
        rows,
        heading=f"Xếp hạng công tác tuyên vận - {period.label} - {within.name}",
    )
    return workbook_bytes(wb)


def bulletin_docx(province: Unit, month: date, *, issue: bool = False, by: Any = None) -> bytes:
    """The monthly tuyên vận bulletin of the province's BTG, in the Party format;
    ``issue`` reserves its number in the BTG's register (a draft shows the number
    reserved before, or room to write it)."""
    with translation.override("vi"):
        return _bulletin_docx(province, month, issue=issue, by=by)


# begin budgets: numbers from the document register (theodoi.register) -----------------

# Room to write the number by hand (the spaces survive strip() behind a zero-width space).
BLANK_NUMBER = "\u200b" + "\u00a0" * 8


def _number(
    issuer: Unit, kind: str, symbol: str, key: str, title: str, *, issue: bool, by: Any
) -> str:
    """The document's number: reserved now when issued, else the one reserved before,
    else room to write it by hand ("Số      -BT/BTGTU")."""
    from theodoi.register.actions import reserve, reserved

    if issue:
        return reserve(issuer, kind, symbol=symbol, key=key, title=title, by=by).code
    found = reserved(issuer, key)
    return found.code if found else f"{BLANK_NUMBER}-{kind}/{symbol}"


def bulletin_number(province: Unit, month: date, *, issue: bool = False, by: Any = None) -> str:
    # The register and symbol of the ban in office today (BTGTU; BTGDVTU after 2025).
    btg = propaganda_ban_on(province, clock.today()).unit
    if btg.pk == province.pk:
        btg = province.children.filter(symbol="BTGTU").first() or province
    return _number(
        btg, "BT", btg.symbol if btg.pk != province.pk and btg.symbol else "BTGTU",
        f"tuyenvan.bulletin:{province.pk}:{month:%Y-%m}",
        f"Bản tin công tác tuyên vận tháng {month.month}/{month.year}", issue=issue, by=by,
    )  # fmt: skip


def section_number(district: Unit, month: date, *, issue: bool = False, by: Any = None) -> str:
    return _number(
        district, "BC", district.symbol or "HU", f"tuyenvan.section:{district.pk}:{month:%Y-%m}",
        f"Công tác tuyên vận tháng {month.month}/{month.year}", issue=issue, by=by,
    )  # fmt: skip


# end budgets ---------------------------------------------------------------------------


def _bulletin_docx(province: Unit, month: date, *, issue: bool = False, by: Any = None) -> bytes:
    period = results.month_period(month)
    # The chain in force for the month: districts ranked in 2018, clusters of
    # communes after the reform (no district tier).
    chain = ScoringChain.objects.in_force(province, month)
    by_cluster = chain is not None and chain.by_cluster
    if by_cluster:
        _level, districts = results.rank(province, period, "cluster")
        clusters = {c: name for c, (_pk, name) in results.cluster_groups(province, period).items()}
    else:
        districts = results.rank_districts(province, period)
    bands = results.band_distribution(province, month)
    found = results.results_within(province, period)
    total = found.count()
    held = found.filter(meeting_held=True).count()
    number = bulletin_number(province, month, issue=issue, by=by)  # budgets
    today = clock.today()
    ban = propaganda_ban_on(province, today)  # its name on the bulletin's date
    doc = PartyDocument(
        Letterhead(
            ban.superior,  # "TỈNH ỦY LÀO CAI"
            ban.name,  # "BAN TUYÊN GIÁO", "BAN TUYÊN GIÁO VÀ DÂN VẬN" after 2025
            number,
            ban.place or place_of(province),
            today,
        ),
        "BẢN TIN",
        f"Công tác tuyên vận tháng {month.month} năm {month.year}",
    )
    doc.heading("I. TÌNH HÌNH CHUNG")
    doc.paragraph(
        f"Trong tháng, {held}/{total} {'xã, phường' if by_cluster else 'xã, phường, thị trấn'} "
        "tổ chức hội nghị tuyên vận; "
        f"{found.filter(total__isnull=False).count()} đơn vị có kết quả chấm điểm của "
        f"{'cán bộ phụ trách cụm xã' if by_cluster else 'cấp huyện'}; "
        f"{found.filter(open_flags__gt=0).count()} đơn vị còn chênh lệch điểm chưa xử lý."
    )
    doc.heading("II. KẾT QUẢ XẾP LOẠI")
    counted = sum(n for _l, n in bands)
    doc.table(
        ["TT", "Xếp loại", "Số đơn vị", "Tỷ lệ (%)"],
        [[i, label, n, _percent(n, counted)] for i, (label, n) in enumerate(bands, start=1)],
        widths_cm=[1.5, 8, 3.5, 3.5],
        total_row=["", "Tổng cộng", counted, "100" if counted else ""],
    )
    if by_cluster:
        doc.heading("III. XẾP HẠNG CÁC CỤM XÃ")
        doc.paragraph(
            "Điểm của cụm là bình quân điểm các xã, phường trong cụm trong tháng; bằng điểm "
            "thì cùng hạng, xếp trước cụm có ít tiêu chí bị trừ điểm hơn.",
            italic=True,
        )
    else:
        doc.heading("III. XẾP HẠNG CÁC HUYỆN, THÀNH PHỐ")
        doc.paragraph(
            "Điểm của huyện là bình quân điểm các xã trong tháng; bằng điểm thì cùng hạng, "
            "xếp trước đơn vị có ít tiêu chí bị trừ điểm hơn.",
            italic=True,
        )
    doc.table(
        ["Hạng", "Cụm xã" if by_cluster else "Đơn vị", "Điểm bình quân", "Xếp loại", "Số xã"],
        [[r.rank, r.name, _pts(r.score), r.band_label, r.months] for r in districts],
        widths_cm=[1.6, 6.4, 3, 3.5, 2],
    )
    improved = results.most_improved(province, month, limit=5)
    numerals = iter(["IV", "V"])
    if improved:
        doc.heading(f"{next(numerals)}. ĐƠN VỊ TIẾN BỘ")
        for name, delta in improved:
            doc.bullet(f"{name}: tăng {_vn(delta)} điểm so với tháng trước.")
    weak = list(
        found.filter(Q(band="yeu") | Q(eligible=False))
        .select_related("commune", "district")
        .order_by("district__name", "commune__name")
    )
    if weak:
        doc.heading(f"{next(numerals)}. ĐƠN VỊ CẦN QUAN TÂM")
        groups = clusters if by_cluster else None
        no_meeting = [r for r in weak if not r.eligible]
        low = [r for r in weak if r.eligible]
        if no_meeting:
            doc.paragraph("Không tổ chức hội nghị tuyên vận (không đủ điều kiện xếp loại):")
            for line in _by_district(no_meeting, with_total=False, groups=groups):
                doc.bullet(line)
        if low:
            doc.paragraph("Xếp loại Yếu:")
            for line in _by_district(low, with_total=True, groups=groups):
                doc.bullet(line)
    doc.paragraph("")
    doc.closing(
        # begin budgets: "Nơi nhận" lines as HD 36 writes them: commas, a full stop last.
        [
            "Thường trực Tỉnh ủy (để b/c),",
            "Các đảng ủy xã, phường," if by_cluster else "Các huyện ủy, thành ủy,",
            f"Lưu VP, {archive_mark(ban.symbol)}.",
        ],
        # end budgets
        Signature("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", ""),
    )
    return doc.to_bytes()


@dataclass
class DistrictSection:
    district: Unit
    month: date
    communes: int
    meetings: int
    participants: int
    officials: int
    mean: Decimal | None
    bands: list[tuple[str, int]]
    rows: list[list[object]]
    issues: list[tuple[str, str]] = field(default_factory=list)
    proposals: list[tuple[str, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Công tác tuyên vận tháng {self.month.month}/{self.month.year} - {self.district}"

    @property
    def text(self) -> str:
        lines = [
            f"Trong tháng {self.month.month}/{self.month.year}, {self.meetings}/{self.communes} "
            f"xã, thị trấn tổ chức hội nghị tuyên vận với {_vn(self.participants)} lượt người "
            f"dự; {_vn(self.officials)} lượt cán bộ cấp trên dự.",
        ]
        if self.mean is not None:
            lines.append(f"Điểm bình quân các xã: {_vn(self.mean)} điểm.")
        if self.bands:
            lines.append(
                "Xếp loại: " + "; ".join(f"{label}: {n} xã" for label, n in self.bands) + "."
            )
        if self.issues:
            lines.append("Ý kiến, kiến nghị của Nhân dân:")
            lines += [f"- {line}" for line in _by_text(self.issues)]
        if self.proposals:
            lines.append("Đề xuất, kiến nghị:")
            lines += [f"- {line}" for line in _by_text(self.proposals)]
        return "\n".join(lines)


def district_section(district: Unit, month: date) -> DistrictSection:
    """The tuyên vận section of a district committee's monthly report, from the month's data."""
    communes = list(district.children.filter(kind=Unit.Kind.COMMUNE).active_on(month))
    meetings = list(
        Meeting.objects.filter(commune__in=communes, month=month).select_related("commune")
    )
    stats = Meeting.objects.filter(pk__in=[m.pk for m in meetings]).aggregate(
        participants=Sum("participants")
    )
    officials = MeetingOfficial.objects.filter(meeting__in=meetings).aggregate(n=Count("pk"))
    found = {r.commune_id: r for r in MonthlyResult.objects.filter(district=district, month=month)}
    by_commune = {m.commune_id: m for m in meetings}
    ranked = {
        r.unit_id: r.rank for r in results.rank_communes(district, results.month_period(month))
    }
    rows: list[list[object]] = []
    for i, commune in enumerate(sorted(communes, key=lambda c: c.name), start=1):
        meeting = by_commune.get(commune.pk)
        result = found.get(commune.pk)
        rows.append(
            [
                i,
                commune.name,
                meeting.held_on.strftime("%d/%m") if meeting else "Không tổ chức",
                meeting.participants if meeting else "",
                _pts(result.total) if result and result.total is not None else "—",
                (result.band_label if result else "") or "Chưa chấm",
                ranked.get(commune.pk, "—"),
            ]
        )
    totals = [r.total for r in found.values() if r.total is not None]
    mean = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01")) if totals else None
    return DistrictSection(
        district=district,
        month=month,
        communes=len(communes),
        meetings=len(meetings),
        participants=stats["participants"] or 0,
        officials=officials["n"] or 0,
        mean=mean,
        bands=results.band_distribution(district, month),
        rows=rows,
        issues=[(m.commune.name, m.issues_raised) for m in meetings if m.issues_raised.strip()],
        proposals=[(m.commune.name, m.proposals) for m in meetings if m.proposals.strip()],
    )


SECTION_COLUMNS = ["TT", "Xã, thị trấn", "Hội nghị", "Số người dự", "Điểm", "Xếp loại", "Hạng"]


def district_section_docx(section: DistrictSection) -> bytes:
    district = section.district
    province = district.parent
    number = section_number(district, section.month)  # budgets: reserved when sent
    today = clock.today()
    ban_name = propaganda_ban_on(province, today).unit.name if province else "Ban Tuyên giáo"
    # The committees as they were on the section's date (issuers.committee_name).
    above = committee_name(province, today).replace("TỈNH ỦY", "TỈNH") if province else ""
    doc = PartyDocument(
        Letterhead(
            f"ĐẢNG BỘ {above}" if above else "",
            committee_name(district, today),
            number,
            place_of(district, province),
            today,
        ),
        "BÁO CÁO",
        f"Công tác tuyên vận tháng {section.month.month} năm {section.month.year}",
    )
    doc.heading("I. KẾT QUẢ THỰC HIỆN")
    for line in section.text.splitlines():
        if line.startswith("- "):
            doc.bullet(line)
        else:
            doc.paragraph(line)
    doc.heading("II. KẾT QUẢ CHẤM ĐIỂM CÁC XÃ")
    doc.table(
        SECTION_COLUMNS, section.rows, widths_cm=[1.1, 4.4, 2.6, 2.2, 1.8, 2.6, 1.8], font_size=11
    )
    doc.paragraph("")
    doc.closing(
        [
            f"{ban_name} (để b/c),",
            "Lưu Văn phòng Huyện ủy.",
        ],
        Signature("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", ""),
    )
    return doc.to_bytes()
