"""Tuyên vận at national scale (issue 4): a month's results, the rankings, the roster.

The data (bench/generate.py ``generate_tuyenvan``): 3,321 communes under 34
provinces under one "Cả nước" unit, a 25-criterion set per province, 12 months
of 2018 with the conference, the submissions and the submitted sheets of the
three sources (~184,000 score rows a month, ~2.2 million in all).

Measured, in interleaved rounds (each round runs every step once, so a busy
machine slows them alike), median of ``--heavy-runs`` rounds (default 9):

- **the floor**: one hand-written SQL aggregate over the month's score rows
  (``FLOOR_SQL``): per commune, the district's and the commune's sums and the
  largest spread between sources, one GROUP BY, nothing written;
- ``scoring.compute_month(country, month)``: the result rule for every
  commune, written to ``MonthlyResult`` — as a recompute of an unchanged month
  and with every row new;
- ``results.rank_communes`` / ``rank_districts``: the rankings read from the
  stored results, national and for the largest province.

Then ``roster.generate_roster`` for a 150-commune province (9 districts, 12
provincial officials, 2 per district, a quarter), built in a transaction that
is rolled back.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from bench.core import Context, Report, benchmark, count_queries, load_average, markdown_table

MONTH = date(2018, 6, 1)
FRESH = date(2018, 5, 1)

FLOOR_SQL = """
SELECT sh.commune_id,
       SUM(CASE WHEN sh.source = 'district' THEN s.points END),
       SUM(CASE WHEN sh.source = 'self' THEN s.points END),
       MAX(s.points) - MIN(s.points)
