"""Thi đua at national scale (issue 10): the year's composite ranking of every
province's agencies against a hand-written SQL floor over the same rows.

The data (bench/generate.py): 34 provinces, 40 agencies each (1,360 ranked
units), a 2018 plan of 200 work items per province, the 2018-Q1 and 2018-H1
progress reports with their entries. The bench has no inspections, so the
findings component has no value for anyone (left out, weights rescaled).

Measured in interleaved rounds, median of ``--heavy-runs`` rounds (default 9),
with the bench's "today" 15/07/2018:

- **the floor**: one hand-written SQL statement (``FLOOR_SQL``) over the same
  rows: per agency the reports it owes for the 2018 periods (it leads or
  coordinates a work item active in the period; counted once due or received:
  sent, sent on time),
  the lead work items ended in 2018 before today and those its sent reports give
  as done by their end, the follow-ups; the weighted score (components without
  data left out, weights rescaled) and ``RANK()`` per province in SQL. It breaks
  no tie by component, keeps no per-component detail and builds no explanation;
- ``ranking.compute_many(provinces, 2018, "agency")``: the 34 provinces'
  rankings in one pass (the national ranking), and ``ranking.compute`` for the
  largest province alone.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from bench.core import Context, Report, benchmark, count_queries, load_average, markdown_table

TODAY = date(2018, 7, 15)

FLOOR_SQL = """
WITH agencies AS (
    SELECT u.id, u.parent_id FROM units_unit u JOIN units_unit p ON p.id = u.parent_id
    WHERE p.kind = 'province' AND u.kind IN
        ('party_agency', 'party_committee', 'state_agency', 'mass_org', 'department', 'other')
), owed AS (
    SELECT DISTINCT a.unit_id, pe.id AS period_id, pe.due
    FROM plans_assignment a
    JOIN plans_workitem w ON w.id = a.work_item_id
    JOIN plans_task t ON t.id = w.task_id
    JOIN reporting_reportingperiod pe ON pe.plan_id = t.plan_id
    JOIN plans_plan pl ON pl.id = pe.plan_id
    WHERE pl.year = 2018 AND pe.start >= %(start)s AND pe."end" <= %(end)s
      AND w.start <= pe."end" AND w."end" >= pe.start
), rep AS (
    SELECT o.unit_id,
           COUNT(*) FILTER (WHERE o.due < %(today)s OR r.first_submitted_at IS NOT NULL) AS n,
           COUNT(r.first_submitted_at) AS sent,
           COUNT(*) FILTER (
               WHERE (r.first_submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= o.due
           ) AS on_time
    FROM owed o
    LEFT JOIN reporting_progressreport r
        ON r.unit_id = o.unit_id AND r.period_id = o.period_id
    GROUP BY o.unit_id
), items AS (
    SELECT a.unit_id, a.work_item_id,
           BOOL_OR(e.completed_on <= w."end"
                   OR (e.completed_on IS NULL AND e.status = 'done_on_time')) AS done
    FROM plans_assignment a
    JOIN plans_workitem w ON w.id = a.work_item_id
    LEFT JOIN reporting_progressreport r
        ON r.unit_id = a.unit_id AND r.first_submitted_at IS NOT NULL
    LEFT JOIN reporting_progressentry e
        ON e.report_id = r.id AND e.work_item_id = a.work_item_id
       AND e.status IN ('done_on_time', 'done_late')
    WHERE a.role = 'lead' AND w."end" >= %(start)s AND w."end" < %(today)s
    GROUP BY a.unit_id, a.work_item_id
), work AS (
    SELECT unit_id, COUNT(*) AS due, COUNT(*) FILTER (WHERE done) AS done
    FROM items GROUP BY unit_id
), fu AS (
    SELECT i.unit_id, COUNT(*) AS n,
           COUNT(*) FILTER (WHERE f.closed_on <= f.deadline) AS closed
    FROM reporting_followup f JOIN reporting_inspection i ON i.id = f.inspection_id
    WHERE f.deadline >= %(start)s AND f.deadline < %(today)s
    GROUP BY i.unit_id
), scored AS (
    SELECT ag.id, ag.parent_id,
           (COALESCE(20 * 100.0 * rep.sent / NULLIF(rep.n, 0), 0)
            + COALESCE(20 * 100.0 * rep.on_time / NULLIF(rep.n, 0), 0)
            + COALESCE(40 * 100.0 * work.done / NULLIF(work.due, 0), 0)
            + COALESCE(20 * 100.0 * fu.closed / NULLIF(fu.n, 0), 0))
           / NULLIF(CASE WHEN rep.n > 0 THEN 40 ELSE 0 END
                    + CASE WHEN work.due > 0 THEN 40 ELSE 0 END
                    + CASE WHEN fu.n > 0 THEN 20 ELSE 0 END, 0) AS score
    FROM agencies ag
    LEFT JOIN rep ON rep.unit_id = ag.id
    LEFT JOIN work ON work.unit_id = ag.id
    LEFT JOIN fu ON fu.unit_id = ag.id
)
SELECT id, parent_id, ROUND(score, 2),
       RANK() OVER (PARTITION BY parent_id ORDER BY score DESC NULLS LAST)
FROM scored
"""


@benchmark("thidua", "the year's thi đua ranking of every province's agencies vs a SQL floor")
def bench_thidua(ctx: Context) -> Report:
    from django.db import connection

    from bench.bench_plans import province_codes
    from theodoi.thidua.ranking import compute, compute_many, parse_period
    from theodoi.units.models import Unit

    rounds = max(9, ctx.options.get("heavy_runs", 9))
    period = parse_period("2018")
    provinces = list(
        Unit.objects.filter(kind=Unit.Kind.PROVINCE, key__startswith="vn2025:").order_by("code")
    )
    largest = Unit.objects.get(key=f"vn2025:{ctx.province or province_codes()[0]}")
    params = {"start": period.start, "end": period.end, "today": TODAY}
    ranked_units = 0

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, params)
            cursor.fetchall()

    def national() -> None:
        nonlocal ranked_units
        found = compute_many(provinces, period, "agency", today=TODAY)
        ranked_units = sum(len(r.rows) for r in found.values())

    def one() -> None:
        compute(largest, period, "agency", today=TODAY)

    steps: dict[str, Callable[[], Any]] = {"floor": floor, "national": national, "one": one}
    labels = {
        "floor": ("Floor: one hand-written SQL statement", "`FLOOR_SQL` (bench/bench_thidua.py)"),
        "national": (
            f"The year's agency ranking of all {len(provinces)} provinces",
            '`ranking.compute_many(provinces, 2018, "agency")`',
        ),
        "one": (
            f"The year's agency ranking of {largest.name}",
            '`ranking.compute(province, 2018, "agency")`',
        ),
    }
    national()  # the first call also loads the URLconf (the links): not counted
    queries = {name: count_queries(step) for name, step in steps.items()}
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, params)
        floor_scores = {row[0]: row[2] for row in cursor.fetchall()}
    floor_rows = len(floor_scores)
    found = compute_many(provinces, period, "agency", today=TODAY)
    agree = sum(
        1
        for ranked in found.values()
        for row in ranked.rows
        if (row.score is None and floor_scores.get(row.key) is None)
        or (
            row.score is not None
            and floor_scores.get(row.key) is not None
            and abs(float(row.score) - float(floor_scores[row.key])) <= 0.011
        )
    )
    load_before = load_average()
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            began = time.perf_counter()
            step()
            samples[name].append((time.perf_counter() - began) * 1000)
    load_after = load_average()
    floor_ms = statistics.median(samples["floor"])
    rows = [
        [
            *labels[name],
            queries[name],
            round(statistics.median(values), 1),
            round(min(values), 1),
            round(max(values), 1),
            f"{statistics.median(values) / floor_ms:.2f}×",
        ]
        for name, values in samples.items()
    ]
    per_round = sorted(n / f for n, f in zip(samples["national"], samples["floor"], strict=True))
    table = markdown_table(
        ["What", "Call", "Queries", "Median ms", "Min ms", "Max ms", "× floor"], rows, "llrrrrr"
    )
    notes = [
        f"{len(provinces)} provinces, {ranked_units:,} agencies ranked ({floor_rows:,} rows from "
        "the floor); components: reports sent, reports on time, work items done on time, "
        "findings closed (no inspection in the bench data), default weights 20/20/40/20.",
        f"{rounds} interleaved rounds; load average (1/5/15 min) {load_before} before and "
        f"{load_after} after; the national ranking over the floor round by round: median "
        f"{statistics.median(per_round):.2f}×, range {per_round[0]:.2f}–{per_round[-1]:.2f}×.",
        "The floor reads the same reports, entries, assignments and follow-ups in one SQL "
        "statement (who owes a report included), scores (rescaling over the components with "
        "data) and ranks in SQL; it breaks no tie by component, keeps no per-component detail "
        "and builds no explanation. Scores agree with the ranking's to 0.01 on "
        f"{agree:,} of {ranked_units:,} agencies.",
    ]
    return Report("thidua", "Thi đua: the year's ranking at national scale", table, notes)
