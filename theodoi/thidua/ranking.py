"""Composite thi đua rankings: entities, normalisation, weights, ties, drafts and finals.

Stated rules (shown with every ranking):

- **Components.** Each component gives every entity a raw value, normalised to
  0–100 by its stated rule (``components.py``).
- **Score.** The weighted mean of the entity's normalised components:
  Σ weight × value / Σ weight, over the components the entity has a value for
  (a component with nothing to count for it is left out and the weights are
  rescaled); two decimals, halves rounded up. An entity with no component at
  all is listed as not ranked.
- **Ties.** Equal scores are broken by the components in order of weight,
  largest first (then in the order they are listed): the higher normalised value
  ranks first, a missing value lowest. Entities still equal share the rank
  (1, 2, 2, 4) and are listed by name.
- **Draft and final.** While the year is open the ranking is a draft ("tạm
  tính"), computed from the data as it is now with the year's weights; closing
  the year stores it (``Snapshot``) and the stored ranking is the final one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.core import clock
from theodoi.plans.models import Plan
from theodoi.units.models import Unit

from . import components
from .components import HUNDRED, MINMAX, NORMALISATION_RULES, Context, Raw, q2
from .models import Cluster, EmulationYear, Level, Snapshot, WeightSet

AGENCY_KINDS = (
    Unit.Kind.PARTY_AGENCY,
    Unit.Kind.PARTY_COMMITTEE,
    Unit.Kind.STATE_AGENCY,
    Unit.Kind.MASS_ORGANISATION,
    Unit.Kind.DEPARTMENT,
    Unit.Kind.OTHER,  # the province's newspaper, radio and television, political school
)

# Default weights (points out of 100) while a province has set none for a year.
DEFAULT_WEIGHTS: dict[str, dict[str, int]] = {
    Level.AGENCY: {
        "report_completeness": 20,
        "report_timeliness": 20,
        "work_on_time": 40,
        "findings_closed": 20,
    },
    Level.DISTRICT: {
        "report_completeness": 15,
        "report_timeliness": 15,
        "work_on_time": 25,
        "tuyenvan": 30,
        "findings_closed": 15,
    },
    Level.CLUSTER: {
        "report_completeness": 15,
        "report_timeliness": 15,
        "work_on_time": 30,
        "tuyenvan": 25,
        "findings_closed": 15,
    },
}

SCORE_RULE = gettext_lazy(
    "Score: Σ weight × normalised value / Σ weight over the components the unit has a "
    "value for (a component with nothing to count is left out and the weights are "
    "rescaled); two decimals, halves rounded up. A unit with no component is not ranked."
)
TIE_RULE = gettext_lazy(
    "Ties: equal scores are broken by the components in order of weight, largest first; "
    "the higher normalised value ranks first, a missing value lowest. Units still equal "
    "share the rank (1, 2, 2, 4) and are listed by name."
)

_PERIOD = re.compile(r"^(\d{4})(?:-H([12]))?$")


@dataclass(frozen=True)
class Period:
    key: str
    year: int
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.key.endswith("-H1"):
            return _("First 6 months of %(year)s") % {"year": self.year}
        if self.key.endswith("-H2"):
            return _("Last 6 months of %(year)s") % {"year": self.year}
        return _("Year %(year)s") % {"year": self.year}


def parse_period(text: str | None) -> Period:
    """'2018-H1', '2018-H2' or '2018'; ValueError otherwise."""
    found = _PERIOD.match(text or "")
    if not found or not 1900 <= int(found[1]) <= 2200:
        raise ValueError(text)
    year = int(found[1])
    if found[2] == "1":
        return Period(f"{year}-H1", year, date(year, 1, 1), date(year, 6, 30))
    if found[2] == "2":
        return Period(f"{year}-H2", year, date(year, 7, 1), date(year, 12, 31))
    return Period(str(year), year, date(year, 1, 1), date(year, 12, 31))


def periods_of(year: int) -> list[Period]:
    return [parse_period(f"{year}-H1"), parse_period(f"{year}-H2"), parse_period(str(year))]


def period_choices(province: Unit) -> list[Period]:
    """The periods of every year the province has a plan or weights for, latest first."""
    years = set(Plan.objects.filter(issuer=province).values_list("year", flat=True))
    years |= set(WeightSet.objects.filter(province=province).values_list("year", flat=True))
    years.add(clock.today().year)
    return [p for y in sorted(years, reverse=True) for p in periods_of(y)]


# Weights -----------------------------------------------------------------------------


def weights_for(province: Unit, year: int, level: str) -> tuple[dict[str, int], WeightSet | None]:
    """The weights in force for a level and year: the year's set, or the defaults."""
    found = WeightSet.objects.filter(province=province, year=year, level=level).first()
    if found is not None:
        return dict(found.weights), found
    return dict(DEFAULT_WEIGHTS[level]), None


