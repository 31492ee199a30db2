"""A plan's progress for the public: figures with the rule that makes each one.

Units only — never the names of individuals, evidence files or scores. The
figures are read live from the plan's assignments on the date shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from theodoi.core import clock
from theodoi.plans.models import Assignment, Field, Task, WorkItem

D = Assignment.Deadline

# How each status is derived: shown next to the figures.
STATUS_RULES = {
    D.OVERDUE: _("a lead unit has not finished and the end date has passed"),
    D.DUE_SOON: _("a lead unit has not finished and the end date is within 7 days"),
    D.NOT_DUE: _("not finished, the end date is more than 7 days away"),
    D.DONE_LATE: _("every lead unit finished, at least one after the end date"),
    D.DONE_ON_TIME: _("every lead unit finished by the end date"),
    D.CANCELLED: _("cancelled by an approved change"),
}
PERCENT_RULE = _(
    "The average of the lead units' own percentages as they last reported them; "
    "coordinating units are not counted."
)
COUNT_RULE = _(
    "Each work item is counted once, under the most severe status among its lead units "
    "(overdue, then due soon, not yet due, done late, done on time)."
)


@dataclass
class ItemRow:
    item: WorkItem
    leads: list[str]
    coordinating: list[str]
    status: str
    status_label: str
    percent: int


@dataclass
class Progress:
    today: date
    tasks: list[tuple[Field, Task, list[ItemRow]]] = field(default_factory=list)
    counts: list[tuple[str, str, int, Any]] = field(default_factory=list)
    total: int = 0
    percent: int = 0


def build(plan: Any) -> Progress:
    today = clock.today()
    assignments = Assignment.objects.select_related("unit").order_by("-role", "unit__position")
    items = (
        WorkItem.objects.filter(task__plan=plan)
        .select_related("task__field")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("task__field__position", "task__position", "task_id", "position", "pk")
    )
    progress = Progress(today=today)
    counter: Counter[str] = Counter()
    labels = dict(D.choices)
    percents = []
    current: tuple[Any, Any] | None = None
    for item in items:
        leads = [a for a in item.assignments.all() if a.role == Assignment.Role.LEAD]
        status = item.deadline_status(today)
        percent = round(sum(a.percent_done for a in leads) / len(leads)) if leads else 0
        row = ItemRow(
            item=item,
            leads=[a.unit.label for a in leads],
            coordinating=[a.unit.label for a in item.assignments.all() if a not in leads],
            status=status,
            status_label=labels[status],
            percent=percent,
        )
        key = (item.task.field, item.task)
        if key != current:
            progress.tasks.append((item.task.field, item.task, []))
            current = key
        progress.tasks[-1][2].append(row)
        counter[status] += 1
        percents.append(percent)
    progress.total = sum(counter.values())
    progress.percent = round(sum(percents) / len(percents)) if percents else 0
    progress.counts = [
        (status, labels[status], counter[status], STATUS_RULES[status])
        for status in Assignment.DEADLINE_SEVERITY
    ]
    return progress