FROM tuyenvan_score s JOIN tuyenvan_scoresheet sh ON s.sheet_id = sh.id
WHERE sh.month = %s AND sh.state = 'submitted'
GROUP BY sh.commune_id
"""


def _rounds(
    steps: dict[str, Callable[[], Any]], rounds: int, before: Callable[[], None]
) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        before()
        for name, step in steps.items():
            began = time.perf_counter()
            step()
            samples[name].append((time.perf_counter() - began) * 1000)
    return samples


def roster_province(seed: int = 2018) -> Any:
    """A three-tier province of 150 communes in 9 districts (the sizes of the
    app's roster test), 12 provincial officials (9 following a district) and 2
    officials per district; keys ``bench:roster:…``. Call inside a transaction
    that is rolled back."""
    from django.contrib.auth.models import User

    from theodoi.tuyenvan.roster.models import OfficialProfile, RosterRound
    from theodoi.units.models import Membership, Unit

    rng = random.Random(seed)
    sizes = [17, 23, 16, 13, 21, 15, 18, 10, 18]
    province = Unit.objects.create(
        key="bench:roster", name="Tỉnh ủy Bench", kind=Unit.Kind.PROVINCE, position=99
    )
    btg = Unit.objects.create(
        key="bench:roster:btg",
        name="Ban Tuyên giáo Tỉnh ủy Bench",
        kind=Unit.Kind.PARTY_AGENCY,
        parent=province,
    )
    districts = Unit.objects.bulk_create(
        Unit(
            key=f"bench:roster:d{d}",
            name=f"Huyện ủy {d + 1}",
            kind=Unit.Kind.DISTRICT,
            parent=province,
            position=d,
        )
        for d in range(len(sizes))
    )
    Unit.objects.bulk_create(
        Unit(
            key=f"bench:roster:d{d}:c{c}",
            name=f"Xã {d + 1}-{c + 1}",
            kind=Unit.Kind.COMMUNE,
            parent=district,
            position=c,
        )
        for d, district in enumerate(districts)
        for c in range(sizes[d])
    )
    provincial = User.objects.bulk_create(
        User(username=f"bench.roster.p{i}", first_name="Cán bộ", last_name=f"Tỉnh {i + 1}")
        for i in range(12)
    )
    local = User.objects.bulk_create(
        User(username=f"bench.roster.d{d}.{i}", first_name="Cán bộ", last_name=f"Huyện {d}-{i}")
        for d in range(len(sizes))
        for i in range(2)
    )
    Membership.objects.bulk_create(
        [Membership(user=u, unit=btg, role=Membership.Role.OFFICIAL) for u in provincial]
        + [
            Membership(user=u, unit=districts[n // 2], role=Membership.Role.OFFICIAL)
            for n, u in enumerate(local)
        ]
    )
    followed = rng.sample(districts, 9)
    OfficialProfile.objects.bulk_create(
        OfficialProfile(user=u, follows_district=d)
        for u, d in zip(provincial, followed, strict=False)
    )
    return RosterRound.objects.create(
        province=province,
        period="quarter",
        start=date(2018, 7, 1),
        provincial_monthly_limit=5,
        district_monthly_limit=12,
    )


class _Rollback(Exception):
    pass


def bench_roster(runs: int) -> tuple[list[float], int, int, str, int]:
    """generate_roster timings (ms), queries, entries, status, communes."""
    from django.db import transaction

    from theodoi.tuyenvan.roster.roster import generate_roster, round_communes

    found: tuple[list[float], int, int, str, int] = ([], 0, 0, "", 0)
    try:
        with transaction.atomic():
            rnd = roster_province()
            communes = len(round_communes(rnd))
            result = generate_roster(rnd)
            assert result.ok, result.problems
            queries = count_queries(lambda: generate_roster(rnd))
            samples = []
            for _ in range(runs):
                began = time.perf_counter()
                result = generate_roster(rnd)
                samples.append((time.perf_counter() - began) * 1000)
            found = (samples, queries, len(result.entries), result.status, communes)
            raise _Rollback
    except _Rollback:
        pass
    return found


@benchmark("tuyenvan", "a month's results and rankings for the country vs a SQL floor; roster")
def bench_tuyenvan(ctx: Context) -> Report:
    from django.db import connection

    from bench.bench_plans import province_codes
    from theodoi.tuyenvan import results, scoring
    from theodoi.tuyenvan.models import CriteriaSet, MonthlyResult, Score
    from theodoi.units.models import Unit

    rounds = max(9, ctx.options.get("heavy_runs", 9))
    country = Unit.objects.get(key="bench:vn")
    province = Unit.objects.get(key=f"vn2025:{ctx.province or province_codes()[0]}")
    period = results.month_period(MONTH)
    set_ids = sorted(CriteriaSet.objects.published().values_list("pk", flat=True))

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [MONTH])
            cursor.fetchall()

    def forget() -> None:
        MonthlyResult.objects.filter(month=FRESH).delete()

    def ranking() -> None:
        scoring.compute_month(country, MONTH)
        results.rank_communes(country, period)

    steps: dict[str, Callable[[], Any]] = {
        "floor": floor,
        "aggregate": lambda: scoring._aggregate(set_ids, MONTH, country),
        "compute_fresh": lambda: scoring.compute_month(country, FRESH),
        "compute": lambda: scoring.compute_month(country, MONTH),
        "rank_national": lambda: results.rank_communes(country, period),
        "rank_provinces": lambda: results.rank_districts(country, period),
        "rank_province": lambda: results.rank_communes(province, period),
        "ranking": ranking,
    }
    labels = {
        "floor": ("Floor: one hand-written SQL aggregate", "`FLOOR_SQL` (bench/bench_tuyenvan.py)"),
        "aggregate": (
            "The rule's own SQL aggregate alone (part of compute_month)",
            "`scoring._aggregate(sets, 2018-06, country)`",
        ),
        "compute_fresh": (
            "Month's results, every row new",
            "`scoring.compute_month(country, 2018-05)`",
        ),
        "compute": (
            "Month's results, recomputed (unchanged)",
            "`scoring.compute_month(country, 2018-06)`",
        ),
        "rank_national": ("National commune ranking", "`results.rank_communes(country, 2018-06)`"),
        "rank_provinces": (
            "National ranking of provinces",
            "`results.rank_districts(country, 2018-06)`",
        ),
        "rank_province": (
            f"Commune ranking of {province.name}",
            "`results.rank_communes(province, 2018-06)`",
        ),
        "ranking": ("The ranking: recompute + national ranking", "both calls above"),
    }
    scoring.compute_month(country, MONTH)
    forget()
    queries = {}
    for name, step in steps.items():
        queries[name] = count_queries(step)
        if name == "compute_fresh":
            forget()
    rows_in_month = Score.objects.filter(sheet__month=MONTH).count()
    written = MonthlyResult.objects.filter(month=MONTH).count()
    load_before = load_average()
    samples = _rounds(steps, rounds, forget)
    load_after = load_average()
    floor_ms = statistics.median(samples["floor"])
    table_rows = []
    for name, values in samples.items():
        median = statistics.median(values)
        table_rows.append(
            [
                *labels[name],
                queries[name],
                round(median, 1),
                round(min(values), 1),
                round(max(values), 1),
                f"{median / floor_ms:.2f}×",
            ]
        )
    # The ratio round by round (each round's ranking over the same round's floor).
    per_round = sorted(r / f for r, f in zip(samples["ranking"], samples["floor"], strict=True))
    roster_runs = max(5, min(rounds, 9))
    roster_ms, roster_queries, entries, status, communes = bench_roster(roster_runs)
    table_rows.append(
        [
            f"Roster of a {communes}-commune province, a quarter",
            "`roster.roster.generate_roster(round)`",
            roster_queries,
            round(statistics.median(roster_ms), 1),
            round(min(roster_ms), 1),
            round(max(roster_ms), 1),
            "",
        ]
    )
    table = markdown_table(
        ["What", "Call", "Queries", "Median ms", "Min ms", "Max ms", "× floor"],
        table_rows,
        "llrrrrr",
    )
    notes = [
        f"{country.children.count()} provinces, "
        f"{Unit.objects.filter(kind=Unit.Kind.COMMUNE, key__startswith='vn2025:').count():,} "
        f"communes, 25 criteria (2 scored by the system), 3 sources, 12 months; "
        f"{rows_in_month:,} score rows in 2018-06; {written:,} results written a month.",
        f"{rounds} interleaved rounds; load average (1/5/15 min) {load_before} before and "
        f"{load_after} after; the ranking over the floor round by round: median "
        f"{statistics.median(per_round):.2f}×, range {per_round[0]:.2f}–{per_round[-1]:.2f}×.",
        "The floor computes per commune the district's sum, the commune's own sum and the "
        "largest spread between any two scores (MAX − MIN over all of the commune's score "
        "rows, not per criterion), in one GROUP BY over the month's submitted score rows; it "
        "reads the same rows as compute_month but applies no rule (no per-criterion flags, "
        "resolutions, deductions, system criteria, missing sources, bands) and writes nothing.",
        f"Roster: {entries} entries, solver status {status}, {roster_runs} runs, in a "
        f"transaction rolled back afterwards (CP-SAT, TUYENVAN_ROSTER_WORKERS="
        f"{os.getenv('TUYENVAN_ROSTER_WORKERS', '1')}).",
    ]
    return Report("tuyenvan", "Tuyên vận: a month's results and rankings, the roster", table, notes)