def tie_order(weights: dict[str, int], keys: list[str]) -> list[str]:
    """Component keys by weight, largest first, then in the listed order."""
    position = {k: n for n, k in enumerate(keys)}
    return sorted(keys, key=lambda k: (-weights.get(k, 0), position[k]))


# Entities ------------------------------------------------------------------------------


@dataclass
class Entity:
    key: int  # unit id, or cluster id at the cluster level
    name: str
    members: frozenset[int]
    members_names: list[str] = field(default_factory=list)
    group: str = ""  # clusters: the kind of their members, ranked apart
    structure: str = ""  # "until 30/06/2025" when a reform cuts the period


def entities(provinces: list[Unit], level: str, period: Period) -> list[tuple[int, Entity]]:
    """(province id, entity) of the level for the provinces, in display order."""
    ids = [p.pk for p in provinces]
    if level == Level.CLUSTER:
        clusters = (
            Cluster.objects.filter(province_id__in=ids)
            .filter(Q(year_from__isnull=True) | Q(year_from__lte=period.year))
            .filter(Q(year_to__isnull=True) | Q(year_to__gte=period.year))
            .prefetch_related("members")
        )
        return [
            (
                c.province_id,
                Entity(
                    c.pk,
                    c.name,
                    frozenset(m.pk for m in c.members.all()),
                    sorted(m.name for m in c.members.all()),
                    c.members_kind,
                ),
            )
            for c in sorted(clusters, key=lambda c: c.members_kind)
        ]
    kinds = (Unit.Kind.DISTRICT,) if level == Level.DISTRICT else AGENCY_KINDS
    units = (
        Unit.objects.filter(parent_id__in=ids, kind__in=kinds)
        .active_between(period.start, period.end)
        .order_by("position", "name")
    )
    return [
        (
            u.parent_id,
            Entity(
                u.pk,
                u.name,
                frozenset({u.pk}),
                structure=u.structure_within(period.start, period.end),
            ),
        )
        for u in units
    ]


# The ranking ------------------------------------------------------------------------------


@dataclass
class Line:
    """One component of one entity: raw, normalised, weight, contribution, link."""

    key: str
    raw: str | None = None
    numerator: int | None = None
    denominator: int | None = None
    value: str | None = None
    weight: int = 0
    link: str = ""


@dataclass
class Row:
    key: int
    name: str
    score: str | None
    rank: int | None
    lines: list[Line]
    members: list[str] = field(default_factory=list)
    group: str = ""
    # Which structure the row belongs to when a reform cuts the period (a body
    # merged on 01/07/2025 ranks "until 30/06/2025", its successor "from …").
    structure: str = ""

    def line(self, key: str) -> Line | None:
        return next((x for x in self.lines if x.key == key), None)


@dataclass
class ComponentInfo:
    key: str
    label: str
    rule: str
    normalisation: str
    weight: int


