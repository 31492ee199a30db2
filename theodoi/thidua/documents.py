"""The year-end commendation proposal (tờ trình đề nghị khen thưởng) in the Party format.

Always in Vietnamese, as Party documents are; built with ``theodoi.documents.party``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import translation

from theodoi.core import clock
from theodoi.documents.issuers import committee_title, propaganda_ban_on
from theodoi.documents.party import Letterhead, PartyDocument, Signature, place_of

from .models import EmulationYear, Level, Proposal

LEVEL_VI = {
    Level.AGENCY: "Các cơ quan cấp tỉnh",
    Level.DISTRICT: "Các huyện ủy, thành ủy",
    Level.CLUSTER: "Các cụm, khối thi đua",
}
AWARD_VI = {
    Proposal.Award.BANG_KHEN: "Bằng khen của Ban Thường vụ Tỉnh ủy",
    Proposal.Award.GIAY_KHEN: "Giấy khen của Ban Tuyên giáo Tỉnh ủy",
}


def proposals_docx(year: EmulationYear, proposals: list[Proposal]) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    today = clock.today()
    # The province's Ban Tuyên giáo proposes (the merged ban after 2025), by its
    # name on the document's date; the Tỉnh ủy itself when it has none.
    ban = propaganda_ban_on(year.province, today)
    issuer = ban.unit
    province = issuer.parent if ban.superior and issuer.parent_id else issuer
    symbol = issuer.symbol or province.symbol or "TU"
    doc = PartyDocument(
        Letterhead(
            ban.superior,
            ban.name,
            f"\u200b     -TTr/{symbol}",
            ban.place or place_of(issuer, province),
            today,
        ),
        "TỜ TRÌNH",
        f"Đề nghị khen thưởng thành tích thi đua năm {year.year}",
    )
    doc.paragraph(f"Kính gửi: Ban Thường vụ {committee_title(province, today)}", indent=False)
    doc.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    closed = f" (khóa sổ ngày {year.closed_at:%d/%m/%Y})" if year.closed_at else ""
    doc.paragraph(
        f"Căn cứ kết quả xếp hạng thi đua năm {year.year}{closed} theo các tiêu chí và trọng số "
        "đã công bố (tỷ lệ báo cáo gửi đủ và đúng hạn, nhóm công việc hoàn thành đúng hạn, kết quả "
        "tuyên vận của các xã, việc khắc phục sau kiểm tra), "
        f"{issuer.name} kính đề nghị Ban Thường vụ khen thưởng các tập thể sau:"
    )
    # A year cut by the reform: each collective says its structure ("đến 30/06/2025").
    start, end = date(year.year, 1, 1), date(year.year, 12, 31)
    bang = sum(1 for p in proposals if p.award == Proposal.Award.BANG_KHEN)
    giay = len(proposals) - bang
    number = 0
    roman = ["I", "II", "III", "IV"]
    for level in Level.values:
        mine = [p for p in proposals if p.level == level]
        if not mine:
            continue
        doc.heading(f"{roman[number]}. {LEVEL_VI[level].upper()}")
        number += 1
        doc.table(
            ["STT", "Tập thể", "Xếp hạng", "Điểm", "Hình thức đề nghị", "Thành tích"],
            [
                [
                    n,
                    _row_name(p, start, end),
                    p.rank,
                    Decimal(p.score),
                    AWARD_VI[p.award],
                    p.reason,
                ]
                for n, p in enumerate(mine, start=1)
            ],
            widths_cm=[1.0, 3.6, 1.6, 1.6, 3.4, 5.3],
            font_size=11,
        )
    if not proposals:
        doc.paragraph("Chưa có tập thể nào được đề nghị.")
    doc.paragraph(
        f"Tổng cộng: {bang} tập thể đề nghị tặng Bằng khen, {giay} tập thể đề nghị tặng Giấy khen. "
        f"{issuer.name} kính trình Ban Thường vụ xem xét, quyết định."
    )
    doc.closing(
        ["- Như kính gửi,", "- Lưu VP."],
        Signature("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", ""),
    )
    return doc.to_bytes()


def _row_name(proposal: Proposal, start: date, end: date) -> str:
    """The collective's name, with its structure when the year spans a reform."""
    unit = proposal.unit
    if unit is None:
        return proposal.name
    with translation.override("vi"):
        structure = unit.structure_within(start, end)
    return f"{proposal.name} ({structure})" if structure else proposal.name
