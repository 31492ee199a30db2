"""What each kind of activity records beyond the common columns, and its checks.

Each kind has a pydantic schema over ``Activity.details``; ``clean_details``
validates a kind's details, names each bad field by its path
(``details.points.1.attendance``) with a translated message, and derives the
columns the targets count: ``participants`` (attendance over the connected
points, trainees, participants by unit, entrants) and ``quantity`` (copies of a
publication, sessions of a study).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from .models import Kind

Str = Field(default="", max_length=2000)
Count = Field(default=0, ge=0, le=1_000_000)


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Point(_Schema):
    """A connected point (điểm cầu) of a conference and who attended there."""

    name: str = Field(min_length=1, max_length=200)
    attendance: int = Count


class UnitCount(_Schema):
    """People of one unit: trainees of a class, participants of a study."""

    unit: int = Field(ge=1)
    count: int = Count
    completed: int | None = Field(default=None, ge=0, le=1_000_000)


class Round(_Schema):
    name: str = Field(min_length=1, max_length=200)
    date: str = Field(default="", max_length=10)


class Entrant(_Schema):
    name: str = Field(min_length=1, max_length=200)
    unit: int | None = Field(default=None, ge=1)
    result: str = Field(default="", max_length=200)


class Issue(_Schema):
    issue: str = Field(min_length=1, max_length=2000)
    answer: str = Str


class ReportersConference(_Schema):
    topic: str = Field(default="", max_length=500)
    presenter: str = Field(default="", max_length=200)
    materials: str = Str
    points: list[Point] = Field(default_factory=list, max_length=500)


class Conference(_Schema):
    purpose: Literal["kick_off", "review", "other"] = "other"
    chair: str = Field(default="", max_length=200)
    points: list[Point] = Field(default_factory=list, max_length=500)


class TrainingClass(_Schema):
    course: str = Field(default="", max_length=300)
    trainees: list[UnitCount] = Field(default_factory=list, max_length=500)


class Contest(_Schema):
    rounds: list[Round] = Field(default_factory=list, max_length=50)
    entrants: list[Entrant] = Field(default_factory=list, max_length=1000)


class Publication(_Schema):
    stage: Literal["collecting", "compiling", "published"] = "collecting"
    volume: str = Field(default="", max_length=300)
    copies: int = Count


class Study(_Schema):
    topic: str = Field(default="", max_length=500)
    sessions: int = Count
    participants: list[UnitCount] = Field(default_factory=list, max_length=500)


class Dialogue(_Schema):
    leader: str = Field(default="", max_length=200)
    issues: list[Issue] = Field(default_factory=list, max_length=200)


class Model(_Schema):
    field: str = Field(default="", max_length=200)
    year_recognised: int | None = Field(default=None, ge=1990, le=2200)
    description: str = Str
    results: str = Str


SCHEMAS: dict[str, type[_Schema]] = {
    Kind.REPORTERS_CONFERENCE: ReportersConference,
    Kind.CONFERENCE: Conference,
    Kind.CLASS: TrainingClass,
    Kind.CONTEST: Contest,
    Kind.PUBLICATION: Publication,
    Kind.STUDY: Study,
    Kind.DIALOGUE: Dialogue,
    Kind.MODEL: Model,
}

STAGES = {
    "collecting": gettext_lazy("Collecting material"),
    "compiling": gettext_lazy("Compiling"),
    "published": gettext_lazy("Printed and published"),
}
PURPOSES = {
    "kick_off": gettext_lazy("Kick-off"),
    "review": gettext_lazy("Review"),
    "other": gettext_lazy("Other"),
}


def _message(problem: dict[str, Any]) -> str:
    kind = problem.get("type", "")
    ctx = problem.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind == "greater_than_equal":
        return _("Enter a value of at least %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Enter a value of at most %(limit)s.") % {"limit": ctx.get("le")}
    if kind == "string_too_long":
        return _("Enter at most %(count)s characters.") % {"count": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("This field is required.")
    if kind == "too_long":
        return _("Send at most %(count)s items.") % {"count": ctx.get("max_length")}
    if kind == "literal_error":
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "extra_forbidden":
        return _("This kind of activity has no such field.")
    if kind in ("list_type", "model_type", "dict_type"):
        return _("This value is not valid.")
    return _("This value is not valid.")


@dataclass
class Cleaned:
    details: dict[str, Any]
    participants: int
    quantity: int
    unit_ids: frozenset[int]


def clean_details(kind: str, data: Any) -> Cleaned:
    """The kind's details validated, with the counts derived from them.

    ValidationError names each bad field as ``details.<path>``.
    """
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise ValidationError({"kind": _("Choose a kind of activity.")})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationError({"details": _("This value is not valid.")})
    try:
        parsed = schema.model_validate(data)
    except PydanticError as exc:
        fields: dict[str, list[str]] = {}
        for problem in exc.errors():
            path = ".".join(["details", *(str(p) for p in problem.get("loc", ()))])
            fields.setdefault(path, []).append(_message(problem))
        raise ValidationError(fields) from None
    details = parsed.model_dump()
    participants = 0
    quantity = 0
    unit_ids: set[int] = set()
    if isinstance(parsed, ReportersConference | Conference):
        participants = sum(p.attendance for p in parsed.points)
    elif isinstance(parsed, TrainingClass):
        participants = sum(t.count for t in parsed.trainees)
        unit_ids = {t.unit for t in parsed.trainees}
        for i, t in enumerate(parsed.trainees):
            if t.completed is not None and t.completed > t.count:
                raise ValidationError(
                    {f"details.trainees.{i}.completed": _("More completed than trained.")}
                )
    elif isinstance(parsed, Study):
        participants = sum(p.count for p in parsed.participants)
        quantity = parsed.sessions
        unit_ids = {p.unit for p in parsed.participants}
    elif isinstance(parsed, Contest):
        participants = len(parsed.entrants)
        unit_ids = {e.unit for e in parsed.entrants if e.unit}
    elif isinstance(parsed, Publication):
        quantity = parsed.copies
    return Cleaned(details, participants, quantity, frozenset(unit_ids))


def unit_paths(kind: str, details: dict[str, Any]) -> Iterable[tuple[str, int]]:
    """(path, unit id) of every unit the details name, to check each is known."""
    for key in ("trainees", "participants", "entrants"):
        for i, row in enumerate(details.get(key) or []):
            if isinstance(row, dict) and row.get("unit"):
                yield f"details.{key}.{i}.unit", row["unit"]
