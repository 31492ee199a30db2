"""Rankings and summaries over stored monthly results (aggregated in the database).

Stated rules:

- **Period score.** A commune's score for a month is its month's total; for a
  quarter or a year, the mean of its monthly totals in the period (months
  without a total, i.e. without the district's sheet, do not count).
- **District score.** The mean of its communes' monthly totals in the period.
  Without a district tier (from 1/7/2025) the same rule groups the province's
  communes by its **clusters** (cụm xã in force at the period's end), or, as a
  reporting view, by their **former district**: the 2018 district of most of
  the commune's predecessors (lineage); a commune with none on record is in no
  group. Each group's score is the mean of its communes' own monthly totals:
  nothing earned before the reform is counted in a 2025 commune's score.
- **Not eligible.** A month "not eligible for classification" (no conference)
  is not ranked and does not count in a period's mean.
- **Ties.** Equal scores (to 0.01) share a rank (1, 2, 2, 4); within a tie the
  list is ordered by fewer deductions, then by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, QuerySet, Sum
from django.utils.translation import gettext as _

from theodoi.units.models import Unit

from .models import CriteriaSet, MonthlyResult, month_key

_PERIOD = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?$")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # first day of the last month
    key: str

    @property
    def months(self) -> list[date]:
        out, m = [], self.start
        while m <= self.end:
            out.append(m)
            m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
        return out

    @property
    def label(self) -> str:
        if "Q" in self.key:
            return _("Quarter %(q)s/%(year)s") % {"q": self.key[-1], "year": self.start.year}
        if len(self.key) == 4:
            return _("Year %(year)s") % {"year": self.key}
        return _("Month %(month)s/%(year)s") % {"month": self.start.month, "year": self.start.year}

    @property
    def is_month(self) -> bool:
        return self.start == self.end


def parse_period(text: str) -> Period:
    """'2018-03', '2018-Q2' or '2018'; ValueError otherwise."""
    found = _PERIOD.match(text or "")
    if not found:
        raise ValueError(text)
    year, month, quarter = found.groups()
    y = int(year)
    if month:
        start = end = date(y, int(month), 1)
    elif quarter:
        q = int(quarter)
        start, end = date(y, 3 * q - 2, 1), date(y, 3 * q, 1)
    else:
        start, end = date(y, 1, 1), date(y, 12, 1)
    return Period(start, end, text)


def month_period(month: date) -> Period:
    return Period(month, month, month_key(month))


@dataclass
class Ranked:
    unit_id: int
    name: str
    score: Decimal
    deductions: int
    months: int
    rank: int = 0
    band: str = ""
    band_label: str = ""
    parent_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def results_within(within: Unit, period: Period) -> QuerySet[MonthlyResult]:
    """Stored results of the communes under ``within`` for the period's months."""
    found = MonthlyResult.objects.filter(month__gte=period.start, month__lte=period.end)
    if within.kind == Unit.Kind.COMMUNE:
        return found.filter(commune=within)
    if within.kind == Unit.Kind.DISTRICT:
        return found.filter(district=within)
    if within.kind == Unit.Kind.PROVINCE:
        return found.filter(province=within)
    return found.filter(province__parent=within)


def _rank(rows: list[Ranked]) -> list[Ranked]:
    rows.sort(key=lambda r: (-r.score, r.deductions, r.name))
    previous: Decimal | None = None
    for position, row in enumerate(rows, start=1):
        if row.score != previous:
            row.rank = position
            previous = row.score
        else:
            row.rank = rows[position - 2].rank
    return rows


def _criteria_set(within: Unit, period: Period) -> CriteriaSet | None:
    province = within
    while province.kind != Unit.Kind.PROVINCE and province.parent_id:
        province = province.parent
    return CriteriaSet.objects.in_force(province, period.end)


def rank_communes(within: Unit, period: Period) -> list[Ranked]:
    """Communes under ``within`` by their period score (one aggregate query)."""
    rows = (
        results_within(within, period)
        .filter(total__isnull=False, eligible=True)
        .values("commune_id", "commune__name", "district__name", "district__kind")
        .annotate(score=Avg("total"), ded=Sum("deductions"), n=Count("pk"))
        .order_by()
    )
    rows = list(rows)
    # A commune directly under the province (after 2025) is shown with its cluster
    # of communes, or "directly under the province", never the province as a district.
    under_province = any(r["district__kind"] == Unit.Kind.PROVINCE for r in rows)
    clusters = cluster_groups(within, period) if under_province else {}
    ranked = [
        Ranked(
            unit_id=r["commune_id"],
            name=r["commune__name"],
            score=Decimal(str(r["score"])).quantize(Decimal("0.01")),
            deductions=r["ded"] or 0,
            months=r["n"],
            parent_name=(
                clusters.get(r["commune_id"], (0, str(_("directly under the province"))))[1]
                if r["district__kind"] == Unit.Kind.PROVINCE
                else r["district__name"]
            ),
        )
        for r in rows
    ]
    _bands(ranked, within, period, by_commune=True)
    return _rank(ranked)


