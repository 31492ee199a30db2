"""Reporting at national scale (issue 3): consolidation, its DOCX and XLSX, the rates.

The data (bench/generate.py ``generate_reporting``): every plan collects
quarterly and 6-monthly reports; every unit that owes one has reported for
2018-Q1 and 2018-H1 (some late, ~5% opened and never sent, ~5% never opened).

Measured for one province (the largest by default, ``--province``) and for the
whole country (the 34 provinces' consolidations one after the other, as a
national roll-up would run them): ``consolidation.build`` (the consolidated
data), ``to_docx`` and ``to_xlsx`` from it, then the rates of a period
(``rates.rate_table``), the period page and the plan's rate table page through
the test Client as the province's coordinator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.core import Context, Report, benchmark, markdown_table, measure

PERIOD = "2018-H1"
OTHER_PERIOD = "2018-Q1"


def _periods(code: str) -> list[Any]:
    from theodoi.reporting.models import ReportingPeriod

    return list(
        ReportingPeriod.objects.filter(code=code)
        .select_related("plan__owner__parent", "plan__issuer")
        .order_by("plan__issuer__position")
    )


@benchmark("reporting", "consolidation of a province and of the country, DOCX, XLSX, rates")
def bench_reporting(ctx: Context) -> Report:
    from django.contrib.auth.models import User
    from django.test import Client

    from bench.bench_plans import province_codes
    from theodoi.reporting import consolidation, rates
    from theodoi.reporting.models import ProgressEntry, ProgressReport

    code = ctx.province or province_codes()[0]
    everywhere = _periods(PERIOD)
    period = next(p for p in everywhere if p.plan.issuer.key == f"vn2025:{code}")
    other = next(p for p in _periods(OTHER_PERIOD) if p.plan_id == period.plan_id)
    province = period.plan.issuer
    # The country's rows take seconds to a minute each: fewer runs, no warm-up.
    heavy = ctx.options.get("country_runs", 3)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=f"p{code}-coordinator"))

    data = consolidation.build(period)
    everyone = [consolidation.build(p) for p in everywhere]
    rows: list[list[Any]] = []

    def row(
        what: str,
        where: str,
        call: Callable[[], Any],
        size: Callable[[], float] | None = None,
        runs: int | None = None,
        count: str = "",
    ) -> None:
        warmup = min(ctx.warmup, 2) if runs is None else 0
        timing, queries = measure(call, runs=runs or ctx.runs, warmup=warmup)
        rows.append(
            [
                what,
                where,
                count,
                queries,
                round(size(), 1) if size else "",
                round(timing.median_ms, 1),
                round(timing.p95_ms, 1),
                round(timing.cpu_median_ms, 1),
                timing.runs,
            ]
        )

    def get(url: str) -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    lines = f"{len(data.lines)} lines, {len(data.reported)}/{len(data.expected)} units"
    row("Consolidated data, 2018-H1", "`consolidation.build(period)`",
        lambda: consolidation.build(period), count=lines)  # fmt: skip
    other_data = consolidation.build(other)
    row("Consolidated data, 2018-Q1", "`consolidation.build(period)`",
        lambda: consolidation.build(other),
        count=f"{len(other_data.lines)} lines, "
        f"{len(other_data.reported)}/{len(other_data.expected)} units")  # fmt: skip
    row("DOCX of 2018-H1", "`consolidation.to_docx(data)`", lambda: consolidation.to_docx(data),
        size=lambda: len(consolidation.to_docx(data)) / 1024)  # fmt: skip
    row("XLSX of 2018-H1", "`consolidation.to_xlsx(data)`", lambda: consolidation.to_xlsx(data),
        size=lambda: len(consolidation.to_xlsx(data)) / 1024)  # fmt: skip
    table = rates.rate_table([period], period.due)
    row("Rates of 2018-H1, per unit", "`rates.rate_table([period])`",
        lambda: rates.rate_table([period]), count=f"{len(table.units)} units")  # fmt: skip
    row("Period page (rates per unit)", f"`/reporting/periods/{period.pk}/`",
        lambda: get(f"/reporting/periods/{period.pk}/"),
        size=lambda: len(get(f"/reporting/periods/{period.pk}/").content) / 1024,
        count=f"{len(table.units)} units")  # fmt: skip
    plan_url = f"/reporting/plans/{period.plan_id}/"
    row("Plan's rate table page (6 periods)", f"`{plan_url}`", lambda: get(plan_url),
        size=lambda: len(get(plan_url).content) / 1024)  # fmt: skip

    total_lines = sum(len(d.lines) for d in everyone)
    units = sum(len(d.expected) for d in everyone)
    row("Country: consolidated data of 34 provinces, 2018-H1", "`build(p)` for each",
        lambda: [consolidation.build(p) for p in everywhere], runs=heavy,
        count=f"{total_lines:,} lines, {units:,} units")  # fmt: skip
    row("Country: 34 DOCX", "`to_docx(data)` for each",
        lambda: [consolidation.to_docx(d) for d in everyone], runs=heavy,
        size=lambda: sum(len(consolidation.to_docx(d)) for d in everyone) / 1024)  # fmt: skip
    row("Country: 34 XLSX", "`to_xlsx(data)` for each",
        lambda: [consolidation.to_xlsx(d) for d in everyone], runs=heavy,
        size=lambda: sum(len(consolidation.to_xlsx(d)) for d in everyone) / 1024)  # fmt: skip

    text = markdown_table(
        ["What", "Call or URL", "Rows", "Queries", "KB", "Median ms", "p95 ms", "App CPU ms",
         "Runs"],
        rows,
        "llrrrrrrr",
    )  # fmt: skip
    reports = ProgressReport.objects.count()
    entries = ProgressEntry.objects.count()
    notes = [
        f"Province: {province.name} (plan id {period.plan_id}, 40 agencies, 200 work items, "
        f"periods 2018-Q1 and 2018-H1 reported); country: the 34 provinces' 2018-H1 periods "
        f"consolidated one after another. Data: {reports:,} reports, {entries:,} entries.",
        "Consolidated data = who owed, who reported (on time or not), one line per lead "
        "work item (reported or not), shortcomings, proposals, budget, counts by unit and by "
        "field; the DOCX and XLSX are built from it (the export job runs build + one of them).",
        f"Queries are those of one call; medians over {ctx.runs} runs (country rows: {heavy}) "
        "after 2 warm-ups (country rows: none), one process; pages through the test Client "
        "as the province's coordinator; today = 15/07/2018.",
    ]
    return Report("reporting", "Reporting: consolidation and rates", text, notes)
