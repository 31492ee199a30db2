"""Records built through the actions, for the tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from theodoi.activities import actions
from theodoi.activities.models import Activity, Target
from theodoi.units.models import Unit


def record(
    owner: Unit,
    kind: str,
    day: date,
    *,
    by: Any = None,
    units: list[Unit] | None = None,
    mode: str = "",
    level: str = "",
    details: dict[str, Any] | None = None,
    title: str | None = None,
    work_item: Any = None,
) -> Activity:
    return actions.do_create_activity(
        actions.ActivityData(
            kind=kind,
            title=title or f"{kind} {day:%d/%m/%Y}",
            start=day,
            owner=owner,
            units=units or [],
            mode=mode,
            level=level,
            details=details or {},
            work_item=work_item,
        ),
        by=by,
    )


def conference(owner: Unit, day: date, mode: str, *points: tuple[str, int]) -> Activity:
    return record(
        owner,
        "reporters_conference",
        day,
        mode=mode,
        details={"topic": "Thời sự", "points": [{"name": n, "attendance": a} for n, a in points]},
    )


def target(
    unit: Unit, measure: str, goal: str = "50", comparison: str = "gt", **kwargs: Any
) -> Target:
    kwargs.setdefault("start", date(2018, 1, 1))
    kwargs.setdefault("end", date(2018, 12, 31))
    return Target.objects.create(
        name=kwargs.pop("name", f"{measure} target"),
        unit=unit,
        measure=measure,
        goal=Decimal(goal),
        comparison=comparison,
        **kwargs,
    )