@dataclass
class Ranking:
    province_id: int
    period: str
    level: str
    final: bool
    weights: dict[str, int]
    weights_set: bool
    components: list[ComponentInfo]
    rows: list[Row]
    score_rule: str
    tie_rule: str
    computed_on: str
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Ranking:
        values = dict(data)
        values["components"] = [ComponentInfo(**c) for c in data["components"]]
        values["rows"] = [
            Row(**{**r, "lines": [Line(**x) for x in r["lines"]]}) for r in data["rows"]
        ]
        return cls(**values)

    @property
    def ranked(self) -> list[Row]:
        return [r for r in self.rows if r.rank is not None]

    @property
    def unranked(self) -> list[Row]:
        return [r for r in self.rows if r.rank is None]

    def row(self, key: int) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)


def normalise(raws: dict[Any, Raw], rule: str) -> dict[Any, Decimal]:
    """Each entity's value on 0–100 by the component's rule."""
    if rule != MINMAX:
        return {k: q2(min(max(r.value, Decimal(0)), HUNDRED)) for k, r in raws.items()}
    if not raws:
        return {}
    low = min(r.value for r in raws.values())
    high = max(r.value for r in raws.values())
    if high == low:
        return dict.fromkeys(raws, HUNDRED.quantize(Decimal("0.01")))
    return {k: q2(HUNDRED * (r.value - low) / (high - low)) for k, r in raws.items()}


def score(values: dict[str, Decimal], weights: dict[str, int]) -> Decimal | None:
    """Σ weight × value / Σ weight over the components with a value and a weight."""
    used = [(weights.get(k, 0), v) for k, v in values.items() if weights.get(k, 0) > 0]
    total = sum(w for w, _v in used)
    if not total:
        return None
    return q2(sum(w * v for w, v in used) / Decimal(total))


def assign_ranks(rows: list[Row], order: list[str]) -> list[Row]:
    """Sort by score, then the tie-break components in ``order``; equal rows share a rank."""

    def key(row: Row) -> tuple[Any, ...]:
        values = []
        for k in order:
            line = row.line(k)
            values.append(-Decimal(line.value) if line and line.value is not None else 1)
        return (-Decimal(row.score), *values)

    ranked = sorted((r for r in rows if r.score is not None), key=lambda r: (key(r), r.name))
    previous: tuple[Any, ...] | None = None
    for position, row in enumerate(ranked, start=1):
        current = key(row)
        row.rank = position if current != previous else ranked[position - 2].rank
        previous = current
    unranked = sorted((r for r in rows if r.score is None), key=lambda r: r.name)
    for row in unranked:
        row.rank = None
    return ranked + unranked


def _rank_part(
    ctx: Context,
    group: str,
    part: list[Entity],
    used: list[Any],
    raws: dict[str, dict[Any, Raw]],
    weights: dict[str, int],
) -> list[Row]:
    """Normalisation, scores and ranks of entities ranked together."""
    keys = {e.key for e in part}
    normalised = {
        c.key: normalise({k: raws[c.key][k] for k in keys if k in raws[c.key]}, c.normalise)
        for c in used
    }
    rows = []
    for entity in part:
        lines = []
        values: dict[str, Decimal] = {}
        for component in used:
            raw = raws[component.key].get(entity.key)
            value = normalised[component.key].get(entity.key)
            if value is not None:
                values[component.key] = value
            lines.append(
                Line(
                    key=component.key,
                    raw=str(raw.value) if raw else None,
                    numerator=raw.numerator if raw else None,
                    denominator=raw.denominator if raw else None,
                    value=str(value) if value is not None else None,
                    weight=weights.get(component.key, 0),
                    link=component.link(ctx, entity.members),
                )
            )
        total = score(values, weights)
        rows.append(
            Row(
                key=entity.key,
                name=entity.name,
                score=str(total) if total is not None else None,
                rank=None,
                lines=lines,
                members=entity.members_names,
                group=group,
                structure=entity.structure,
            )
        )
    return assign_ranks(rows, tie_order(weights, [c.key for c in used]))


def compute(
    province: Unit,
    period: Period,
    level: str,
    *,
    weights: dict[str, int] | None = None,
    today: date | None = None,
) -> Ranking:
    """The ranking as the data stands (a draft), with the year's weights unless given."""
    return compute_many([province], period, level, weights=weights, today=today)[province.pk]


