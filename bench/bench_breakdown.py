"""Where a page's time goes: permissions, matrix computation, matrix rendering.

Times the parts of the slow requests of ``plans`` one by one, each beside a
measured alternative, so a fix can be judged by the same yardstick. The
alternatives live here as proposals only; the application code is unchanged.
"""

from __future__ import annotations

from typing import Any

from bench.core import Context, Report, benchmark, markdown_table, time_calls

SUBTREE_SQL = """
    WITH RECURSIVE sub(id) AS (
        SELECT id FROM units_unit WHERE id = ANY(%s)
        UNION
        SELECT u.id FROM units_unit u JOIN sub ON u.parent_id = sub.id
    )
    SELECT id FROM sub
"""
ANCESTORS_SQL = """
    WITH RECURSIVE up(id, parent_id) AS (
        SELECT id, parent_id FROM units_unit WHERE id = ANY(%s)
        UNION
        SELECT u.id, u.parent_id FROM units_unit u JOIN up ON u.id = up.parent_id
    )
    SELECT id FROM up
"""


def proposed_reach(user: Any) -> frozenset[int]:
    """permissions.reach(user) with one root-anchored recursive query."""
    from django.db import connection

    from theodoi import permissions

    roots = [
        m.unit.jurisdiction_id if m.role in permissions.ACTING_ROLES else m.unit_id
        for m in permissions.memberships(user)
    ]
    with connection.cursor() as cursor:
        cursor.execute(SUBTREE_SQL, [roots])
        return frozenset(row[0] for row in cursor.fetchall())


def proposed_home_ids(user: Any) -> frozenset[int]:
    """permissions.home_ids(user) walking up parent_id in one query."""
    from django.db import connection

    from theodoi import permissions

    with connection.cursor() as cursor:
        cursor.execute(ANCESTORS_SQL, [[m.unit_id for m in permissions.memberships(user)]])
        return frozenset(row[0] for row in cursor.fetchall())


def matrix_rows_html(matrix: Any) -> list[tuple[Any, str]]:
    """The matrix's cells prepared in Python: one HTML string per row.

    Cells hold only integers, so nothing needs escaping; right-aligning is left
    to CSS (``table.matrix td { text-align: right }``) instead of a class per cell.
    """
    task_ids = [t.pk for t in matrix.tasks]
    rows = []
    for row in matrix.rows:
        cells = []
        for task_id in task_ids:
            cell = row.cells.get(task_id)
            if not cell:
                cells.append("<td></td>")
                continue
            inner = ""
            if cell.get("lead"):
                inner += f'<span class="badge lead">L{int(cell["lead"])}</span>'
            if cell.get("coordinating"):
                inner += f'<span class="badge coordinating">C{int(cell["coordinating"])}</span>'
            cells.append(f"<td>{inner}</td>")
        rows.append((row, "".join(cells)))
    return rows


@benchmark("breakdown", "parts of the slow pages, each beside a measured alternative")
def bench_breakdown(ctx: Context) -> Report:
    from django.contrib.auth.models import User
    from django.template import engines
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from bench.bench_plans import province_codes
    from theodoi import permissions
    from theodoi.plans.matrix import build_matrix
    from theodoi.plans.models import Plan

    code = ctx.province or province_codes()[0]
    plan = Plan.objects.select_related("programme", "issuer", "owner").get(
        issuer__key=f"vn2025:{code}"
    )
    username = f"p{code}-coordinator"

    def fresh_user() -> Any:
        # Each request loads its user afresh, so the per-user caches start empty.
        user = User.objects.get(username=username)
        permissions.memberships(user)
        return user

    assert proposed_reach(fresh_user()) == permissions.reach(fresh_user())
    assert proposed_home_ids(fresh_user()) == permissions.home_ids(fresh_user())

    matrix = build_matrix(plan)
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1")
    request.user = fresh_user()
    current_page = render_to_string(
        "plans/matrix.html", {"plan": plan, "matrix": matrix}, request=request
    )
    alternative = engines["django"].from_string(
        '{% for row, cells in rows %}<tr><th scope="row"><a href="{% url \'plans:my-work\' '
        'row.unit.pk %}">{{ row.unit.name }}</a></th><td class="num">{{ row.tasks_led }}</td>'
        '<td class="num">{{ row.work_items_led }}</td><td class="num">'
        "{{ row.work_items_coordinated }}</td>{{ cells|safe }}</tr>{% endfor %}"
    )

    def render_alternative() -> str:
        return alternative.render({"rows": matrix_rows_html(matrix)})

    parts: list[tuple[str, str, Any, Any]] = [
        (
            "permissions.reach(user) (subtree of the Tỉnh ủy)",
            "theodoi/permissions.py `_subtree_ids`: tree-queries `descendants()`",
            lambda: permissions.reach(fresh_user()),
            None,
        ),
        (
            "proposal: root-anchored recursive CTE",
            "bench/bench_breakdown.py `proposed_reach`",
            lambda: proposed_reach(fresh_user()),
            None,
        ),
        (
            "permissions.home_ids(user) (own units and ancestors)",
            "theodoi/permissions.py `home_ids`: tree-queries `ancestors()`",
            lambda: permissions.home_ids(fresh_user()),
            None,
        ),
        (
            "proposal: walk up parent_id in one query",
            "bench/bench_breakdown.py `proposed_home_ids`",
            lambda: proposed_home_ids(fresh_user()),
            None,
        ),
        (
            "(loading the user and memberships, included above)",
            "",
            fresh_user,
            None,
        ),
        (
            "build_matrix(plan)",
            "theodoi/plans/matrix.py `build_matrix`",
            lambda: build_matrix(plan),
            None,
        ),
        (
            "render plans/matrix.html (whole page)",
            "theodoi/plans/templates/plans/matrix.html",
            lambda: render_to_string(
                "plans/matrix.html", {"plan": plan, "matrix": matrix}, request=request
            ),
            len(current_page.encode()),
        ),
        (
            "proposal: table rows with cells prepared in Python",
            "bench/bench_breakdown.py `matrix_rows_html`",
            render_alternative,
            len(render_alternative().encode()),
        ),
    ]
    rows = []
    for name, where, call, size in parts:
        timing = time_calls(call, runs=ctx.runs, warmup=ctx.warmup)
        rows.append(
            [
                name,
                where,
                f"{timing.median_ms:.1f}",
                f"{timing.p95_ms:.1f}",
                f"{timing.cpu_median_ms:.1f}",
                f"{size / 1024:.0f}" if size else "",
            ]
        )
    table = markdown_table(
        ["Part", "Where", "Median ms", "p95 ms", "App CPU ms", "KB"], rows, "llrrrr"
    )
    whitespace = sum(1 for ch in current_page if ch in " \n")
    notes = [
        f"Plan {plan.number} ({len(matrix.rows)} matrix rows × {len(matrix.tasks)} tasks "
        f"= {len(matrix.rows) * len(matrix.tasks):,} cells), as {username}; "
        f"{ctx.runs} runs after {ctx.warmup} warm-ups.",
        f"The current matrix page is {len(current_page.encode()) / 1024:.0f} KB, of which "
        f"{whitespace / 1024:.0f} KB are spaces and newlines (template indentation repeated "
        "per cell). The proposal's KB is the table body only (the page adds ~5 KB).",
        "Each permission timing starts from a freshly loaded user, as every request does; "
        "the proposals return the same ids as the current functions (checked).",
    ]
    return Report("breakdown", "Where the time goes (Hồ Chí Minh's plan)", table, notes)
