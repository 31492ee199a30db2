"""The programme over its years: each year's plans and the indicators' yearly values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .actions import _attribute
from .models import Indicator, IndicatorValue, Programme


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
    rows = []
    for indicator in programme_indicators(programme):
        values = {v.year: v for v in indicator.values.all()}
        rows.append(
            {
                "indicator": indicator,
                "cells": [values.get(year) for year in years],
            }
        )
    return {
        "years": [{"year": year, "plans": by_year[year]} for year in years],
        "rows": rows,
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
