"""History that follows the merges at national scale (issue 13).

The data: the tuyên vận bench's (bench/bench_tuyenvan.py: 3,321 communes, 12
months of 2018 scored) and, from bench/generate.py ``generate_lineage``, 9,963
former communes merged into them on 01/07/2025 (``UnitLineage``), each with 12
monthly results of 2017.

Measured in interleaved rounds (median of ``--heavy-runs``, default 9), beside
the tuyên vận bench's floor (``FLOOR_SQL``: one hand-written GROUP BY over the
month's 184,000 score rows, nothing written):

- the ranking as the tuyên vận bench measures it (recompute the month, rank
  the country's communes), and the same with each row's predecessors' results
  of the same month a year before (``results.with_predecessors``);
- the month ranking of the largest province, alone and with its predecessors'
  history;
- ``permissions.reach`` of a province coordinator, which walks the lineage in
  the same query (``units.models.subtree_and_history_ids``).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from datetime import date
from typing import Any

from bench.bench_tuyenvan import FLOOR_SQL, MONTH, _rounds
from bench.core import Context, Report, benchmark, count_queries, load_average, markdown_table

HISTORY = date(MONTH.year - 1, MONTH.month, 1)


@benchmark("reform", "a province's month ranking with its predecessors' history vs the SQL floor")
def bench_reform(ctx: Context) -> Report:
    from django.contrib.auth.models import User
    from django.db import connection

    from bench.bench_plans import province_codes
    from theodoi import permissions
    from theodoi.tuyenvan import results, scoring
    from theodoi.units.models import Membership, Unit, UnitLineage

    rounds = max(9, ctx.options.get("heavy_runs", 9))
    country = Unit.objects.get(key="bench:vn")
    province = Unit.objects.get(key=f"vn2025:{ctx.province or province_codes()[0]}")
    period = results.month_period(MONTH)
    history = results.month_period(HISTORY)
    agency = province.children.filter(kind=Unit.Kind.PARTY_AGENCY).order_by("position").first()
    coordinator, _created = User.objects.get_or_create(username="bench-reform-coordinator")
    Membership.objects.get_or_create(
        user=coordinator, unit=agency, role=Membership.Role.COORDINATOR
    )

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [MONTH])
            cursor.fetchall()

    def reach() -> None:
        for key in ("_theodoi_reach", "_theodoi_subtrees", "_theodoi_memberships"):
            coordinator.__dict__.pop(key, None)
        permissions.history_reach(coordinator, Membership.Role.COORDINATOR)

    steps: dict[str, Callable[[], Any]] = {
        "floor": floor,
        "ranking": lambda: (
            scoring.compute_month(country, MONTH),
            results.rank_communes(country, period),
        ),
        "ranking_history": lambda: (
            scoring.compute_month(country, MONTH),
            results.with_predecessors(results.rank_communes(country, period), history),
        ),
        "province": lambda: results.rank_communes(province, period),
        "province_history": lambda: results.with_predecessors(
            results.rank_communes(province, period), history
        ),
        "reach": reach,
    }
    labels = {
        "floor": ("Floor: one hand-written SQL aggregate", "`FLOOR_SQL` (bench/bench_tuyenvan.py)"),
        "ranking": (
            "The ranking: recompute + national ranking (as the tuyên vận bench)",
            "`compute_month(country)` + `rank_communes(country)`",
        ),
        "ranking_history": (
            "The same, each row with its predecessors' 2017-06 results",
            "… + `with_predecessors(rows, 2017-06)`",
        ),
        "province": (
            f"Month ranking of {province.name}",
            "`rank_communes(province, 2018-06)`",
        ),
        "province_history": (
            f"Month ranking of {province.name} with its predecessors' history",
            "`with_predecessors(rank_communes(province), 2017-06)`",
        ),
        "reach": (
            f"Reach of a coordinator of {province.name} with the lineage",
            "`permissions.history_reach(user)` (one query)",
        ),
    }
    scoring.compute_month(country, MONTH)
    queries = {name: count_queries(step) for name, step in steps.items()}
    ranked = results.with_predecessors(results.rank_communes(province, period), history)
    earlier = sum(len(r.extra["earlier"]) for r in ranked)
    load_before = load_average()
    samples = _rounds(steps, rounds, lambda: None)
    load_after = load_average()
    floor_ms = statistics.median(samples["floor"])
    rows = []
    for name, values in samples.items():
        median = statistics.median(values)
        rows.append(
            [
                *labels[name],
                queries[name],
                round(median, 1),
                round(min(values), 1),
                round(max(values), 1),
                f"{median / floor_ms:.2f}×",
            ]
        )
    per_round = sorted(
        r / f for r, f in zip(samples["ranking_history"], samples["floor"], strict=True)
    )
    table = markdown_table(
        ["What", "Call", "Queries", "Median ms", "Min ms", "Max ms", "× floor"], rows, "llrrrrr"
    )
    former = Unit.objects.filter(key__startswith="bench:old:", kind=Unit.Kind.COMMUNE).count()
    notes = [
        f"{country.children.count()} provinces, "
        f"{Unit.objects.filter(kind=Unit.Kind.COMMUNE, key__startswith='vn2025:').count():,} "
        f"communes, {former:,} former communes, "
        f"{UnitLineage.objects.filter(effective=date(2025, 7, 1)).count():,} lineage links; "
        f"{province.name}: {len(ranked)} communes ranked, {earlier} predecessors' results "
        "beside them.",
        f"{rounds} interleaved rounds; load average (1/5/15 min) {load_before} before and "
        f"{load_after} after; the ranking with history over the floor round by round: "
        f"median {statistics.median(per_round):.2f}×, range "
        f"{per_round[0]:.2f}–{per_round[-1]:.2f}×.",
    ]
    return Report("reform", "Reform: rankings with the predecessors' history", table, notes)
