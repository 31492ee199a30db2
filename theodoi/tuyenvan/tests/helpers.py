"""Test helpers for the tuyenvan app: fill sheets, record conferences."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from theodoi.tuyenvan import actions
from theodoi.tuyenvan.models import Criterion, Meeting, ScoreSheet, Submission
from theodoi.units.models import Unit

MONTH = date(2018, 3, 1)


def full_marks(sheet: ScoreSheet, **overrides: Any) -> dict[int, actions.ScoreInput]:
    """Every criterion the sheet's source scores at its maximum (bonus at 0),
    with ``overrides`` by code ("2_1"=Decimal or (points, reason[, evidence]))."""
    entries = {}
    for c in Criterion.objects.filter(group__criteria_set=sheet.criteria_set):
        if not c.scorable_by(sheet.source):
            continue
        value = overrides.get("_" + c.code.replace(".", "_"))
        if value is None:
            points = Decimal(0) if c.kind in (c.Kind.BONUS, c.Kind.PENALTY) else c.max_points
            entries[c.pk] = actions.ScoreInput(points)
        elif isinstance(value, tuple):
            entries[c.pk] = actions.ScoreInput(*value)
        else:
            entries[c.pk] = actions.ScoreInput(value, "lý do", "biên bản")
    return entries


def fill(
    commune: Unit,
    source: str,
    by: Any,
    month: date = MONTH,
    official: Any = None,
    submit: bool = True,
    **overrides: Any,
) -> ScoreSheet:
    sheet = actions.sheet_for(commune, month, source, official)
    return actions.do_save_sheet(sheet, full_marks(sheet, **overrides), by=by, submit=submit)


def hold_meeting(
    commune: Unit, by: Any, month: date = MONTH, officials: list | None = None
) -> Meeting:
    return actions.do_save_meeting(
        commune,
        month,
        {
            "held_on": month.replace(day=10),
            "place": "Hội trường xã",
            "chair": "Bí thư Đảng ủy",
            "topics": "Hướng dẫn tuyên truyền tháng",
            "participants": 40,
        },
        by=by,
        officials=officials,
    )


def send(
    commune: Unit, kind: str, day: int, month: date = MONTH, to: Unit | None = None
) -> Submission:
    return Submission.objects.create(
        sender=commune,
        recipient=to or commune.parent,
        month=month,
        kind=kind,
        title="Báo cáo tháng",
        sent_at=timezone.make_aware(datetime(month.year, month.month, day, 9)),
    )
