"""The questionnaire as an XLSX in XLSForm's shape, both ways, so staff can draft in a spreadsheet.

Sheet ``survey``: ``type``, ``name``, ``label::<Language> (<code>)``,
``hint::…``, ``required``, ``relevant``, ``constraint``, ``appearance``,
``theodoi_index``. Sheet ``choices``: ``list_name``, ``name``, ``label::…``.

Our types in XLSForm's words:

- a section: ``begin_group`` … ``end_group``;
- Likert 1–5: ``select_one likert5`` with appearance ``likert``;
- single / multiple choice: ``select_one LIST`` / ``select_multiple LIST``,
  ``or_other`` for "other";
- number: ``decimal``, limits in ``constraint`` (``. >= 0 and . <= 60``);
- short / long text: ``text`` (appearance ``multiline`` for long);
- rating grid: a ``begin_group`` with appearance ``table-list`` inside a
  section whose rows are ``select_one likert5`` (one per item);
- skip logic: ``relevant`` — ``${q} = 'x'``, ``${q} != 'x'``, ``${q} >= 3``,
  ``${q} <= 2``, ``selected(${q}, 'x')``, ``not(selected(${q}, 'x'))``;
- ``theodoi_index`` = ``yes``: counts in the satisfaction index.

Import is all or nothing: every row is checked first, and the errors name
their sheet and row; only a draft survey without questions takes an import.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import actions
from .analysis import Questionnaire
from .models import CONTENT_LANGUAGES, Kind, Survey
from .questions import CODE_RE, clean_spec

LIKERT_LIST = "likert5"
MAX_ROWS = 2000
LANGUAGE_NAMES = {
    "vi": "Vietnamese",
    "en": "English",
    "zh": "Chinese",
    "fr": "French",
    "ko": "Korean",
    "ja": "Japanese",
    "de": "German",
    "ru": "Russian",
    "th": "Thai",
}


def _label_header(kind: str, code: str) -> str:
    return f"{kind}::{LANGUAGE_NAMES.get(code, code)} ({code})"


def _relevant(show_if: dict[str, Any], kinds: dict[str, str]) -> str:
    if not show_if:
        return ""
    code, op, value = show_if["question"], show_if["op"], show_if["value"]
    if kinds.get(code) == Kind.MULTIPLE:
        test = f"selected(${{{code}}}, '{value}')"
        return test if op == "eq" else f"not({test})"
    symbol = {"eq": "=", "ne": "!=", "gte": ">=", "lte": "<="}[op]
    if kinds.get(code) in (Kind.LIKERT, Kind.NUMBER):
        return f"${{{code}}} {symbol} {value}"
    return f"${{{code}}} {symbol} '{value}'"


def _constraint(minimum: float | None, maximum: float | None) -> str:
    parts = []
    if minimum is not None:
        parts.append(f". >= {minimum:g}")
    if maximum is not None:
        parts.append(f". <= {maximum:g}")
    return " and ".join(parts)


def export_xlsx(survey: Survey) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from theodoi.documents.xlsx import append_row

    languages = list(survey.languages)
    questionnaire = Questionnaire.load(survey)
    kinds = {q.code: q.current.kind for q in questionnaire.questions if q.current}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    header = ["type", "name"]
    header += [_label_header("label", c) for c in languages]
    header += [_label_header("hint", c) for c in languages]
    header += ["required", "relevant", "constraint", "appearance", "theodoi_index"]
    append_row(sheet, header)
    choices = workbook.create_sheet("choices")
    append_row(choices, ["list_name", "name", *(_label_header("label", c) for c in languages)])
    for point in range(1, 6):
        append_row(choices, [LIKERT_LIST, str(point), *(str(point) for _c in languages)])

    def row(kind: str, name: str, label: dict[str, str], **extra: Any) -> list[Any]:
        hint = extra.get("hint") or {}
        return [
            kind,
            name,
            *(label.get(c, "") for c in languages),
            *(hint.get(c, "") for c in languages),
            extra.get("required", ""),
            extra.get("relevant", ""),
            extra.get("constraint", ""),
            extra.get("appearance", ""),
            extra.get("index", ""),
        ]

    section_id = None
    for question in questionnaire.questions:
        version = question.current
        if version is None:
            continue
        if question.section_id != section_id:
            if section_id is not None:
                append_row(sheet, row("end_group", "", {}))
            section_id = question.section_id
            append_row(
                sheet,
                row("begin_group", f"section_{question.section.position}", question.section.title),
            )
        common = {
            "hint": version.help,
            "required": "yes" if version.required else "",
            "relevant": _relevant(version.show_if, kinds),
            "index": "yes" if version.in_index else "",
        }
        other = " or_other" if version.allow_other else ""
        if version.kind == Kind.LIKERT:
            append_row(
                sheet,
                row(
                    f"select_one {LIKERT_LIST}",
                    question.code,
                    version.text,
                    appearance="likert",
                    **common,
                ),
            )
        elif version.kind in (Kind.SINGLE, Kind.MULTIPLE):
            kind = "select_one" if version.kind == Kind.SINGLE else "select_multiple"
            append_row(
                sheet, row(f"{kind} {question.code}{other}", question.code, version.text, **common)
            )
            for choice in version.choices:
                append_row(
                    choices,
                    [
                        question.code,
                        choice["code"],
                        *(choice["label"].get(c, "") for c in languages),
                    ],
                )
        elif version.kind == Kind.NUMBER:
            append_row(
                sheet,
                row(
                    "decimal",
                    question.code,
                    version.text,
                    constraint=_constraint(version.minimum, version.maximum),
                    **common,
                ),
            )
        elif version.kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
            appearance = "multiline" if version.kind == Kind.LONG_TEXT else ""
            append_row(
                sheet, row("text", question.code, version.text, appearance=appearance, **common)
            )
        elif version.kind == Kind.GRID:
            append_row(
                sheet,
                row("begin_group", question.code, version.text, appearance="table-list", **common),
            )
            for item in version.items:
                append_row(sheet, row(f"select_one {LIKERT_LIST}", item["code"], item["label"]))
            append_row(sheet, row("end_group", "", {}))
    if section_id is not None:
        append_row(sheet, row("end_group", "", {}))
    settings = workbook.create_sheet("settings")
    append_row(settings, ["form_title", "form_id", "default_language"])
    append_row(
        settings,
        [
            survey.title_in(languages[0]),
            f"theodoi_{survey.pk}",
            _label_header("", languages[0]).lstrip(":"),
        ],
    )
    for ws in (sheet, choices, settings):
        for cell in ws[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Import --------------------------------------------------------------------------

RELEVANT_PATTERNS = [
    (re.compile(r"^not\(selected\(\$\{(\w+)\},\s*'([^']*)'\)\)$"), "ne"),
    (re.compile(r"^selected\(\$\{(\w+)\},\s*'([^']*)'\)$"), "eq"),
    (re.compile(r"^\$\{(\w+)\}\s*(=|!=|>=|<=)\s*'?([^']*?)'?$"), None),
]
CONSTRAINT = re.compile(r"\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)")


@dataclass
class _Earlier:
    kind: str
    choices: list[dict[str, Any]]
    allow_other: bool


def _headers(sheet: Any) -> dict[str, int]:
    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    return {str(h).strip(): i for i, h in enumerate(first) if h not in (None, "")}


def _texts(row: tuple[Any, ...], headers: dict[str, int], kind: str) -> dict[str, str]:
    texts = {}
    for header, index in headers.items():
        match = re.fullmatch(rf"{kind}(?:::.*\((\w+)\)|::(\w+))?", header)
        if not match or index >= len(row) or row[index] in (None, ""):
            continue
        code = match.group(1) or match.group(2) or "vi"
        if code in CONTENT_LANGUAGES:
            texts[code] = str(row[index]).strip()
    return texts


def _cell(row: tuple[Any, ...], headers: dict[str, int], name: str) -> str:
    index = headers.get(name)
    if index is None or index >= len(row) or row[index] is None:
        return ""
    return str(row[index]).strip()


def _relevant_rule(text: str) -> dict[str, Any] | None:
    text = text.strip()
    if not text:
        return {}
    for pattern, op in RELEVANT_PATTERNS:
        match = pattern.match(text)
        if match and op:
            return {"question": match[1], "op": op, "value": match[2]}
        if match:
            symbol = {"=": "eq", "!=": "ne", ">=": "gte", "<=": "lte"}[match[2]]
            return {"question": match[1], "op": symbol, "value": match[3].strip()}
    return None


def parse_xlsx(content: bytes, languages: list[str]) -> list[dict[str, Any]]:
    """Sections with their questions' specs; ValidationError listing every bad row."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ValidationError({"file": _("This is not an XLSX file.")}) from None
    if "survey" not in workbook.sheetnames:
        raise ValidationError({"file": _("The workbook has no sheet named “survey”.")})
    errors: list[str] = []
    lists: dict[str, list[dict[str, Any]]] = {}
    if "choices" in workbook.sheetnames:
        sheet = workbook["choices"]
        headers = _headers(sheet)
        for row in sheet.iter_rows(min_row=2, values_only=True):
            name = _cell(row, headers, "list_name")
            if not name:
                continue
            lists.setdefault(name, []).append(
                {"code": _cell(row, headers, "name"), "label": _texts(row, headers, "label")}
            )
    sheet = workbook["survey"]
    headers = _headers(sheet)
    if "type" not in headers or "name" not in headers:
        raise ValidationError({"file": _("The “survey” sheet needs the columns type and name.")})
    sections: list[dict[str, Any]] = []
    earlier: dict[str, _Earlier] = {}
    seen: set[str] = set()
    grid: dict[str, Any] | None = None
    depth = 0

    def fail(number: int, message: str) -> None:
        errors.append(_("survey, row %(row)s: %(message)s") % {"row": number, "message": message})

    def add(number: int, code: str, spec: dict[str, Any]) -> None:
        if not sections:
            sections.append({"title": {languages[0]: _("Questions")}, "questions": []})
        if not CODE_RE.match(code):
            fail(number, _("“%(name)s” is not a valid name: use a-z, 0-9 and _.") % {"name": code})
            return
        if code in seen:
            fail(number, _("The name “%(name)s” appears twice.") % {"name": code})
            return
        try:
            cleaned = clean_spec(spec, languages, earlier)
        except ValidationError as error:
            fail(number, " ".join(m for ms in error.message_dict.values() for m in ms))
            return
        seen.add(code)
        earlier[code] = _Earlier(cleaned["kind"], cleaned["choices"], cleaned["allow_other"])
        sections[-1]["questions"].append((code, cleaned))

    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_ROWS:
            fail(number, _("Too many rows."))
            break
        kind = " ".join(_cell(row, headers, "type").split())
        if not kind:
            continue
        name = _cell(row, headers, "name")
        label = _texts(row, headers, "label")
        appearance = _cell(row, headers, "appearance")
        relevant = _relevant_rule(_cell(row, headers, "relevant"))
        if relevant is None:
            fail(number, _("This skip rule is not one theodoi reads."))
            relevant = {}
        common = {
            "text": label,
            "help": _texts(row, headers, "hint"),
            "required": _cell(row, headers, "required").lower() in ("yes", "true", "1"),
            "show_if": relevant,
            "in_index": _cell(row, headers, "theodoi_index").lower() in ("yes", "true", "1"),
        }
        if grid is not None:
            if kind == "end_group":
                add(grid["row"], grid["code"], {**grid["spec"], "items": grid["items"]})
                grid = None
            elif kind == f"select_one {LIKERT_LIST}":
                grid["items"].append({"code": name, "label": label})
            else:
                fail(number, _("A rating grid holds only 1–5 ratings."))
            continue
        if kind == "begin_group" and appearance == "table-list":
            grid = {"row": number, "code": name, "items": [], "spec": {**common, "kind": Kind.GRID}}
        elif kind == "begin_group":
            depth += 1
            sections.append({"title": label or {languages[0]: name}, "questions": []})
        elif kind == "end_group":
            depth -= 1
        elif kind == f"select_one {LIKERT_LIST}":
            add(number, name, {**common, "kind": Kind.LIKERT})
        elif kind.startswith(("select_one ", "select_multiple ")):
            parts = kind.split()
            list_name = parts[1] if len(parts) > 1 else ""
            if list_name not in lists:
                fail(number, _("No choice list named “%(list)s”.") % {"list": list_name})
                continue
            add(
                number,
                name,
                {
                    **common,
                    "kind": Kind.SINGLE if parts[0] == "select_one" else Kind.MULTIPLE,
                    "choices": lists[list_name],
                    "allow_other": parts[-1] == "or_other",
                },
            )
        elif kind in ("integer", "decimal"):
            limits = {
                op: float(value)
                for op, value in CONSTRAINT.findall(_cell(row, headers, "constraint"))
            }
            add(
                number,
                name,
                {
                    **common,
                    "kind": Kind.NUMBER,
                    "minimum": limits.get(">="),
                    "maximum": limits.get("<="),
                },
            )
        elif kind == "text":
            long = "multiline" in appearance
            add(number, name, {**common, "kind": Kind.LONG_TEXT if long else Kind.SHORT_TEXT})
        elif kind in ("note", "calculate", "start", "end", "today", "deviceid"):
            continue
        else:
            fail(number, _("The type “%(type)s” is not one theodoi reads.") % {"type": kind})
    if grid is not None:
        fail(grid["row"], _("This rating grid has no end_group."))
    if not any(s["questions"] for s in sections) and not errors:
        errors.append(_("The workbook has no question."))
    if errors:
        raise ValidationError({"file": errors})
    return [s for s in sections if s["questions"]]


@transaction.atomic
def do_import_questionnaire(survey: Survey, *, by: Any, content: bytes) -> int:
    """Fill a draft survey without questions from an XLSForm workbook; the question count."""
    if survey.state != Survey.State.DRAFT or survey.questions.exists():
        raise ValidationError(
            {"file": _("Only a draft survey without questions takes an imported questionnaire.")}
        )
    sections = parse_xlsx(content, list(survey.languages))
    count = 0
    for section_data in sections:
        section = actions.do_add_section(survey, by=by, title=section_data["title"])
        for code, spec in section_data["questions"]:
            actions.do_add_question(survey, by=by, section=section, code=code, spec=spec)
            count += 1
    return count
