"""The programme over its years: each year's plans and the indicators' yearly values.

A year's value of an indicator comes from one place only. Where the indicator
is linked to an activities target (``theodoi.activities``), the year's value is
computed from that year's records by the target's measure (its period moved to
the year); a value typed for such a year is refused. Where no record gives it
(the years before the records were kept, or an indicator no record measures),
it is typed once per year with its source (:class:`IndicatorValue`), and the
page shows which it is.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from theodoi.core import clock

from .actions import _attribute
from .models import Assignment, Indicator, IndicatorValue, Programme, WorkItem


@dataclass
class YearValue:
    """An indicator's value for a year and where it comes from."""

    value: Decimal
    source: str
    from_records: bool = False
    records: int = 0
    target_id: int | None = None


def record_values(programme: Programme, years: list[int]) -> dict[tuple[int, int], YearValue]:
    """(indicator, year) → the value the year's records give, for every indicator linked
    to a target and every year begun, from the target's first year on, with at least
    one matching record (a constant number of queries: the targets evaluated together)."""
    from theodoi.activities.models import Target
    from theodoi.activities.targets import describe, evaluate

    today = clock.today()
    targets = Target.objects.filter(indicator__objective__programme=programme).select_related(
        "unit"
    )
    copies = []
    for target in targets:
        for year in years:
            # Records are kept from the target's period on: earlier years' records are
            # incomplete, and those years' values come from the reviews, typed once.
            if date(year, 1, 1) > today or year < target.start.year:
                continue
            moved = copy.copy(target)
            moved.pk = -(len(copies) + 1)  # never saved: a key for the evaluation
            moved.start, moved.end = date(year, 1, 1), date(year, 12, 31)
            copies.append((target, year, moved))
    results = evaluate([moved for _t, _y, moved in copies], today)
    found = {}
    for target, year, moved in copies:
        result = results[moved.pk]
        if result.record_ids and result.value is not None:
            found[(target.indicator_id, year)] = YearValue(
                value=result.value,
                source=describe(moved),
                from_records=True,
                records=len(result.record_ids),
                target_id=target.pk,
            )
    return found


def _year_progress(plans: list[Any]) -> dict[int, dict[str, int]]:
    """Per plan: its work items and those whose every lead unit is done (one query)."""
    counts: dict[int, dict[str, int]] = {p.pk: {"items": 0, "done": 0} for p in plans}
    open_items = set(
        Assignment.objects.filter(
            work_item__task__plan__in=plans,
            role=Assignment.Role.LEAD,
            status__in=[*Assignment.Status.OPEN, Assignment.Status.CANCELLED],
        ).values_list("work_item_id", flat=True)
    )
    for pk, plan_id in WorkItem.objects.filter(task__plan__in=plans).values_list(
        "pk", "task__plan_id"
    ):
        counts[plan_id]["items"] += 1
        counts[plan_id]["done"] += pk not in open_items
    return counts


def programme_indicators(programme: Programme) -> list[Indicator]:
    return list(
        Indicator.objects.filter(objective__programme=programme)
        .select_related("objective")
        .prefetch_related("values")
        .order_by("objective__position", "objective_id", "pk")
    )


def years_table(programme: Programme, plans: list[Any]) -> dict[str, Any]:
    """Years of the term, each with its plans, and a row per indicator with its values."""
    years = list(range(programme.start_year, programme.end_year + 1))
    by_year: dict[int, list[Any]] = {year: [] for year in years}
    for plan in plans:
        by_year.setdefault(plan.year, []).append(plan)
    progress = _year_progress(plans)
    for plan in plans:
        plan.progress = progress.get(plan.pk, {"items": 0, "done": 0})
    from_records = record_values(programme, years)
    sources: list[str] = []  # the typed values' sources, numbered as the page cites them
    rows = []
    for indicator in programme_indicators(programme):
        cells = []
        typed = {v.year: v for v in indicator.values.all()}
        for year in years:
            cell = from_records.get((indicator.pk, year))
            if cell is None and year in typed:
                source = typed[year].source or _("typed, no source given")
                if source not in sources:
                    sources.append(source)
                cell = YearValue(value=typed[year].value, source=source)
                cell.note = sources.index(source) + 1  # type: ignore[attr-defined]
            cells.append(cell)
        rows.append({"indicator": indicator, "cells": cells})
    return {
        "years": [{"year": year, "plans": by_year[year]} for year in years],
        "rows": rows,
        "sources": sources,
        "measured": any(c is not None and c.from_records for r in rows for c in r["cells"]),
    }


@transaction.atomic
def do_record_values(
    programme: Programme,
    *,
    year: int,
    values: dict[int, Decimal | None],
    source: str,
    by: AbstractBaseUser,
    reason: str = "",
) -> int:
    """Record (or correct) the indicators' values for a year; an empty value removes one.

    Returns how many values changed. Every change is kept in the history with
    who, when and why.
    """
    if not programme.start_year <= year <= programme.end_year:
        raise ValidationError(
            {"year": _("The year must fall within the programme's term %(term)s.")
             % {"term": programme.term}}
        )  # fmt: skip
    indicators = {i.pk: i for i in programme_indicators(programme)}
    unknown = set(values) - set(indicators)
    if unknown:
        raise ValidationError({"__all__": _("Unknown indicator.")})
    measured = record_values(programme, [year])
    refused = {
        f"i{pk}": _("The records give this year's value (%(source)s): it is not typed.")
        % {"source": measured[(pk, year)].source}
        for pk, value in values.items()
        if value is not None and (pk, year) in measured
    }
    if refused:
        raise ValidationError(refused)
    existing = {
        v.indicator_id: v
        for v in IndicatorValue.objects.select_for_update().filter(
            indicator__in=list(indicators), year=year
        )
    }
    changed = 0
    for indicator_id, value in values.items():
        row = existing.get(indicator_id)
        if value is None:
            if row is not None:
                _attribute(row, by, reason)
                row.delete()
                changed += 1
            continue
        if row is not None and row.value == value and row.source == source:
            continue
        row = row or IndicatorValue(indicator_id=indicator_id, year=year)
        row.value, row.source, row.recorded_by = value, source, by
        _attribute(row, by, reason)
        row.save()
        changed += 1
    return changed