def compute_many(
    provinces: list[Unit],
    period: Period,
    level: str,
    *,
    weights: dict[str, int] | None = None,
    today: date | None = None,
) -> dict[int, Ranking]:
    """Each province's ranking, computed in one pass: every component reads the
    data of all the provinces' entities at once; each province is normalised and
    ranked on its own with its own weights."""
    today = today or clock.today()
    ids = [p.pk for p in provinces]
    sets = {
        w.province_id: w
        for w in WeightSet.objects.filter(province_id__in=ids, year=period.year, level=level)
    }
    weights_of = {
        pk: dict(weights)
        if weights is not None
        else dict(sets[pk].weights)
        if pk in sets
        else dict(DEFAULT_WEIGHTS[level])
        for pk in ids
    }
    plans: dict[int, list[int]] = {pk: [] for pk in ids}
    rows = (
        Plan.objects.filter(Q(issuer_id__in=ids) | Q(owner__parent_id__in=ids), year=period.year)
        .values_list("pk", "issuer_id", "owner__parent_id")
        .order_by("pk")
        .distinct()
    )
    for plan_id, issuer_id, owner_parent_id in rows:
        province_id = issuer_id if issuer_id in plans else owner_parent_id
        if plan_id not in plans[province_id]:
            plans[province_id].append(plan_id)
    ctx = Context(
        province=None,
        start=period.start,
        end=period.end,
        today=today,
        plan_ids=sorted({p for mine in plans.values() for p in mine}),
        period_key=period.key,
        plans_by_province=plans,
    )
    registered = components.for_level(level)
    used_by = {pk: [c for c in registered if weights_of[pk].get(c.key, 0) > 0] for pk in ids}
    used = [c for c in registered if any(c in mine for mine in used_by.values())]
    found = entities(provinces, level, period)
    groups = {e.key: e.members for _pk, e in found}
    raws = {c.key: c.raw(ctx, groups) for c in used}
    # Clusters of agencies and clusters of district committees are ranked apart.
    parts: dict[tuple[int, str], list[Entity]] = {}
    for province_id, entity in found:
        parts.setdefault((province_id, entity.group), []).append(entity)
    by_id = {p.pk: p for p in provinces}
    rows_of: dict[int, list[Row]] = {pk: [] for pk in ids}
    for (province_id, group), part in parts.items():
        ctx.province = by_id[province_id]
        rows_of[province_id] += _rank_part(
            ctx, group, part, used_by[province_id], raws, weights_of[province_id]
        )
    out = {}
    for pk in ids:
        mine = used_by[pk]
        weight_set = sets.get(pk) if weights is None else None
        out[pk] = Ranking(
            province_id=pk,
            period=period.key,
            level=level,
            final=False,
            weights={c.key: weights_of[pk].get(c.key, 0) for c in mine},
            weights_set=weight_set is not None,
            components=[
                ComponentInfo(
                    key=c.key,
                    label=str(c.label),
                    rule=str(c.rule),
                    normalisation=str(NORMALISATION_RULES[c.normalise]),
                    weight=weights_of[pk].get(c.key, 0),
                )
                for c in mine
            ],
            rows=rows_of[pk],
            score_rule=str(SCORE_RULE),
            tie_rule=str(TIE_RULE),
            computed_on=today.isoformat(),
            note=weight_set.note if weight_set else "",
        )
    return out


def ranking(province: Unit, period: Period, level: str) -> Ranking:
    """The ranking in force: the stored final one when the year is closed, else a draft."""
    year = EmulationYear.objects.filter(province=province, year=period.year).first()
    if year is not None and year.is_closed:
        snapshot = (
            Snapshot.objects.filter(
                emulation_year=year,
                period=period.key,
                level=level,
                superseded_at__isnull=True,
            )
            .order_by("-taken_at")
            .first()
        )
        if snapshot is not None:
            return Ranking.from_json(snapshot.data)
    return compute(province, period, level)
