"""Who issued a document, as it was called on the document's date.

A document carries its issuing body's name as it stood on the document's date:
a 2018 report of the Ban Tuyên giáo is headed "TỈNH ỦY LÀO CAI / BAN TUYÊN
GIÁO", a 2026 one "TỈNH ỦY LÀO CAI / BAN TUYÊN GIÁO VÀ DÂN VẬN", even when the
plan it reports on has since passed to the merged ban. The name comes from the
unit valid on that date in the lineage (a body renamed or merged is a new unit
with a ``UnitLineage`` link, ``renamed``/``merged``), and the line above it
from that unit's own parent, so the old body never borrows the new
committee's name, nor the other way round.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from theodoi.units.models import Unit, UnitHandover, UnitLineage

# How far back or forward a lineage is followed (2018 → 2025 is one step).
STEPS = 3

_COMMITTEE_SUFFIX = re.compile(r"\s+(Tỉnh|Huyện|Thành|Thị|Đảng)\s+ủy.*$", re.IGNORECASE)


def unit_on(unit: Unit, day: date, *, prefer: Iterable[int] = ()) -> Unit:
    """The unit that stood for ``unit`` on ``day``.

    Itself when it was active then. Before it began, its predecessors (the
    merged ban → the Ban Tuyên giáo and the Ban Dân vận); after it ended, its
    successors; nearest reform first, the first one active on ``day``. Among
    several active then, one in ``prefer`` wins (the body a plan was handed
    over from), then the lineage's order (position, then the older unit). ``unit`` itself
    when the lineage holds none active on that day.
    """
    if unit.is_active_on(day):
        return unit
    backwards = unit.active_from is not None and day < unit.active_from
    preferred = set(prefer)
    frontier = [unit.pk]
    seen = {unit.pk}
    for _step in range(STEPS):
        if backwards:
            links = UnitLineage.objects.filter(successor_id__in=frontier).select_related(
                "predecessor"
            )
            found = [link.predecessor for link in links]
        else:
            links = UnitLineage.objects.filter(predecessor_id__in=frontier).select_related(
                "successor"
            )
            found = [link.successor for link in links]
        found = sorted(
            (u for u in found if u.pk not in seen),
            key=lambda u: (u.pk not in preferred, u.position, u.pk),
        )
        for candidate in found:
            if candidate.is_active_on(day):
                return candidate
        seen.update(u.pk for u in found)
        frontier = [u.pk for u in found]
        if not frontier:
            break
    return unit


def handed_over_from(successor: Unit | int, kind: str, pk: int) -> list[int]:
    """The bodies a ``kind`` object (``"plans"``, ``"reports"``…) was handed over
    to ``successor`` from (``UnitHandover.moved``), latest first."""
    successor_id = successor.pk if isinstance(successor, Unit) else successor
    return [
        handover.predecessor_id
        for handover in UnitHandover.objects.filter(successor_id=successor_id).only(
            "predecessor_id", "moved"
        )
        if pk in handover.moved.get(kind, [])
    ]


@dataclass
class Issuer:
    """The letterhead's names for a body on a date."""

    unit: Unit
    superior: str  # "TỈNH ỦY LÀO CAI" (empty for a committee issuing in its own name)
    name: str  # "BAN TUYÊN GIÁO"
    symbol: str  # "BTGTU"
    place: str  # "Lào Cai"


def short_issuer_name(unit: Unit) -> str:
    """'Ban Tuyên giáo Tỉnh ủy' → 'BAN TUYÊN GIÁO' (the committee is the line above)."""
    return _COMMITTEE_SUFFIX.sub("", unit.name).upper()


def issuer_on(unit: Unit, day: date, *, prefer: Iterable[int] = ()) -> Issuer:
    """The letterhead of ``unit``'s documents dated ``day`` (see ``unit_on``)."""
    from .party import place_of

    body = unit_on(unit, day, prefer=prefer)
    parent = body.parent if body.parent_id else None
    # A body renamed without becoming a new unit carries the name of the day (UnitName).
    name = body.name_on(day)
    if body.kind in Unit.ADVISORY_KINDS and parent is not None:
        return Issuer(
            body,
            committee_name(parent, day),
            _COMMITTEE_SUFFIX.sub("", name).upper(),
            body.symbol or "",
            place_of(body, parent),
        )
    return Issuer(body, "", name.upper(), body.symbol or "", place_of(body))


def propaganda_ban_on(province: Unit, day: date) -> Issuer:
    """The letterhead of the province's Ban Tuyên giáo as it was on ``day``: the
    Ban Tuyên giáo of the committee then (2018), the Ban Tuyên giáo và Dân vận
    after the merger (2025), whichever is active on the day; the Tỉnh ủy in its
    own name when it has neither."""
    committee = unit_on(province, day)
    agencies = committee.children.filter(kind=Unit.Kind.PARTY_AGENCY).order_by("position", "pk")
    bans = [unit for unit in agencies if unit.is_active_on(day) and _is_propaganda_ban(unit)]
    return issuer_on(bans[0] if bans else committee, day)


def _is_propaganda_ban(unit: Unit) -> bool:
    return "tuyên giáo" in unit.name.casefold() or (unit.short_name or "").upper().startswith("BTG")


# The kinds of unit that are Party committees (a document's "cấp ủy" line).
COMMITTEE_KINDS = frozenset({Unit.Kind.PROVINCE, Unit.Kind.DISTRICT, Unit.Kind.PARTY_COMMITTEE})


_PROVINCE_NAME = re.compile(r"^Tỉnh\s+(?!ủy\b|uỷ\b)", re.IGNORECASE)


def province_committee(name: str) -> str:
    """A province's name as its committee's: "Tỉnh Lào Cai" → "Tỉnh ủy Lào Cai"
    (a name that already is a committee's is kept)."""
    return _PROVINCE_NAME.sub("Tỉnh ủy ", name.strip(), count=1)


def committee_title(unit: Unit, day: date) -> str:
    """The Party committee of ``unit`` on ``day`` as a sentence names it: "Tỉnh ủy
    Lào Cai" (a province recorded by its administrative name, "Tỉnh Lào Cai", is
    named by its committee), a district's own "Huyện ủy …"."""
    committee = unit_on(unit, day)
    while committee.kind not in COMMITTEE_KINDS and committee.parent_id:
        committee = committee.parent
    committee = unit_on(committee, day)
    name = committee.name_on(day).strip()
    if committee.kind == Unit.Kind.PROVINCE:
        name = province_committee(name)
    return name


def committee_name(unit: Unit, day: date) -> str:
    """The committee heading ``unit``'s documents dated ``day``, in caps, as it was
    then: "TỈNH ỦY LÀO CAI" for the Ban Tuyên giáo in 2018 and for the Ban Tuyên
    giáo và Dân vận in 2026 (each its own Tỉnh ủy), a district's own Huyện ủy."""
    return committee_title(unit, day).upper()


def archive_mark(symbol: str) -> str:
    """The body's mark on the "Lưu VP, …" line: "BTGTU" → "BTG", "BTGDVTU" → "BTGDV"."""
    mark = (symbol or "").strip().upper()
    return mark.removesuffix("TU") if mark.endswith("TU") and len(mark) > 2 else mark or "BTG"
