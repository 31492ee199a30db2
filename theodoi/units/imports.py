"""Load official administrative units into the unit tree, idempotently.

- ``import_vn2025()``: the post-July-2025 structure (34 provinces, 3,321
  communes) from ``sources.provinces_2025()`` / ``communes_2025()``, keyed
  ``vn2025:<province code>`` and ``vn2025:<commune code>``.
- ``import_laocai_2018()``: the pre-reform Lào Cai tree from the data file, as
  Party committees (Tỉnh ủy, Thành ủy/Huyện ủy) over their communes, keyed
  ``lc2018:10``, ``lc2018:<district code>``, ``lc2018:<commune code>``.

Both match existing rows by key, create what is missing, update what the
source changed and leave the rest alone, in bulk (the national list takes
about a second). Whenever both trees are present, the province-level lineage
link (Lào Cai 2018 merged into Lào Cai 2025) is recorded. The 2025 package has
no commune-level lineage, so none is recorded below the province.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import sources
from .models import Unit, UnitLineage

REFORM_DAY = date(2025, 7, 1)
LAST_DAY_BEFORE_REFORM = date(2025, 6, 30)
REFORM_BASIS = "Nghị quyết 202/2025/QH15"
LAOCAI_2018_PROVINCE_KEY = "lc2018:10"
LAOCAI_2025_PROVINCE_KEY = "vn2025:15"
CHANGE_REASON = "import-units"

# The fields an import owns; anything else (email, short name…) people may edit.
_FIELDS = (
    "code",
    "name",
    "kind",
    "division_type",
    "symbol",
    "place",
    "parent_id",
    "position",
    "active_from",
    "active_to",
)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lineage_created: int = 0

    def __iadd__(self, other: ImportResult) -> ImportResult:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.lineage_created += other.lineage_created
        return self

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged; "
            f"{self.lineage_created} lineage link(s) created"
        )


def _sync(level: list[tuple[str, dict[str, Any]]]) -> ImportResult:
    """Create or update one level of units given as (key, field values).

    ``parent_id`` values must already be resolved, so call level by level,
    parents first.
    """
    result = ImportResult()
    keys = [key for key, _ in level]
    existing = {u.key: u for u in Unit.objects.filter(key__in=keys).only("key", *_FIELDS)}
    to_create: list[Unit] = []
    to_update: list[Unit] = []
    for key, values in level:
        unit = existing.get(key)
        if unit is None:
            to_create.append(Unit(key=key, **values))
            continue
        changed = False
        for name, value in values.items():
            if getattr(unit, name) != value:
                setattr(unit, name, value)
                changed = True
        if changed:
            to_update.append(unit)
        else:
            result.unchanged += 1
    if to_create:
        bulk_create_with_history(
            to_create, Unit, batch_size=500, default_change_reason=CHANGE_REASON
        )
    if to_update:
        bulk_update_with_history(
            to_update,
            Unit,
            fields=list(_FIELDS),
            batch_size=500,
            default_change_reason=CHANGE_REASON,
        )
    result.created = len(to_create)
    result.updated = len(to_update)
    return result


def _ids(keys: Iterable[str]) -> dict[str, int]:
    return dict(Unit.objects.filter(key__in=list(keys)).values_list("key", "pk"))


def _place(name: str) -> str:
    """'Huyện Bát Xát' -> 'Bát Xát', 'Thành phố Lào Cai' -> 'Lào Cai'."""
    for prefix in ("Thành phố ", "Thị xã ", "Huyện ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _link_lineage() -> int:
    """Record Lào Cai 2018 → Lào Cai 2025 when both exist; return links created."""
    ids = _ids([LAOCAI_2018_PROVINCE_KEY, LAOCAI_2025_PROVINCE_KEY])
    if len(ids) < 2:
        return 0
    _, created = UnitLineage.objects.get_or_create(
        predecessor_id=ids[LAOCAI_2018_PROVINCE_KEY],
        successor_id=ids[LAOCAI_2025_PROVINCE_KEY],
        defaults={
            "event": UnitLineage.Event.MERGED,
            "effective": REFORM_DAY,
            "basis": REFORM_BASIS,
        },
    )
    return int(created)


@transaction.atomic
def import_vn2025() -> ImportResult:
    """Provinces and communes after the July 2025 reform (no commune lineage)."""
    provinces = sources.provinces_2025()
    result = _sync(
        [
            (
                f"vn2025:{p.code}",
                {
                    "code": p.code,
                    "name": p.name,
                    "kind": Unit.Kind.PROVINCE,
                    "division_type": p.division_type,
                    "symbol": "",
                    "place": _place(p.name),
                    "parent_id": None,
                    "position": i,
                    "active_from": REFORM_DAY,
                    "active_to": None,
                },
            )
            for i, p in enumerate(provinces)
        ]
    )
    parents = _ids(f"vn2025:{p.code}" for p in provinces)
    result += _sync(
        [
            (
                f"vn2025:{c.code}",
                {
                    "code": c.code,
                    "name": c.name,
                    "kind": Unit.Kind.COMMUNE,
                    "division_type": c.division_type,
                    "symbol": "",
                    "place": "",
                    "parent_id": parents[f"vn2025:{c.parent_code}"],
                    "position": i,
                    "active_from": REFORM_DAY,
                    "active_to": None,
                },
            )
            for i, c in enumerate(sources.communes_2025())
        ]
    )
    result.lineage_created = _link_lineage()
    return result


def district_committee(name: str) -> tuple[str, str]:
    """The Party committee of a district and its document symbol.

    'Thành phố Lào Cai' -> ('Thành ủy Lào Cai', 'ThU');
    'Huyện Bát Xát' -> ('Huyện ủy Bát Xát', 'HU'); 'Thị xã X' -> ('Thị ủy X', 'TU').
    """
    if name.startswith("Thành phố "):
        return f"Thành ủy {_place(name)}", "ThU"
    if name.startswith("Thị xã "):
        return f"Thị ủy {_place(name)}", "TU"
    return f"Huyện ủy {_place(name)}", "HU"


@transaction.atomic
def import_laocai_2018() -> ImportResult:
    """The 2018 Lào Cai tree: Tỉnh ủy, the city and 8 district committees, communes."""
    province, districts, communes = sources.laocai_2018()
    province_key = f"lc2018:{province.code}"
    result = _sync(
        [
            (
                province_key,
                {
                    "code": province.code,
                    "name": "Tỉnh ủy Lào Cai",
                    "kind": Unit.Kind.PROVINCE,
                    "division_type": province.division_type,
                    "symbol": "TU",
                    "place": "Lào Cai",
                    "parent_id": None,
                    "position": 0,
                    # The Tỉnh ủy predates every record here: no start date.
                    "active_from": None,
                    "active_to": LAST_DAY_BEFORE_REFORM,
                },
            )
        ]
    )
    province_id = _ids([province_key])[province_key]
    rows = []
    for i, d in enumerate(districts):
        name, symbol = district_committee(d.name)
        rows.append(
            (
                f"lc2018:{d.code}",
                {
                    "code": d.code,
                    "name": name,
                    "kind": Unit.Kind.DISTRICT,
                    "division_type": d.division_type,
                    "symbol": symbol,
                    "place": _place(d.name),
                    "parent_id": province_id,
                    # After the provincial agencies the demo puts first.
                    "position": 100 + i,
                    "active_from": None,
                    "active_to": LAST_DAY_BEFORE_REFORM,
                },
            )
        )
    result += _sync(rows)
    parents = _ids(f"lc2018:{d.code}" for d in districts)
    result += _sync(
        [
            (
                f"lc2018:{c.code}",
                {
                    "code": c.code,
                    "name": c.name,
                    "kind": Unit.Kind.COMMUNE,
                    "division_type": c.division_type,
                    "symbol": "",
                    "place": "",
                    "parent_id": parents[f"lc2018:{c.parent_code}"],
                    "position": i,
                    "active_from": None,
                    "active_to": LAST_DAY_BEFORE_REFORM,
                },
            )
            for i, c in enumerate(communes)
        ]
    )
    result.lineage_created = _link_lineage()
    return result
