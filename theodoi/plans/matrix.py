"""The assignment matrix of a plan: units × tasks, lead and coordinating."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from theodoi.units.models import Unit

from .models import Assignment, Plan, Task


@dataclass
class MatrixRow:
    unit: Unit
    tasks_led: int = 0
    tasks_coordinated: int = 0
    work_items_led: int = 0
    work_items_coordinated: int = 0
    # task id -> {"lead": n work items led, "coordinating": n coordinated}
    cells: dict[int, dict[str, int]] = field(default_factory=dict)
    # The same, one entry per task in the matrix's task order, for display.
    grid: list[dict[str, int]] = field(default_factory=list)


@dataclass
class Matrix:
    plan: Plan
    tasks: list[Task]
    rows: list[MatrixRow]


def build_matrix(plan: Plan) -> Matrix:
    """Compute the matrix in three queries, whatever the plan's size."""
    lead = Q(role=Assignment.Role.LEAD)
    coordinating = Q(role=Assignment.Role.COORDINATING)
    assignments = Assignment.objects.filter(work_item__task__plan=plan)
    totals = assignments.values("unit").annotate(
        tasks_led=Count("work_item__task", filter=lead, distinct=True),
        tasks_coordinated=Count("work_item__task", filter=coordinating, distinct=True),
        work_items_led=Count("work_item", filter=lead, distinct=True),
        work_items_coordinated=Count("work_item", filter=coordinating, distinct=True),
    )
    cells = assignments.values("unit", "work_item__task", "role").annotate(n=Count("id"))
    rows: dict[int, MatrixRow] = {}
    units = Unit.objects.in_bulk([t["unit"] for t in totals])
    for t in totals:
        rows[t["unit"]] = MatrixRow(
            unit=units[t["unit"]],
            tasks_led=t["tasks_led"],
            tasks_coordinated=t["tasks_coordinated"],
            work_items_led=t["work_items_led"],
            work_items_coordinated=t["work_items_coordinated"],
        )
    for c in cells:
        row = rows[c["unit"]]
        row.cells.setdefault(c["work_item__task"], {})[c["role"]] = c["n"]
    ordered = sorted(
        rows.values(),
        key=lambda r: (-r.work_items_led, -r.work_items_coordinated, r.unit.position, r.unit.name),
    )
    tasks = list(plan.tasks.select_related("field").order_by("field__position", "position", "pk"))
    for row in ordered:
        row.grid = [row.cells.get(task.pk, {}) for task in tasks]
    return Matrix(plan=plan, tasks=tasks, rows=ordered)
