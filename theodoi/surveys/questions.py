"""What a question may be (checked when staff write one) and how an answer is read.

Both sides are pure functions of plain data, so pages, the API, the importer
and the tests share them:

- :func:`clean_spec` checks a question's definition (a dict of the
  ``QuestionVersion`` fields) against the survey's earlier questions and
  raises ``ValidationError`` naming the field.
- :func:`read_answers` reads a submitted form (``q_<code>``, ``q_<code>_other``,
  ``q_<code>__<item>``) against the questionnaire in order, applies the skip
  logic (a hidden question is neither required nor stored) and returns the
  values and a message per question that is wrong.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Kind, SkipOp

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
OTHER = "other"
NOT_APPLICABLE = "na"
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000
SCALE = (1, 2, 3, 4, 5)
CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
SCALE_KINDS = (Kind.LIKERT, Kind.GRID)


# Staff side: the definition of a question ---------------------------------------------


def _options(value: Any, field_name: str, languages: Sequence[str]) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise ValidationError({field_name: _("Give a list of options.")})
    seen: set[str] = set()
    cleaned = []
    for option in value:
        code = str(option.get("code", "")).strip() if isinstance(option, dict) else ""
        label = option.get("label") if isinstance(option, dict) else None
        if not CODE_RE.match(code) or code in (OTHER, NOT_APPLICABLE):
            raise ValidationError(
                {
                    field_name: _("Option code “%(code)s” is not valid: use a-z, 0-9 and _.")
                    % {"code": code}
                }
            )
        if code in seen:
            raise ValidationError(
                {field_name: _("Option code “%(code)s” appears twice.") % {"code": code}}
            )
        seen.add(code)
        if not isinstance(label, dict) or not str(label.get(languages[0], "")).strip():
            raise ValidationError(
                {
                    field_name: _("Option “%(code)s” needs a label in %(language)s.")
                    % {"code": code, "language": languages[0]}
                }
            )
        cleaned.append({"code": code, "label": {k: str(v).strip() for k, v in label.items() if v}})
    return cleaned


def clean_spec(
    spec: Mapping[str, Any], languages: Sequence[str], earlier: Mapping[str, Any]
) -> dict[str, Any]:
    """A question's definition checked; ``earlier`` maps earlier codes to their versions."""
    kind = spec.get("kind")
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a question type.")})
    text = {k: str(v).strip() for k, v in (spec.get("text") or {}).items() if v}
    if not text.get(languages[0]):
        raise ValidationError(
            {"text": _("Write the question in %(language)s.") % {"language": languages[0]}}
        )
    cleaned: dict[str, Any] = {
        "kind": kind,
        "text": text,
        "help": {k: str(v).strip() for k, v in (spec.get("help") or {}).items() if v},
        "required": bool(spec.get("required")),
        "choices": [],
        "items": [],
        "allow_other": False,
        "minimum": None,
        "maximum": None,
        "show_if": {},
        "in_index": False,
    }
    if kind in CHOICE_KINDS:
        cleaned["choices"] = _options(spec.get("choices") or [], "choices", languages)
        cleaned["allow_other"] = bool(spec.get("allow_other"))
        if len(cleaned["choices"]) + cleaned["allow_other"] < 2:
            raise ValidationError({"choices": _("Give at least two options.")})
    if kind == Kind.GRID:
        cleaned["items"] = _options(spec.get("items") or [], "items", languages)
        if not cleaned["items"]:
            raise ValidationError({"items": _("Give at least one item to rate.")})
    if kind == Kind.NUMBER:
        for name in ("minimum", "maximum"):
            value = spec.get(name)
            if value in (None, ""):
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ValidationError({name: _("Enter a number.")}) from None
            if not math.isfinite(number):
                raise ValidationError({name: _("Enter a number.")})
            cleaned[name] = number
        if (
            cleaned["minimum"] is not None
            and cleaned["maximum"] is not None
            and cleaned["minimum"] > cleaned["maximum"]
        ):
            raise ValidationError({"maximum": _("The largest number is below the smallest.")})
    if kind in SCALE_KINDS:
        cleaned["in_index"] = bool(spec.get("in_index"))
    show_if = spec.get("show_if") or {}
    if show_if and show_if.get("question"):
        target = earlier.get(show_if["question"])
        if target is None:
            raise ValidationError(
                {"show_if": _("A question can depend only on an earlier question.")}
            )
        op = show_if.get("op") or SkipOp.EQUALS
        if op not in SkipOp.values:
            raise ValidationError({"show_if": _("Choose how to compare.")})
        value = str(show_if.get("value", "")).strip()
        if not value:
            raise ValidationError({"show_if": _("Give the answer the question depends on.")})
        target_kind = target.kind
        if op in (SkipOp.AT_LEAST, SkipOp.AT_MOST) and target_kind not in (
            Kind.LIKERT,
            Kind.NUMBER,
        ):
            raise ValidationError(
                {"show_if": _("Only a scale or a number can be compared as more or less.")}
            )
        if target_kind == Kind.GRID:
            raise ValidationError({"show_if": _("A question cannot depend on a rating grid.")})
        if target_kind in (Kind.LIKERT, Kind.NUMBER):
            try:
                float(value)
            except ValueError:
                raise ValidationError({"show_if": _("Enter a number.")}) from None
        if target_kind in CHOICE_KINDS:
            codes = {c["code"] for c in target.choices} | ({OTHER} if target.allow_other else set())
            if value not in codes:
                raise ValidationError(
                    {
                        "show_if": _("“%(value)s” is not an option of that question.")
                        % {"value": value}
                    }
                )
        cleaned["show_if"] = {"question": show_if["question"], "op": op, "value": value}
    return cleaned


# Respondent side: reading a submitted form ------------------------------------------


