"""Reading a province's plan: the work-items API, the matrix, the plan tree, "my work".

Every request goes through Django's test Client, so it runs the whole stack
(middleware, sessions, permissions, templates, JSON) except the network and the
WSGI server. Pages are requested as the province's coordinator (the Ban Tuyên
giáo), signed in with a session; the API with the same account's bearer token.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.core import Context, Report, benchmark, markdown_table, time_calls


@dataclass
class Endpoint:
    name: str
    url: str
    api: bool
    count_rows: Callable[[bytes], int]


@dataclass
class Measured:
    endpoint: Endpoint
    status: int
    rows: int | str = "–"
    queries: int | str = "–"
    queries_small: int | str = "–"
    size_kb: float | str = "–"
    median_ms: float | str = "–"
    p95_ms: float | str = "–"
    cpu_ms: float | str = "–"
    note: str = ""


def json_rows(body: bytes) -> int:
    data = json.loads(body)
    if isinstance(data, list):
        return len(data)
    for key in ("items", "results", "units"):
        if key in data:
            return len(data[key])
    return 1


def html_rows(pattern: str) -> Callable[[bytes], int]:
    regex = re.compile(pattern.encode())
    return lambda body: len(regex.findall(body))


WORK_ITEM_LINKS = r'href="/plans/work-items/\d+/"'


def endpoints(plan_id: int, unit_id: int) -> list[Endpoint]:
    return [
        Endpoint(
            "API work items of a plan (first page)",
            f"/api/v1/work-items?plan={plan_id}&page_size=100",
            True,
            json_rows,
        ),
        Endpoint(
            "API overdue work items of a unit",
            f"/api/v1/work-items?unit={unit_id}&status=overdue&page_size=100",
            True,
            json_rows,
        ),
        Endpoint("API plan matrix", f"/api/v1/plans/{plan_id}/matrix", True, json_rows),
        Endpoint("Matrix page", f"/plans/{plan_id}/matrix/", False, html_rows(r'<th scope="row">')),
        Endpoint("Plan tree page", f"/plans/{plan_id}/", False, html_rows(WORK_ITEM_LINKS)),
        Endpoint(
            "My work page (busiest unit)",
            f"/plans/units/{unit_id}/work/",
            False,
            html_rows(WORK_ITEM_LINKS),
        ),
        Endpoint("Plan list page", "/plans/", False, html_rows(r'href="/plans/\d+/"')),
    ]


@dataclass
class Subject:
    """A province with its plan, busiest unit and signed-in clients."""

    code: str
    name: str
    plan_id: int
    busy_unit_id: int
    busy_unit_name: str
    communes: int
    page_client: object
    api_headers: dict[str, str]


def subject(code: str) -> Subject:
    from django.contrib.auth.models import User
    from django.db.models import Count
    from django.test import Client

    from theodoi.core.models import ApiToken
    from theodoi.plans.models import Assignment, Plan
    from theodoi.units.models import Unit

    province = Unit.objects.get(key=f"vn2025:{code}")
    plan = Plan.objects.get(issuer=province)
    busy = (
        Assignment.objects.filter(work_item__task__plan=plan)
        .values("unit", "unit__name")
        .annotate(n=Count("id"))
        .order_by("-n", "unit")
        .first()
    )
    user = User.objects.get(username=f"p{code}-coordinator")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    _token, key = ApiToken.issue(user)
    return Subject(
        code=code,
        name=province.name,
        plan_id=plan.pk,
        busy_unit_id=busy["unit"],
        busy_unit_name=busy["unit__name"],
        communes=province.children.filter(kind=Unit.Kind.COMMUNE).count(),
        page_client=client,
        api_headers={"HTTP_AUTHORIZATION": f"Bearer {key}"},
    )


def province_codes() -> tuple[str, str]:
    """(largest, smallest) province codes by number of communes."""
    from django.db.models import Count

    from theodoi.units.models import Unit

    ranked = list(
        Unit.objects.filter(kind=Unit.Kind.PROVINCE, key__startswith="vn2025:")
        .annotate(n=Count("children"))
        .order_by("-n", "code")
        .values_list("code", flat=True)
    )
    return ranked[0], ranked[-1]


def get(s: Subject, endpoint: Endpoint) -> Any:
    headers = s.api_headers if endpoint.api else {}
    return s.page_client.get(endpoint.url, **headers)


def count_queries(s: Subject, endpoint: Endpoint) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        get(s, endpoint)
    return len(captured.captured_queries)


@benchmark("plans", "work-items API, matrix page and API, plan tree, my work (PostgreSQL)")
def bench_plans(ctx: Context) -> Report:
    from django.db import connection

    largest, smallest = province_codes()
    big = subject(ctx.province or largest)
    small = subject(smallest)
    results: list[Measured] = []
    for endpoint, small_endpoint in zip(
        endpoints(big.plan_id, big.busy_unit_id),
        endpoints(small.plan_id, small.busy_unit_id),
        strict=True,
    ):
        first = get(big, endpoint)
        m = Measured(endpoint, first.status_code)
        if first.status_code == 404:
            m.note = "404: endpoint not on this branch yet, skipped"
            results.append(m)
            continue
        if first.status_code != 200:
            m.note = f"HTTP {first.status_code}: {first.content[:120]!r}"
            results.append(m)
            continue
        m.rows = endpoint.count_rows(first.content)
        m.size_kb = round(len(first.content) / 1024, 1)
        m.queries = count_queries(big, endpoint)
        m.queries_small = count_queries(small, small_endpoint)
        timing = time_calls(lambda e=endpoint: get(big, e), runs=ctx.runs, warmup=ctx.warmup)
        m.median_ms = round(timing.median_ms, 1)
        m.p95_ms = round(timing.p95_ms, 1)
        m.cpu_ms = round(timing.cpu_median_ms, 1)
        results.append(m)

    table = markdown_table(
        [
            "Request",
            "URL",
            "Rows",
            "Queries",
            "Queries (small prov.)",
            "KB",
            "Median ms",
            "p95 ms",
            "App CPU ms",
            "Note",
        ],
        [
            [
                m.endpoint.name,
                "`" + m.endpoint.url + "`",
                m.rows,
                m.queries,
                m.queries_small,
                m.size_kb,
                m.median_ms,
                m.p95_ms,
                m.cpu_ms,
                m.note,
            ]
            for m in results
        ],
        "llrrrrrrrl",
    )
    notes = [
        f"Database: {connection.vendor} `{connection.settings_dict['NAME']}`, national data "
        "(34 provinces, 3,321 communes, 1,360 agencies, 34 plans, 6,800 work items, "
        "~25,000 assignments).",
        f"Province measured: {big.name} (`vn2025:{big.code}`, {big.communes} communes), "
        f"plan id {big.plan_id}; busiest unit: {big.busy_unit_name} (id {big.busy_unit_id}). "
        f"'Queries (small prov.)' is the same request on {small.name} "
        f"({small.communes} communes): equal counts mean queries do not grow with rows.",
        f"Median and p95 over {ctx.runs} runs after {ctx.warmup} warm-ups, one process, "
        "Django test Client (no network, no WSGI server), signed in as the province's "
        "coordinator (session for pages, bearer token for the API); today = 15/07/2018. "
        "'App CPU ms' is the median CPU time of the Django process alone (without the "
        "database server's), less disturbed than wall time by other work on the machine.",
    ]
    return Report("plans", "Reading a province's plan at national scale", table, notes)