def rank_districts(within: Unit, period: Period) -> list[Ranked]:
    """Districts under ``within`` by the mean of their communes' monthly totals."""
    rows = (
        results_within(within, period)
        .filter(total__isnull=False, eligible=True)
        .values("district_id", "district__name")
        .annotate(score=Avg("total"), ded=Sum("deductions"), n=Count("commune_id", distinct=True))
        .order_by()
    )
    ranked = [
        Ranked(
            unit_id=r["district_id"],
            name=r["district__name"],
            score=Decimal(str(r["score"])).quantize(Decimal("0.01")),
            deductions=r["ded"] or 0,
            months=r["n"],
        )
        for r in rows
    ]
    _bands(ranked, within, period, by_commune=False)
    return _rank(ranked)


def _bands(rows: list[Ranked], within: Unit, period: Period, *, by_commune: bool) -> None:
    """A month's commune keeps its stored band (eligibility included); other
    scores are banded by the set in force at the period's end."""
    if by_commune and period.is_month:
        stored = {
            commune_id: (band, label)
            for commune_id, band, label in results_within(within, period)
            .values_list("commune_id", "band", "band_label")
            .order_by()
        }
        for row in rows:
            row.band, row.band_label = stored.get(row.unit_id, ("", ""))
        return
    criteria_set = _criteria_set(within, period)
    if criteria_set is None:
        return
    for row in rows:
        row.band, row.band_label = criteria_set.band_for(row.score)


def band_distribution(within: Unit, month: date) -> list[tuple[str, int]]:
    """(band, number of communes), best band first, then the unclassified."""
    rows = (
        results_within(within, month_period(month))
        .values("band", "band_label")
        .annotate(n=Count("pk"))
        .order_by()
    )
    criteria_set = _criteria_set(within, month_period(month))
    order = {b["code"]: -float(b["min"]) for b in (criteria_set.bands if criteria_set else [])}
    ranked = sorted(rows, key=lambda r: (r["band"] == "", order.get(r["band"], 1e9)))
    return [(r["band_label"] or _("Not classified yet"), r["n"]) for r in ranked]


def most_improved(within: Unit, month: date, limit: int = 10) -> list[tuple[str, Decimal]]:
    previous = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    before = dict(
        results_within(within, month_period(previous))
        .filter(total__isnull=False)
        .values_list("commune_id", "total")
    )
    now = results_within(within, month_period(month)).filter(total__isnull=False)
    deltas = [
        (name, total - before[pk])
        for pk, name, total in now.values_list("commune_id", "commune__name", "total")
        if pk in before
    ]
    deltas.sort(key=lambda d: (-d[1], d[0]))
    return [d for d in deltas[:limit] if d[1] > 0]


def attention(within: Unit, month: date) -> list[MonthlyResult]:
    """Results with open discrepancies or missing sources."""
    found = results_within(within, month_period(month)).select_related("commune", "district")
    return [r for r in found if r.open_flags or r.missing_sources]


def trend(commune: Unit, year: int) -> list[MonthlyResult]:
    return list(MonthlyResult.objects.filter(commune=commune, month__year=year).order_by("month"))


# ---------------------------------------------------------------------------
# Groupings without a district tier: clusters of communes, former districts

LEVELS = ("commune", "district", "cluster", "former_district")


def _communes_of(within: Unit, period: Period) -> QuerySet[Unit]:
    return Unit.objects.filter(
        kind=Unit.Kind.COMMUNE, pk__in=results_within(within, period).values("commune_id")
    )


def cluster_groups(within: Unit, period: Period) -> dict[int, tuple[int, str]]:
    """Commune → (cluster, its name) for the clusters in force at the period's end."""
    from .models import CommuneCluster

    links = CommuneCluster.communes.through.objects.filter(
        unit__in=_communes_of(within, period),
        communecluster__in=CommuneCluster.objects.active_on(period.end),
    ).values_list("unit_id", "communecluster_id", "communecluster__name")
    return {commune: (cluster, name) for commune, cluster, name in links}


def former_districts(commune_ids: Any) -> dict[int, Unit]:
    """Commune → its former district: the district of most of its predecessors
    (lineage), ties to the first by name; communes without one are left out."""
    from collections import Counter, defaultdict

    from theodoi.units.models import UnitLineage

    votes: dict[int, Counter[int]] = defaultdict(Counter)
    districts: dict[int, Unit] = {}
    for link in UnitLineage.objects.filter(
        successor_id__in=commune_ids, predecessor__parent__kind=Unit.Kind.DISTRICT
    ).select_related("predecessor__parent"):
        district = link.predecessor.parent
        votes[link.successor_id][district.pk] += 1
        districts[district.pk] = district
    return {
        commune: districts[
            min(counter, key=lambda pk: (-counter[pk], districts[pk].name))
        ]
        for commune, counter in votes.items()
    }


