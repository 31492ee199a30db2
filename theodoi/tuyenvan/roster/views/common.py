"""Helpers the roster pages share (no access decisions here)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.http import HttpRequest

from theodoi.units.models import Unit

from ..models import RosterEntry, RosterRound


def entries_of(rnd: RosterRound, district: Unit | None = None) -> list[RosterEntry]:
    entries = rnd.entries.select_related("commune__parent", "official", "edited_by")
    if district is not None:
        entries = entries.filter(commune__parent=district)
    return list(entries.order_by("day", "commune__parent__position", "commune__position", "kind"))


def districts_of(province: Unit) -> list[Unit]:
    return list(
        Unit.objects.descendants(province)
        .filter(kind=Unit.Kind.DISTRICT)
        .order_by("position", "name")
    )


def chosen_district(request: HttpRequest, districts: list[Unit]) -> Unit | None:
    wanted = request.GET.get("district", "")
    return next((d for d in districts if str(d.pk) == wanted), None)


def chosen_cluster(request: HttpRequest, grouping: Any) -> Any:
    """The cluster asked for (``?cluster=``) among the round's, when grouped by cluster."""
    if not grouping.by_cluster:
        return None
    wanted = request.GET.get("cluster", "")
    return next((c for c in grouping.clusters if str(c.pk) == wanted), None)


def by_month(entries: list[RosterEntry]) -> list[tuple[Any, list[RosterEntry]]]:
    return [(month, list(group)) for month, group in groupby(entries, key=lambda e: e.month)]


def add_errors(form: Any, exc: Any) -> None:
    """A ValidationError from an action, shown at the form's fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def first_error(form: Any) -> str | None:
    errors = form.errors.get("reason") if form.is_bound else None
    return errors[0] if errors else None
