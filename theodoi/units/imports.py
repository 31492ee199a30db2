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
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import sources
from .models import Unit, UnitLineage, normalize_name

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
def import_vn2025(province_code: str | None = None) -> ImportResult:
    """Provinces and communes after the July 2025 reform (no commune lineage);
    ``province_code`` (e.g. "15") loads that province alone (the demo's 2026 era)."""
    provinces = sources.provinces_2025()
    if province_code is not None:
        provinces = [p for p in provinces if p.code == f"{int(province_code):02d}"]
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
            for i, c in enumerate(sources.communes_2025(province_code))
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


# Commune-level lineage ------------------------------------------------------------------

COMMUNE_BASIS = "Nghị quyết của UBTVQH về sắp xếp đơn vị hành chính cấp xã tỉnh Lào Cai năm 2025"
# Old spellings of the tone mark on "oa", "oe", "uy" (Hoà, Thuỷ) beside the new (Hòa, Thủy).
_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
_DISTRICT_PREFIXES = ("thành phố ", "thị xã ", "huyện ", "quận ")


def name_key(name: str) -> str:
    """A name as compared across sources: ``normalize_name`` (NFC, case, spacing), and
    the tone mark where the 2025 lists put it ("Vạn Hoà" = "Vạn Hòa")."""
    text = normalize_name(name)
    for old, new in _OLD_TONES.items():
        text = text.replace(old, new)
    return text


def _district_key(name: str) -> str:
    text = name_key(name)
    for prefix in _DISTRICT_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


@dataclass
class LineageResult:
    created: int = 0
    existing: int = 0
    # Rows of an old province with no pre-2025 units in theodoi (e.g. Yên Bái), by province.
    not_loaded: dict[str, int] = field(default_factory=dict)
    # Rows whose old or new commune matched no unit, or several: "old → new: why".
    unmatched: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"{self.created} commune lineage link(s) created", f"{self.existing} existing"]
        for province, count in self.not_loaded.items():
            parts.append(f"{count} row(s) of {province} skipped (no units before 2025 loaded)")
        if self.unmatched:
            parts.append(f"{len(self.unmatched)} row(s) not matched")
        return ", ".join(parts)


@transaction.atomic
def import_laocai_lineage(rows: list[dict[str, str]] | None = None) -> LineageResult:
    """Link the 2018 Lào Cai communes to the 2025 communes they became, by name.

    ``rows`` default to the data file (``sources.laocai_lineage()``). Both trees
    must be loaded. A name that matches no unit, or more than one, is reported in
    ``unmatched`` and nothing is guessed. Idempotent: existing links are kept.
    The event is "merged into" when the new commune has several predecessors,
    "split into" when the old one has several successors, "renamed to" when one
    became one under another name, and "transferred to" otherwise (the same
    commune, now directly under the province).
    """
    if rows is None:
        rows = sources.laocai_lineage()
    old_units: dict[tuple[str, str], list[Unit]] = {}
    for unit in Unit.objects.filter(
        key__startswith="lc2018:", kind=Unit.Kind.COMMUNE
    ).select_related("parent"):
        old_units.setdefault((name_key(unit.parent.place), name_key(unit.name)), []).append(unit)
    new_units: dict[str, list[Unit]] = {}
    for unit in Unit.objects.filter(
        key__startswith="vn2025:", parent__key=LAOCAI_2025_PROVINCE_KEY
    ):
        new_units.setdefault(name_key(unit.name), []).append(unit)
    result = LineageResult()
    if not new_units:
        raise ValueError("Load the 2025 structure first (theodoi import-units).")
    loaded_places = {place for place, _ in old_units}
    pairs: list[tuple[Unit, Unit]] = []
    for row in rows:
        district = _district_key(row["old_district"])
        where = f"{row['old_district']}, {row['old_province']}"
        label = f"{row['old_commune']} ({where}) → {row['new_commune']}"
        if district not in loaded_places:
            result.not_loaded[row["old_province"]] = (
                result.not_loaded.get(row["old_province"], 0) + 1
            )
            continue
        olds = old_units.get((district, name_key(row["old_commune"])), [])
        news = new_units.get(name_key(row["new_commune"]), [])
        if len(olds) != 1 or len(news) != 1:
            why = []
            if len(olds) != 1:
                why.append("old commune: " + ("none" if not olds else f"{len(olds)} units"))
            if len(news) != 1:
                why.append("new commune: " + ("none" if not news else f"{len(news)} units"))
            result.unmatched.append(f"{label}: {'; '.join(why)}")
            continue
        pairs.append((olds[0], news[0]))
    successors: dict[int, int] = {}
    predecessors: dict[int, int] = {}
    for old, new in pairs:
        successors[old.pk] = successors.get(old.pk, 0) + 1
        predecessors[new.pk] = predecessors.get(new.pk, 0) + 1
    existing = set(
        UnitLineage.objects.filter(
            predecessor_id__in=[o.pk for o, _ in pairs], successor_id__in=[n.pk for _, n in pairs]
        ).values_list("predecessor_id", "successor_id")
    )
    links = []
    for old, new in pairs:
        if (old.pk, new.pk) in existing:
            result.existing += 1
            continue
        if predecessors[new.pk] > 1:
            event = UnitLineage.Event.MERGED
        elif successors[old.pk] > 1:
            event = UnitLineage.Event.SPLIT
        elif name_key(old.name) != name_key(new.name):
            event = UnitLineage.Event.RENAMED
        else:
            event = UnitLineage.Event.TRANSFERRED
        links.append(
            UnitLineage(
                predecessor=old,
                successor=new,
                event=event,
                effective=REFORM_DAY,
                basis=COMMUNE_BASIS,
            )
        )
        existing.add((old.pk, new.pk))
    UnitLineage.objects.bulk_create(links)
    result.created = len(links)
    return result
