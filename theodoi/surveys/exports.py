"""Files staff take away: a point's A4 poster with its QR code, the raw answers (CSV/XLSX).

Raw answers: one row per response, one column per question (a grid: one
column per item; a multiple choice: one 0/1 column per option), codes in the
cells and a second header row with the labels; the response's point,
language, revision, flags and whether the survey's rule counts it.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from .analysis import Questionnaire
from .models import FLAG_FIELDS, Answer, CollectionPoint, Kind, Response, Survey, tr

MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def point_link(point: CollectionPoint) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("surveys:answer", args=[point.token])


def qr_svg(link: str) -> str:
    """The link as an inline SVG QR code (error correction M, no XML declaration)."""
    import segno  # ~9 MB: loaded by the first QR code, not by every server process

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=6, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def poster_docx(point: CollectionPoint) -> bytes:
    """An A4 poster: the survey's title in its languages, the QR code, the link."""
    import segno
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    survey = point.survey
    link = point_link(point)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))

    def line(text: str, size: int, bold: bool = False) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = "Times New Roman"

    for language in survey.languages[:3]:
        line(tr(survey.title, language), 20 if language == survey.languages[0] else 15, True)
    line("Quét mã để trả lời · Scan to answer · 扫码作答", 16)
    image = io.BytesIO()
    segno.make(link, error="m").save(image, kind="png", scale=12, border=2)
    image.seek(0)
    picture = document.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.add_run().add_picture(image, width=Cm(11))
    line(link, 12)
    line(point.name, 18, True)
    line(
        "Ẩn danh · khoảng 3 phút · không cần đăng nhập — Anonymous · about 3 minutes · no sign-in",
        11,
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _columns(questionnaire: Questionnaire, language: str) -> list[tuple[str, str, Any]]:
    """(column code, label, key) where key finds the value in a response's answers."""
    columns: list[tuple[str, str, Any]] = []
    for question in questionnaire.questions:
        version = question.current
        if version is None:
            continue
        text = tr(version.text, language)
        if version.kind == Kind.GRID:
            for item in version.items:
                columns.append(
                    (
                        f"{question.code}.{item['code']}",
                        f"{text} — {tr(item['label'], language)}",
                        ("number", question.pk, item["code"]),
                    )
                )
        elif version.kind == Kind.MULTIPLE:
            options = [(c["code"], tr(c["label"], language)) for c in version.choices]
            if version.allow_other:
                options.append(("other", _("Other")))
            for code, label in options:
                columns.append(
                    (f"{question.code}.{code}", f"{text} — {label}", ("has", question.pk, code))
                )
            if version.allow_other:
                columns.append(
                    (
                        f"{question.code}.other_text",
                        f"{text} — {_('Other')}",
                        ("other", question.pk, ""),
                    )
                )
        elif version.kind == Kind.SINGLE:
            columns.append((question.code, text, ("choice", question.pk, "")))
            if version.allow_other:
                columns.append(
                    (
                        f"{question.code}.other_text",
                        f"{text} — {_('Other')}",
                        ("other", question.pk, ""),
                    )
                )
        elif version.kind in (Kind.LIKERT, Kind.NUMBER):
            columns.append((question.code, text, ("number", question.pk, "")))
        else:
            columns.append((question.code, text, ("text", question.pk, "")))
    return columns


def raw_rows(survey: Survey, language: str, batch: int = 2000) -> Iterator[list[Any]]:
    """The header rows, then one row per response (answers read in batches)."""
    questionnaire = Questionnaire.load(survey)
    columns = _columns(questionnaire, language)
    points = {p.pk: p.name for p in survey.points.all()}
    fixed = [
        "id",
        "submitted_at",
        "point",
        "language",
        "revision",
        "channel",
        "seconds",
        "flags",
        "counted",
    ]
    yield fixed + [code for code, _label, _key in columns]
    yield [
        "#",
        _("Submitted at"),
        _("Point"),
        _("Language"),
        _("Revision"),
        _("Channel"),
        _("Seconds"),
        _("Marked as"),
        _("Counted"),
    ] + [label for _code, label, _key in columns]
    excluded = {FLAG_FIELDS[f] for f in FLAG_FIELDS if f in survey.excluded_flags}
    responses = Response.objects.filter(survey=survey).order_by("pk")
    last = 0
    while True:
        chunk = list(responses.filter(pk__gt=last)[:batch])
        if not chunk:
            return
        last = chunk[-1].pk
        values: dict[int, dict[tuple[str, int, str], Any]] = defaultdict(dict)
        for answer in Answer.objects.filter(response__in=chunk).order_by("pk"):
            own = values[answer.response_id]
            q, item = answer.question_id, answer.item
            if answer.number is not None:
                own[("number", q, item)] = answer.number
            if answer.choice:
                own[("choice", q, "")] = answer.choice
                own[("has", q, answer.choice)] = 1
            if answer.text:
                kind = "other" if answer.choice == "other" else "text"
                own[(kind, q, "")] = answer.text
        for response in chunk:
            own = values[response.pk]
            row = [
                response.pk,
                response.submitted_at.isoformat(),
                points.get(response.point_id, ""),
                response.language,
                response.revision,
                response.channel,
                response.seconds,
                " ".join(response.flags),
                0 if any(getattr(response, f) for f in excluded) else 1,
            ]
            for _code, _label, key in columns:
                default = 0 if key[0] == "has" else ""
                row.append(own.get(key, default))
            yield row


def raw_csv(survey: Survey, language: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in raw_rows(survey, language):
        writer.writerow(row)
    return "\ufeff" + out.getvalue()  # a BOM, so spreadsheet programs read UTF-8


def raw_xlsx(survey: Survey, language: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from theodoi.documents.xlsx import append_row

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "answers"
    for index, row in enumerate(raw_rows(survey, language)):
        append_row(sheet, row)
        if index < 2:
            for cell in sheet[index + 1]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "B3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def aggregated_xlsx(survey: Survey, filters: Any, language: str) -> bytes:
    """The results as a workbook whose figures are Excel formulas over its counts.

    - "counts": one row per question version × item × value with its count and
      the version's base (respondents who answered it), as values; and the
      moments (n, Σ, Σ²) of the respondents' overall indices (the overall index
      is a mean of each respondent's mean, which counts cannot give);
    - "shares": each count's share of its base, and each version's total, as
      formulas over "counts";
    - "indices": each dimension's n, index (0–100), standard deviation and 95%
      t interval (``T.INV.2T``), and the overall index, as formulas over
      "counts"; "n too small" below the survey's threshold (a cell staff can change).

    The figures equal the results page's for the same filters.
    """
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from theodoi.documents.xlsx import append_row, new_workbook, write_formula

    from . import analysis, tally

    questionnaire = analysis.Questionnaire.load(survey)
    data = analysis.totals(survey, filters)
    cell = tally.Totals.total(data.counted(survey).values())
    dimensions, _overall = analysis.indices(survey, questionnaire, filters, language, data)
    workbook = new_workbook()
    bold = Font(bold=True)

    counts = workbook.create_sheet("counts")
    headers = [
        _("Question"),
        _("Version"),
        _("Item"),
        _("Item label"),
        _("Value"),
        _("Value label"),
        _("Score (1–5)"),
        _("Count"),
        _("Base (respondents)"),
        _("Dimension"),
    ]
    append_row(counts, headers)
    for c in counts[1]:
        c.font = bold
    rows: list[list[Any]] = []
    dimension_keys = {(d.question_id, d.item): d.key for d in dimensions}
    for distribution in analysis.distributions(survey, questionnaire, filters, language, data):
        version = distribution.version
        question = distribution.question
        in_index = version.in_index and version.kind in (Kind.LIKERT, Kind.GRID)
        if version.kind in (Kind.LIKERT, Kind.GRID):
            items = version.items if version.kind == Kind.GRID else [{"code": "", "label": {}}]
            for item in items:
                label = tr(item["label"], language) if item["label"] else ""
                for point in (1, 2, 3, 4, 5):
                    rows.append(
                        [
                            question.code,
                            version.number,
                            item["code"],
                            label,
                            str(point),
                            str(point),
                            point,
                            cell.counts.get((version.pk, item["code"], "", float(point)), 0),
                            distribution.base,
                            dimension_keys.get((question.pk, item["code"]), "") if in_index else "",
                        ]
                    )
        elif version.kind in (Kind.SINGLE, Kind.MULTIPLE):
            options = [(c["code"], tr(c["label"], language)) for c in version.choices]
            if version.allow_other:
                options.append(("other", _("Other")))
            for code, label in options:
                rows.append(
                    [
                        question.code,
                        version.number,
                        "",
                        "",
                        code,
                        label,
                        None,
                        cell.counts.get((version.pk, "", code, None), 0),
                        distribution.base,
                        "",
                    ]
                )
    for row in rows:
        append_row(counts, row)
    last = len(rows) + 1
    overall_row = last + 2
    append_row(counts, [])
    append_row(counts, [_("Overall index: respondents (n)"), cell.overall_moments.n])
    append_row(counts, [_("Overall index: sum of the respondents' indices"), cell.overall[1]])
    append_row(counts, [_("Overall index: sum of their squares"), cell.overall[2]])
    for c in (counts.cell(row=r, column=1) for r in range(overall_row, overall_row + 3)):
        c.font = bold
    for column, width in zip("ABCDEFGHIJ", (14, 8, 14, 28, 10, 28, 10, 10, 12, 22), strict=True):
        counts.column_dimensions[column].width = width
    counts.freeze_panes = "A2"

    def rng(column: str) -> str:
        return f"counts!${column}$2:${column}${max(last, 2)}"

    shares = workbook.create_sheet("shares")
    append_row(
        shares,
        [_("Question"), _("Version"), _("Item"), _("Value label"), _("Count"), _("Share (%)")],
    )
    for c in shares[1]:
        c.font = bold
    for r in range(2, last + 1):
        for column, source in zip("ABCDE", "ABDFH", strict=True):
            write_formula(shares[f"{column}{r}"], f"=counts!{source}{r}")
        write_formula(shares[f"F{r}"], f'=IF(counts!I{r}=0,"",100*counts!H{r}/counts!I{r})')
        shares[f"F{r}"].number_format = "0.0"
    for column, width in zip("ABCDEF", (14, 8, 28, 28, 10, 10), strict=True):
        shares.column_dimensions[column].width = width
    shares.freeze_panes = "A2"

    indices = workbook.create_sheet("indices", 0)
    append_row(indices, [_("Minimum n for a figure"), survey.min_n])
    append_row(indices, [_("Confidence"), 0.95])
    append_row(indices, [])
    titles = [
        _("Dimension"),
        _("Label"),
        "n",
        "Σx",
        "Σx²",
        _("Index (0–100)"),
        _("Standard deviation"),
        _("Low (95%)"),
        _("High (95%)"),
    ]
    append_row(indices, titles)
    for c in indices[4]:
        c.font = bold
    too_small = _("n too small")
    r = 5
    for dimension in dimensions:
        append_row(indices, [dimension.key, dimension.label])
        write_formula(indices[f"C{r}"], f"=SUMIFS({rng('H')},{rng('J')},A{r})")
        write_formula(indices[f"D{r}"], f"=SUMPRODUCT(({rng('J')}=A{r})*{rng('G')}*{rng('H')})")
        write_formula(
            indices[f"E{r}"],
            f"=SUMPRODUCT(({rng('J')}=A{r})*{rng('G')}*{rng('G')}*{rng('H')})",
        )
        _index_formulas(indices, r, likert=True, too_small=too_small)
        r += 1
    append_row(indices, ["overall", _("Overall index")])
    write_formula(indices[f"C{r}"], f"=counts!B{overall_row}")
    write_formula(indices[f"D{r}"], f"=counts!B{overall_row + 1}")
    write_formula(indices[f"E{r}"], f"=counts!B{overall_row + 2}")
    _index_formulas(indices, r, likert=False, too_small=too_small)
    for c in indices[r]:
        c.font = bold
    for column in range(1, 10):
        indices.column_dimensions[get_column_letter(column)].width = (14, 34)[column == 2]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _index_formulas(sheet: Any, r: int, *, likert: bool, too_small: str) -> None:
    """Index, standard deviation and t interval of row ``r`` from its n (C), Σ (D), Σ² (E).

    Likert rows hold moments of the 1–5 answers (mapped to 0–100 by (x − 1) × 25); the
    overall row holds moments already on the index scale.
    """
    from theodoi.documents.xlsx import write_formula

    n, total, squares = f"C{r}", f"D{r}", f"E{r}"
    small = f"OR({n}<2,{n}<$B$1)"
    if likert:
        mean = f"(25*{total}/{n}-25)"
        sd = f"(25*SQRT(MAX(0,({squares}-{total}^2/{n})/({n}-1))))"
    else:
        mean = f"({total}/{n})"
        sd = f"SQRT(MAX(0,({squares}-{total}^2/{n})/({n}-1)))"
    # Functions newer than Excel 2007 are stored with the _xlfn. prefix (ECMA-376).
    half = f"_xlfn.T.INV.2T(1-$B$2,{n}-1)*G{r}/SQRT({n})"
    write_formula(sheet[f"F{r}"], f'=IF({small},"{too_small}",{mean})')
    write_formula(sheet[f"G{r}"], f'=IF({small},"",{sd})')
    write_formula(sheet[f"H{r}"], f'=IF({small},"",F{r}-{half})')
    write_formula(sheet[f"I{r}"], f'=IF({small},"",F{r}+{half})')
    for column in "FGHI":
        sheet[f"{column}{r}"].number_format = "0.0"
