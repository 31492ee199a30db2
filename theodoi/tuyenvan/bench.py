"""National-scale timing of the month's results and rankings (PostgreSQL).

Builds 34 provinces × ~98 communes (two tiers, as from 7/2025), one 25-criterion
set per province, 12 months × 3 sources of submitted sheets (score rows are
generated in SQL), then times ``compute_month`` for the whole country, the
province and national rankings, and the floor: one hand-written SQL aggregate
over the same month's score rows (sums per commune, one level of GROUP BY).
The rule's own aggregate (two levels: per criterion for the discrepancy flags,
then per commune) is timed alone too. Run on an empty database::

    DATABASE_URL=postgres://... python manage.py migrate
    DATABASE_URL=postgres://... python manage.py shell -c \
        "from theodoi.tuyenvan.bench import run; run()"

Prints the timings (best of 3) and the queries used.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from theodoi.units.models import Unit

from . import results, scoring
from .models import CriteriaSet, Criterion, CriterionGroup, MonthlyResult, Score, ScoreSheet

PROVINCES = 34
COMMUNES = 3321
MONTHS = [date(2025, m, 1) for m in range(1, 13)]
CRITERIA = 25

FLOOR_SQL = """
SELECT sh.commune_id,
       SUM(CASE WHEN sh.source = 'district' THEN s.points END),
       SUM(CASE WHEN sh.source = 'self' THEN s.points END),
       MAX(s.points) - MIN(s.points)
FROM {score} s JOIN {sheet} sh ON s.sheet_id = sh.id
WHERE sh.month = %s AND sh.state = 'submitted'
GROUP BY sh.commune_id
"""


def build() -> Unit:
    country = Unit.objects.create(key="bench:vn", name="Cả nước", kind=Unit.Kind.OTHER)
    provinces = Unit.objects.bulk_create(
        Unit(key=f"bench:p{i}", name=f"Tỉnh {i:02d}", kind=Unit.Kind.PROVINCE, parent=country)
        for i in range(PROVINCES)
    )
    Unit.objects.bulk_create(
        Unit(
            key=f"bench:c{i}",
            name=f"Xã {i:04d}",
            kind=Unit.Kind.COMMUNE,
            parent=provinces[i % PROVINCES],
        )
        for i in range(COMMUNES)
    )
    official = User.objects.create(username="bench-official")
    for province in provinces:
        criteria_set = CriteriaSet.objects.create(
            owner=province,
            name="Bench",
            effective_from=MONTHS[0],
            status=CriteriaSet.Status.PUBLISHED,
        )
        group = CriterionGroup.objects.create(criteria_set=criteria_set, code="I", name="Nhóm")
        rules = {0: Criterion.SystemRule.MEETING, 1: Criterion.SystemRule.SUBMISSIONS}
        Criterion.objects.bulk_create(
            Criterion(
                group=group,
                code=str(n),
                text=f"Tiêu chí {n}",
                max_points=Decimal(4),
                position=n,
                system_rule=rules.get(n, ""),
            )
            for n in range(CRITERIA)
        )
    sheet, score = ScoreSheet._meta.db_table, Score._meta.db_table
    unit, cset = Unit._meta.db_table, CriteriaSet._meta.db_table
    crit, grp = Criterion._meta.db_table, CriterionGroup._meta.db_table
    with connection.cursor() as cursor:
        for month in MONTHS:
            cursor.execute(
                f"""
                INSERT INTO {sheet} (commune_id, month, source, official_id, criteria_set_id,
                                     state, version, note)
                SELECT u.id, %s, src.source,
                       CASE WHEN src.source = 'official' THEN %s END, cs.id, 'submitted', 1, ''
                FROM {unit} u JOIN {cset} cs ON cs.owner_id = u.parent_id
                CROSS JOIN (VALUES ('self'), ('district'), ('official')) AS src(source)
                WHERE u.kind = 'commune' AND u.key LIKE 'bench:%%'
                """,  # noqa: S608 (table names from the models)
                [month, official.pk],
            )
        cursor.execute(
            f"""
            INSERT INTO {score} (sheet_id, criterion_id, points, reason, evidence)
            SELECT sh.id, c.id, round((2 + random() * 2)::numeric * 2) / 2, '', ''
            FROM {sheet} sh JOIN {grp} g ON g.criteria_set_id = sh.criteria_set_id
            JOIN {crit} c ON c.group_id = g.id
            WHERE c.system_rule = ''
            """  # noqa: S608
        )
        cursor.execute("ANALYZE")
    return country


def timed(fn: Callable[[], Any]) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        fn()
        seconds = time.perf_counter() - started
    return seconds, len(captured)


def run(rounds: int = 5) -> dict[str, tuple[float, float, int]]:
    """Interleaved rounds (the floor, then each measured step), so that a busy
    machine slows all of them alike; returns name -> (min s, median s, queries)."""
    country = Unit.objects.filter(key="bench:vn").first() or build()
    month, fresh = MONTHS[5], MONTHS[7]
    province = Unit.objects.filter(key="bench:p0").get()
    floor_sql = FLOOR_SQL.format(score=Score._meta.db_table, sheet=ScoreSheet._meta.db_table)
    period = results.month_period(month)

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [month])
            cursor.fetchall()

    def forget() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {MonthlyResult._meta.db_table} WHERE month = %s",  # noqa: S608
                [fresh],
            )

    set_ids = list(CriteriaSet.objects.published().values_list("pk", flat=True))
    steps: dict[str, Callable[[], Any]] = {
        "floor: one SQL aggregate": floor,
        "the rule's own SQL aggregate": lambda: scoring._aggregate(set_ids, month, country),
        "compute_month, every row new": lambda: scoring.compute_month(country, fresh),
        "compute_month, recompute": lambda: scoring.compute_month(country, month),
        "national commune ranking": lambda: results.rank_communes(country, period),
        "province commune ranking": lambda: results.rank_communes(province, period),
        "national ranking of provinces": lambda: results.rank_districts(country, period),
    }
    scoring.compute_month(country, month)
    samples: dict[str, list[float]] = {name: [] for name in steps}
    queries: dict[str, int] = {}
    for _ in range(rounds):
        forget()
        for name, step in steps.items():
            seconds, queries[name] = timed(step)
            samples[name].append(seconds)
    out = {}
    for name, values in samples.items():
        values.sort()
        out[name] = (values[0], values[len(values) // 2], queries[name])
    scores = Score.objects.filter(sheet__month=month).count()
    print(
        f"{COMMUNES} communes, {PROVINCES} provinces, {CRITERIA} criteria, 3 sources, "
        f"{len(MONTHS)} months; {scores} score rows in the month; {rounds} rounds"
    )
    floor_median = out["floor: one SQL aggregate"][1]
    for name, (low, median, count) in out.items():
        print(
            f"{name:32s} min {low * 1000:8.1f} ms  median {median * 1000:8.1f} ms  "
            f"x{median / floor_median:4.1f}  {count:2d} queries"
        )
    return out