def former_district_groups(within: Unit, period: Period) -> dict[int, tuple[int, str]]:
    """Commune → (former district, its name) as a reporting view."""
    found = former_districts(_communes_of(within, period).values("pk"))
    return {
        commune: (d.pk, _("%(district)s (until 30/06/2025)") % {"district": d.name})
        for commune, d in found.items()
    }


def rank_groups(within: Unit, period: Period, groups: dict[int, tuple[int, str]]) -> list[Ranked]:
    """Groups of communes by the mean of their communes' monthly totals (the district rule)."""
    sums: dict[int, list[Any]] = {}
    names: dict[int, str] = {}
    for commune_id, total, deductions in (
        results_within(within, period)
        .filter(total__isnull=False, eligible=True, commune_id__in=list(groups))
        .values_list("commune_id", "total", "deductions")
    ):
        group, name = groups[commune_id]
        names[group] = name
        entry = sums.setdefault(group, [Decimal(0), 0, 0, set()])
        entry[0] += total
        entry[1] += 1
        entry[2] += deductions
        entry[3].add(commune_id)
    ranked = [
        Ranked(
            unit_id=group,
            name=names[group],
            score=(total / n).quantize(Decimal("0.01")),
            deductions=deductions,
            months=len(communes),
        )
        for group, (total, n, deductions, communes) in sums.items()
    ]
    _bands(ranked, within, period, by_commune=False)
    return _rank(ranked)


def levels_for(within: Unit, period: Period) -> list[str]:
    """The ranking levels that mean something for the scope and period: districts
    while there are any, clusters where the province has them, former districts
    where its communes have predecessors in one. One query."""
    from django.db.models import Exists

    from .models import CommuneCluster

    if within.kind == Unit.Kind.COMMUNE:
        return ["commune"]
    if within.kind != Unit.Kind.PROVINCE:
        return ["commune", "district"]
    found = results_within(within, period)
    has = (
        Unit.objects.filter(pk=within.pk)
        .annotate(
            district=Exists(found.filter(district__kind=Unit.Kind.DISTRICT)),
            cluster=Exists(CommuneCluster.objects.active_on(period.end).filter(province=within)),
            former_district=Exists(
                found.filter(
                    commune__predecessor_links__predecessor__parent__kind=Unit.Kind.DISTRICT
                )
            ),
        )
        .values("district", "cluster", "former_district")
        .get()
    )
    groupings = ("district", "cluster", "former_district")
    return ["commune", *(level for level in groupings if has[level])]


def rank(
    within: Unit, period: Period, level: str, levels: list[str] | None = None
) -> tuple[str, list[Ranked]]:
    """(the level ranked, its rows). ``district`` asked where there is no district
    tier is answered by the province's grouping after 2025: its clusters.
    ``levels``: ``levels_for(within, period)`` when the caller has it already."""
    available = levels_for(within, period) if levels is None else levels
    if level == "district" and "district" not in available and "cluster" in available:
        level = "cluster"
    if level == "district":
        return level, rank_districts(within, period)
    if level == "cluster":
        return level, rank_groups(within, period, cluster_groups(within, period))
    if level == "former_district":
        return level, rank_groups(within, period, former_district_groups(within, period))
    return "commune", rank_communes(within, period)
# begin reform: history that follows the merges, beside a ranking ------------------------


@dataclass
class Earlier:
    """A result earned by a unit a ranked commune came from, under its own name."""

    commune_id: int
    name: str
    month: date
    total: Decimal | None
    band_label: str


def with_predecessors(ranked: list[Ranked], history: Period) -> list[Ranked]:
    """Give each ranked commune the results its predecessors earned in ``history``
    (``row.extra["earlier"]``: ``Earlier`` rows, by name then month), in one query.

    History is never re-attributed: each result keeps the name of the commune
    that earned it, and no combined figure is made of them (the communes that
    merged were scored on their own, against their own criteria sets). Only
    direct predecessors (one reform back) are read.
    """
    by_id = {row.unit_id: row for row in ranked}
    for row in ranked:
        row.extra["earlier"] = []
    if not by_id:
        return ranked
    found = (
        MonthlyResult.objects.filter(
            commune__successor_links__successor_id__in=list(by_id),
            month__gte=history.start,
            month__lte=history.end,
        )
        .values_list(
            "commune__successor_links__successor_id",
            "commune_id",
            "commune__name",
            "month",
            "total",
            "band_label",
        )
        .order_by("commune__name", "commune_id", "month")
    )
    for successor_id, commune_id, name, month, total, band_label in found:
        by_id[successor_id].extra["earlier"].append(
            Earlier(commune_id, name, month, total, band_label)
        )
    return ranked


# end reform -------------------------------------------------------------------------------
