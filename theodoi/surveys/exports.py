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

import segno
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
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=6, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def poster_docx(point: CollectionPoint) -> bytes:
    """An A4 poster: the survey's title in its languages, the QR code, the link."""
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
