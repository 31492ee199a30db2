"""Totals of the approved estimates and what the period's reports say was spent.

Estimate: the lines of the detailed plans in force (approved, not superseded).
Spent: ``budget_spent`` of the lead entries of the period's received reports
(the unit's report on a work item it leads). They are compared per unit and
work item, then summed by unit, field, work item or funding source (the reports
do not split spending by source, so that view has estimates only).

Flags, per unit and work item: *overspent* when a unit with an approved detailed
plan spent more than it estimates (spending on a work item it left out of its
plan included); *unspent* when the work item has ended by the period's end, has
an estimate and no spending reported. Spending of a unit without an approved
detailed plan is counted in the spent totals but is over no estimate: it is
*unplanned*.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum

from theodoi.core import clock
from theodoi.plans.models import Plan, WorkItem
from theodoi.units.models import Unit

from .models import BudgetLine, DetailedPlan, FundingSource

BY = ("unit", "field", "work_item", "source")


@dataclass
class Cell:
    """One unit's estimate and spending on one work item."""

    unit: Unit
    work_item: WorkItem
    estimate: int = 0
    spent: int | None = None
    ended: bool = False
    # The unit has an approved detailed plan (otherwise nothing can be over its estimate).
    planned: bool = True

    @property
    def overspent(self) -> bool:
        return self.planned and (self.spent or 0) > self.estimate

    @property
    def unspent(self) -> bool:
        return self.ended and self.estimate > 0 and not self.spent


@dataclass
class Row:
    key: str
    label: str
    estimate: int = 0
    spent: int | None = None
    overspent_items: int = 0
    unspent_items: int = 0
    unplanned_items: int = 0
    # Spending of units with an approved detailed plan: what the estimate covers.
    planned_spent: int = 0
    by_source: dict[str, int] = field(default_factory=dict)

    @property
    def remaining(self) -> int | None:
        return None if self.spent is None else self.estimate - self.spent

    @property
    def overspent(self) -> bool:
        """Units with an approved detailed plan spent more than it estimates."""
        return self.planned_spent > self.estimate

    @property
    def rate(self) -> float | None:
        """Spent as a percentage of the estimate, one decimal."""
        if self.spent is None or not self.estimate:
            return None
        return round(100 * self.spent / self.estimate, 1)


@dataclass
class Summary:
    plan: Plan
    period: Any
    cells: list[Cell]
    lines: list[BudgetLine]
    awaiting: list[DetailedPlan]

    @property
    def estimate(self) -> int:
        return sum(c.estimate for c in self.cells)

    @property
    def spent(self) -> int:
        return sum(c.spent or 0 for c in self.cells)

    def rows(self, by: str) -> list[Row]:
        if by not in BY:
            raise ValueError(by)
        if by == "source":
            totals: dict[str, int] = defaultdict(int)
            for line in self.lines:
                totals[line.source] += line.amount
            return [
                Row(key, str(label), estimate=totals[key])
                for key, label in FundingSource.choices
                if key in totals
            ]
        groups: dict[str, Row] = {}
        for cell in self.cells:
            if by == "unit":
                key, label = str(cell.unit.pk), cell.unit.name
            elif by == "field":
                key, label = str(cell.work_item.task.field_id), cell.work_item.task.field.name
            else:
                key, label = str(cell.work_item.pk), str(cell.work_item)
            row = groups.setdefault(key, Row(key, label))
            row.estimate += cell.estimate
            if cell.spent is not None:
                row.spent = (row.spent or 0) + cell.spent
                if cell.planned:
                    row.planned_spent += cell.spent
            row.unplanned_items += not cell.planned
            row.overspent_items += cell.overspent
            row.unspent_items += cell.unspent
        for line in self.lines:
            if by == "unit":
                key = str(line.detailed_plan.unit_id)
            elif by == "field":
                key = str(line.work_item.task.field_id)
            else:
                key = str(line.work_item_id)
            sources = groups[key].by_source
            sources[line.source] = sources.get(line.source, 0) + line.amount
        return list(groups.values())


def default_period(plan: Plan) -> Any:
    """The period whose reports give the spending: the latest ended one with reports
    received (the longest of those ending on the same day), else None."""
    from theodoi.reporting.models import ReportingPeriod

    return (
        ReportingPeriod.objects.filter(
            plan=plan, end__lte=clock.today(), reports__first_submitted_at__isnull=False
        )
        .order_by("-end", "start")
        .first()
    )


def summarise(plan: Plan, period: Any = None, *, default: bool = True) -> Summary:
    """The plan's estimates in force beside the period's spending (a fixed number of queries)."""
    from theodoi.reporting.models import ProgressEntry

    if period is None and default:
        period = default_period(plan)
    lines = list(
        BudgetLine.objects.filter(
            detailed_plan__plan=plan, detailed_plan__state=DetailedPlan.State.APPROVED
        ).select_related("detailed_plan__unit", "work_item__task__field")
    )
    cells: dict[tuple[int, int], Cell] = {}
    end = period.end if period is not None else None
    for line in lines:
        key = (line.detailed_plan.unit_id, line.work_item_id)
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = Cell(
                line.detailed_plan.unit,
                line.work_item,
                ended=end is not None and line.work_item.end <= end,
            )
        cell.estimate += line.amount
    if period is not None:
        spent = (
            ProgressEntry.objects.filter(
                report__period=period,
                report__first_submitted_at__isnull=False,
                role=ProgressEntry.Role.LEAD,
                budget_spent__isnull=False,
            )
            .values("report__unit_id", "work_item_id")
            .annotate(total=Sum("budget_spent"))
            .order_by()
        )
        missing: list[tuple[int, int, int]] = []
        for row in spent:
            key = (row["report__unit_id"], row["work_item_id"])
            if key in cells:
                cells[key].spent = (cells[key].spent or 0) + row["total"]
            else:
                missing.append((*key, row["total"]))
        planned_units = {line.detailed_plan.unit_id for line in lines}
        if missing:
            units = Unit.objects.in_bulk({u for u, _w, _t in missing})
            items = WorkItem.objects.select_related("task__field").in_bulk(
                {w for _u, w, _t in missing}
            )
            for unit_id, item_id, total in missing:
                cells[(unit_id, item_id)] = Cell(
                    units[unit_id], items[item_id], spent=total,
                    ended=items[item_id].end <= period.end, planned=unit_id in planned_units,
                )  # fmt: skip
    awaiting = list(
        DetailedPlan.objects.filter(plan=plan, state__in=DetailedPlan.OPEN)
        .exclude(unit_id__in={line.detailed_plan.unit_id for line in lines})
        .select_related("unit")
    )
    ordered = sorted(
        cells.values(),
        key=lambda c: (c.unit.position, c.unit.name, c.work_item.position, c.work_item.pk),
    )
    return Summary(plan=plan, period=period, cells=ordered, lines=lines, awaiting=awaiting)
