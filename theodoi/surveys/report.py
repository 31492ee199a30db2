"""The survey's report for the Standing Committee, as a DOCX in the Party's format.

Always in Vietnamese (the Party's document language), like the other apps'
Party documents. The figures are the results page's (``analysis``): the
indices with their 95% intervals and n, by collection point, the stated
exclusion rule and the method. The charts are PNG images drawn by
:mod:`theodoi.surveys.charts` (each index with its interval as an error bar);
the tables beside them keep the figures.
"""

from __future__ import annotations

import io
from typing import Any

from theodoi.core import clock
from theodoi.documents.issuers import archive_mark, committee_name, issuer_on
from theodoi.documents.party import Letterhead, PartyDocument, Signature, format_vn_number

from . import analysis, charts, stats
from .models import Answer, Flag, Kind, Survey


def _figure(estimate: stats.Estimate) -> tuple[str, str]:
    if estimate.too_small or estimate.mean is None:
        return "n quá nhỏ", ""
    return (
        format_vn_number(estimate.mean, 1),
        f"{format_vn_number(estimate.low, 1)} – {format_vn_number(estimate.high, 1)}",
    )


def report_docx(survey: Survey) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    owner = survey.owner
    questionnaire = analysis.Questionnaire.load(survey)
    everything = analysis.Filters()
    data = analysis.totals(survey, everything)
    dimensions, overall = analysis.indices(survey, questionnaire, everything, "vi", data)
    counts = analysis.response_counts(survey, everything, data)
    points = list(survey.points.all())
    split = analysis.breakdown(survey, questionnaire, everything, "point", "vi", points, data)
    title = survey.title_in("vi")
    # The owner as it was on the report's date, under its committee of that date
    # ("TỈNH ỦY LÀO CAI / BAN TUYÊN GIÁO" in 2018, "… / BAN TUYÊN GIÁO VÀ DÂN VẬN" after).
    today = clock.today()
    issuer = issuer_on(owner, today)
    body = issuer.unit
    superior = issuer.superior or (
        committee_name(body.parent, today) if body.parent_id else body.name.upper()
    )
    name = issuer.name if issuer.superior else body.name.upper()
    doc = PartyDocument(
        Letterhead(
            superior,
            name,
            f"{survey.pk}-BC/{body.symbol or 'BTG'}",
            body.place or (body.parent.place if body.parent_id else "") or issuer.place,
            today,
        ),
        "BÁO CÁO",
        f"Kết quả {title[:1].lower()}{title[1:]}",
    )
    doc.heading("I. THÔNG TIN CHUNG")
    dates = ""
    if survey.opens_on and survey.closes_on:
        dates = f" từ ngày {survey.opens_on:%d/%m/%Y} đến ngày {survey.closes_on:%d/%m/%Y}"
    doc.paragraph(
        f"Cuộc khảo sát được thực hiện{dates} tại {len(points)} điểm thu thập "
        f"({', '.join(p.name for p in points)}), bằng {len(survey.languages)} ngôn ngữ "
        f"({', '.join(survey.languages)}); người trả lời không phải đăng nhập và không phải "
        "cung cấp thông tin cá nhân."
    )
    excluded = [str(Flag(f).label) for f in survey.excluded_flags]
    doc.paragraph(
        f"Tổng số phiếu nhận được: {counts['total']}; số phiếu được tính vào chỉ số: "
        f"{counts['counted']}. Phiếu đáng ngờ được giữ lại, đánh dấu và không tính vào chỉ số "
        f"theo quy tắc đã công bố ({'; '.join(excluded) or 'không loại phiếu nào'})."
    )
    doc.heading("II. CHỈ SỐ HÀI LÒNG")
    doc.paragraph(
        "Phương pháp: mỗi câu trả lời trên thang 1–5 được quy về thang 0–100 ((x − 1) × 25); "
        "chỉ số là trung bình các câu trả lời được tính, kèm khoảng tin cậy 95% theo phân phối "
        f"t Student. Dưới n = {survey.min_n} không đưa ra số liệu (“n quá nhỏ”).",
        italic=True,
    )
    rows: list[list[Any]] = []
    for number, dimension in enumerate(dimensions, start=1):
        figure, interval = _figure(dimension.estimate)
        rows.append(
            [
                number,
                dimension.label,
                dimension.estimate.n,
                figure,
                interval,
            ]
        )
    figure, interval = _figure(overall)
    doc.table(
        ["TT", "Khía cạnh", "n", "Chỉ số", "KTC 95%"],
        rows,
        widths_cm=[1.0, 8.0, 1.6, 2.4, 3.5],
        total_row=["", "Chỉ số chung", overall.n, figure, interval],
        aligns=["center", "left", "right", "right", "center"],
    )
    chart = charts.index_chart(
        [(d.label, d.estimate) for d in dimensions] + [("Chỉ số chung", overall)],
        total_last=True,
    )
    picture = doc.document.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.add_run().add_picture(io.BytesIO(chart), width=Cm(16))
    caption = doc.document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = caption.add_run(
        "Biểu đồ 1. Chỉ số hài lòng theo khía cạnh (thanh đỏ: khoảng tin cậy 95%)"
    )
    run.italic = True
    run.font.size = Pt(12)
    ranked = sorted(
        (d for d in dimensions if d.estimate.mean is not None), key=lambda d: d.estimate.mean
    )
    if ranked:
        doc.paragraph(
            f"Du khách hài lòng nhất với: {', '.join(d.label.lower() for d in ranked[-3:][::-1])}; "
            f"kém hài lòng nhất với: {', '.join(d.label.lower() for d in ranked[:3])}."
        )
    if split is not None:
        doc.heading("III. THEO ĐIỂM THU THẬP")
        doc.table(
            ["TT", "Điểm thu thập", "n", "Chỉ số chung", "KTC 95%"],
            [
                [i, label, split.overall[g].n, *_figure(split.overall[g])]
                for i, (g, label) in enumerate(split.groups, start=1)
            ],
            widths_cm=[1.0, 7.0, 1.5, 3.0, 4.0],
        )
        chart = charts.index_chart([(label, split.overall[g]) for g, label in split.groups])
        picture = doc.document.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(chart), width=Cm(16))
        caption = doc.document.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = caption.add_run("Biểu đồ 2. Chỉ số hài lòng chung theo điểm thu thập")
        run.italic = True
        run.font.size = Pt(12)
    texts = list(
        Answer.objects.filter(
            response__in=analysis.counted_responses(survey, everything),
            version__kind=Kind.LONG_TEXT,
            response__language="vi",
        )
        .exclude(text="")
        .values_list("text", flat=True)
        .order_by("-response__submitted_at")[:200]
    )
    if texts:
        doc.heading("IV. Ý KIẾN, ĐỀ XUẤT CỦA DU KHÁCH")
        frequent: dict[str, int] = {}
        for text in texts:
            frequent[text] = frequent.get(text, 0) + 1
        for text, n in sorted(frequent.items(), key=lambda kv: -kv[1])[:8]:
            doc.bullet(f"{text} ({n} ý kiến)")
    doc.paragraph("")
    doc.closing(
        [
            "Thường trực Tỉnh ủy (b/c);",
            "Sở Văn hóa, Thể thao và Du lịch;",
            f"Lưu VP, {archive_mark(body.symbol)}.",
        ],
        Signature("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", ""),
    )
    return doc.to_bytes()
