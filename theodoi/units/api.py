"""The units API: the organisation tree within the caller's reach."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from theodoi import permissions
from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    MAX_ID,
    Id,
    IsoDate,
    Pagination,
    UnitRef,
    paginate,
)
from theodoi.permissions.units import access_unit

from .models import Unit, UnitLineage, normalize_name, strip_diacritics

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    key: str
    code: str
    name: str
    short_name: str
    kind: Unit.Kind
    kind_label: str
    division_type: str
    parent: UnitRef | None
    active_from: date | None
    active_to: date | None

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return str(obj.get_kind_display())


class LineageOut(Schema):
    unit: UnitRef
    event: UnitLineage.Event
    effective: date
    basis: str


class UnitDetail(UnitOut):
    # Read from attributes the view sets (a Unit's own `ancestors` is a method).
    ancestors: list[UnitRef] = Field(
        alias="api_ancestors", description="From the root down to the parent."
    )
    predecessors: list[LineageOut] = Field(
        alias="api_predecessors", description="Units this unit replaced."
    )
    successors: list[LineageOut] = Field(
        alias="api_successors", description="Units that replaced this unit."
    )


class UnitFilters(Schema):
    kind: Unit.Kind | None = None
    parent: Id | None = None
    q: str | None = Field(None, max_length=200, description="Part of the name or code.")
    ignore_accents: bool = Field(False, description="Match 'Bao Yen' with 'Bảo Yên'.")
    active_on: IsoDate | None = None


def _search_key(text: str, ignore_accents: bool) -> str:
    key = normalize_name(text)
    return strip_diacritics(key) if ignore_accents else key


@router.get(
    "/units",
    response={200: list[UnitOut], **LIST_ERRORS},
    summary="Units within your reach",
)
@paginate(Pagination)
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> Any:
    units = permissions.visible_units(
        request.auth, Unit.objects.select_related("parent").order_by("position", "name", "pk")
    )
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.parent:
        units = units.filter(parent_id=filters.parent)
    if filters.active_on:
        units = units.active_on(filters.active_on)
    if filters.q and filters.q.strip():
        # Matched in Python so case and accents fold the same on every database.
        needle = _search_key(filters.q, filters.ignore_accents)
        ids = [
            pk
            for pk, *texts in units.values_list("pk", "name", "short_name", "code")
            if any(needle in _search_key(text, filters.ignore_accents) for text in texts)
        ]
        units = units.filter(pk__in=ids)
    return units


def _lineage(links: Any, side: str, user: Any) -> list[dict[str, Any]]:
    # Lineage may cross into units the caller may not see: those are left out.
    return [
        {
            "unit": getattr(link, side),
            "event": link.event,
            "effective": link.effective,
            "basis": link.basis,
        }
        for link in links.select_related(side).order_by("effective", "pk")
        if user.has_perm("units.view_unit", getattr(link, side))
    ]


@router.get(
    "/units/{id}",
    response={200: UnitDetail, **ERRORS},
    summary="A unit with its parent and lineage",
)
def get_unit(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    unit = access_unit(request.auth, id)
    unit.api_ancestors = list(unit.ancestors())
    unit.api_predecessors = _lineage(unit.predecessor_links, "predecessor", request.auth)
    unit.api_successors = _lineage(unit.successor_links, "successor", request.auth)
    return unit