@dataclass
class Read:
    """What a submitted form says: values by question code, messages by question code."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)


def _number(raw: str) -> float | None:
    text = raw.strip().replace(" ", "").replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def shows(version: Any, values: Mapping[str, Any], shown: set[str]) -> bool:
    """Whether the skip rule of ``version`` shows it, given the earlier answers."""
    rule = version.show_if or {}
    code = rule.get("question")
    if not code:
        return True
    if code not in shown or code not in values:
        return False
    answer = values[code]
    op, wanted = rule.get("op", SkipOp.EQUALS), str(rule.get("value", ""))
    if isinstance(answer, dict) and "choices" in answer:  # multiple choice
        hit = wanted in answer["choices"]
        return hit if op == SkipOp.EQUALS else (not hit if op == SkipOp.NOT_EQUALS else False)
    if isinstance(answer, dict) and "choice" in answer:  # single choice
        answer = answer["choice"]
    if op in (SkipOp.AT_LEAST, SkipOp.AT_MOST):
        try:
            number, limit = float(answer), float(wanted)
        except (TypeError, ValueError):
            return False
        return number >= limit if op == SkipOp.AT_LEAST else number <= limit
    same = str(answer) == wanted
    if isinstance(answer, float | int):
        try:
            same = float(answer) == float(wanted)
        except ValueError:
            same = False
    return same if op == SkipOp.EQUALS else not same


def read_answers(
    versions: Sequence[tuple[str, Any]],
    data: Any,
    gettext: Callable[[str], str] = _,
) -> Read:
    """Read ``data`` (a QueryDict or a dict of lists) for ``versions`` [(code, version)]."""

    def get(name: str) -> str:
        if hasattr(data, "get") and not isinstance(data, dict):
            return str(data.get(name, ""))
        value = data.get(name, "")
        return str(value[0] if isinstance(value, list) and value else value or "")

    def get_list(name: str) -> list[str]:
        if hasattr(data, "getlist"):
            return [str(v) for v in data.getlist(name)]
        value = data.get(name, [])
        return [str(v) for v in (value if isinstance(value, list) else [value])]

    result = Read()
    for code, version in versions:
        if not shows(version, result.values, result.shown):
            continue
        result.shown.add(code)
        name = f"q_{code}"
        kind = version.kind
        value: Any = None
        error = ""
        if kind == Kind.LIKERT:
            raw = get(name).strip()
            if raw:
                if raw in {str(s) for s in SCALE}:
                    value = int(raw)
                else:
                    error = gettext("Choose a point from 1 to 5.")
        elif kind == Kind.SINGLE:
            raw = get(name).strip()
            codes = {c["code"] for c in version.choices}
            if raw:
                if raw in codes:
                    value = {"choice": raw}
                elif raw == OTHER and version.allow_other:
                    other = get(f"{name}_other").strip()
                    if not other:
                        error = gettext("Say what “other” is.")
                    elif len(other) > SHORT_TEXT_MAX:
                        error = gettext("Write at most %(count)s characters.") % {
                            "count": SHORT_TEXT_MAX
                        }
                    else:
                        value = {"choice": OTHER, "other": other}
                else:
                    error = gettext("Choose one of the options.")
        elif kind == Kind.MULTIPLE:
            raw_list = [v.strip() for v in get_list(name) if v.strip()]
            codes = {c["code"] for c in version.choices} | (
                {OTHER} if version.allow_other else set()
            )
            if raw_list:
                if any(v not in codes for v in raw_list):
                    error = gettext("Choose among the options.")
                else:
                    chosen = list(dict.fromkeys(raw_list))
                    value = {"choices": chosen}
                    if OTHER in chosen:
                        other = get(f"{name}_other").strip()
                        if not other:
                            error = gettext("Say what “other” is.")
                        elif len(other) > SHORT_TEXT_MAX:
                            error = gettext("Write at most %(count)s characters.") % {
                                "count": SHORT_TEXT_MAX
                            }
                        else:
                            value["other"] = other
        elif kind == Kind.NUMBER:
            raw = get(name).strip()
            if raw:
                number = _number(raw)
                if number is None:
                    error = gettext("Enter a number.")
                elif version.minimum is not None and number < version.minimum:
                    error = gettext("Enter a number of at least %(limit)s.") % {
                        "limit": f"{version.minimum:g}"
                    }
                elif version.maximum is not None and number > version.maximum:
                    error = gettext("Enter a number of at most %(limit)s.") % {
                        "limit": f"{version.maximum:g}"
                    }
                else:
                    value = number
        elif kind in (Kind.SHORT_TEXT, Kind.LONG_TEXT):
            raw = get(name).replace("\x00", "").strip()
            limit = SHORT_TEXT_MAX if kind == Kind.SHORT_TEXT else LONG_TEXT_MAX
            if raw:
                if len(raw) > limit:
                    error = gettext("Write at most %(count)s characters.") % {"count": limit}
                else:
                    value = raw
        elif kind == Kind.GRID:
            ratings: dict[str, int | None] = {}
            missing = False
            for item in version.items:
                raw = get(f"{name}__{item['code']}").strip()
                if raw in {str(s) for s in SCALE}:
                    ratings[item["code"]] = int(raw)
                elif raw == NOT_APPLICABLE:
                    ratings[item["code"]] = None
                elif raw:
                    error = gettext("Choose a point from 1 to 5 on each line.")
                else:
                    missing = True
            if not error and ratings:
                value = ratings
            if not error and missing and version.required:
                error = gettext("Rate every line (or choose “not used”).")
        if error:
            result.errors[code] = error
        elif value is None and version.required:
            result.errors[code] = gettext("Please answer this question.")
        elif value is not None:
            result.values[code] = value
    return result
