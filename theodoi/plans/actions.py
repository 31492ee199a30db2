"""Changes to a plan that span models: work items with their assignments.

Pages, the API and the XLSX import all call these, so the rules (dates in the
plan's year, end after start, a unit never both lead and coordinator, at least
one lead) and the optimistic lock are the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils.translation import gettext as _

from theodoi.core.history import create_with_history
from theodoi.core.prepared import Prepared, slot
from theodoi.units.models import Unit

from .models import Assignment, Task, WorkItem


class StaleVersion(Exception):
    """The object changed since the editor loaded it; carries the newer object."""

    def __init__(self, current: WorkItem) -> None:
        super().__init__(_("Someone else saved this work item first."))
        self.current = current


@dataclass
class WorkItemData:
    title: str
    start: date | None
    end: date | None
    number: str = ""
    expected_output: str = ""
    coordination_note: str = ""
    leads: list[Unit] = field(default_factory=list)
    coordinating: list[Unit] = field(default_factory=list)
    # Another task of the same plan to move the work item to (None: stay).
    task: Task | None = None
    # The time frame as a plan wrote it ("Quý I/2018"); None keeps the saved one.
    time_frame: str | None = None


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def unit_lifetime(unit: Unit) -> str:
    """When a unit existed, as people read it: 'from 01/01/2019 to 30/06/2025'."""
    if unit.active_from and unit.active_to:
        return _("from %(start)s to %(end)s") % {
            "start": _day(unit.active_from),
            "end": _day(unit.active_to),
        }
    if unit.active_from:
        return _("from %(start)s") % {"start": _day(unit.active_from)}
    if unit.active_to:
        return _("until %(end)s") % {"end": _day(unit.active_to)}
    return ""


def _missing_units(units: list[Unit], start: date, end: date) -> list[str]:
    """Messages for the units that did not exist on any day of [start, end]."""
    return [
        _(
            "%(unit)s did not exist during this work item (%(start)s–%(end)s): "
            "it existed %(lifetime)s."
        )
        % {"unit": u.name, "start": _day(start), "end": _day(end), "lifetime": unit_lifetime(u)}
        for u in units
        if (u.active_from and u.active_from > end) or (u.active_to and u.active_to < start)
    ]


def validate_work_item(task: Task, data: WorkItemData) -> None:
    """Raise ValidationError with a message per field for everything wrong."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.title.strip():
        add("title", _("Enter the work item's title."))
    if data.start is None:
        add("start", _("Enter a start date."))
    if data.end is None:
        add("end", _("Enter an end date."))
    year = task.plan.year
    if data.start and data.start.year != year:
        add("start", _("The work item must fall within the plan's year %(year)s.") % {"year": year})
    if data.end and data.end.year != year:
        add("end", _("The work item must fall within the plan's year %(year)s.") % {"year": year})
    if data.start and data.end and data.end < data.start:
        add("end", _("The end date cannot be before the start date."))
    if not data.leads:
        add("leads", _("Choose at least one lead unit."))
    both = {u.pk for u in data.leads} & {u.pk for u in data.coordinating}
    if both:
        names = ", ".join(sorted(u.name for u in data.leads if u.pk in both))
        add(
            "coordinating",
            _("A unit cannot both lead and coordinate the same work item: %(units)s.")
            % {"units": names},
        )
    if data.start and data.end and data.start <= data.end:
        for name, units in (("leads", data.leads), ("coordinating", data.coordinating)):
            for message in _missing_units(units, data.start, data.end):
                add(name, message)
    if data.task is not None and data.task.plan_id != task.plan_id:
        add("task", _("A work item can only move to another task of the same plan."))
    if errors:
        raise ValidationError(errors)


def _set_assignments(
    item: WorkItem,
    data: WorkItemData,
    by: AbstractBaseUser | None,
    reason: str,
) -> None:
    wanted = {u.pk: Assignment.Role.LEAD for u in data.leads}
    wanted.update({u.pk: Assignment.Role.COORDINATING for u in data.coordinating})
    existing = {a.unit_id: a for a in item.assignments.all()}
    for unit_id, assignment in existing.items():
        if unit_id not in wanted:
            _attribute(assignment, by, reason)
            assignment.delete()
        elif assignment.role != wanted[unit_id]:
            assignment.role = wanted[unit_id]
            _attribute(assignment, by, reason)
            assignment.save(update_fields=["role"])
    for unit_id, role in wanted.items():
        if unit_id not in existing:
            assignment = Assignment(work_item=item, unit_id=unit_id, role=role)
            _attribute(assignment, by, reason)
            assignment.save()


def _attribute(obj: object, by: AbstractBaseUser | None, reason: str) -> None:
    """Tell django-simple-history who made the change and why."""
    obj._history_user = by  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]


# perf: how many work items a task has (the new one's position), compiled once
_COUNT_OF_TASK = Prepared(
    lambda: (
        WorkItem.objects.filter(task_id=slot("task"))
        .order_by()
        .values("task_id")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )
)


@transaction.atomic
def do_create_work_item(
    task: Task, data: WorkItemData, *, by: AbstractBaseUser | None, reason: str = ""
) -> WorkItem:
    validate_work_item(task, data)
    item = WorkItem(
        task=task,
        number=data.number,
        title=data.title.strip(),
        start=data.start,
        end=data.end,
        expected_output=data.expected_output,
        coordination_note=data.coordination_note,
        time_frame=data.time_frame or "",
        position=(_COUNT_OF_TASK.first(task=task.pk) or 0) + 1,
    )
    # perf: the work item, then its assignments, each with their history rows, in
    # four inserts whatever the number of units (saved one by one: two an object).
    create_with_history([item], by=by, reason=reason)
    create_with_history(
        [
            *(Assignment(work_item=item, unit=u, role=Assignment.Role.LEAD) for u in data.leads),
            *(
                Assignment(work_item=item, unit=u, role=Assignment.Role.COORDINATING)
                for u in data.coordinating
            ),
        ],
        by=by,
        reason=reason,
    )
    return item


@transaction.atomic
def do_update_work_item(
    item: WorkItem,
    data: WorkItemData,
    *,
    version: int,
    by: AbstractBaseUser | None,
    reason: str = "",
) -> WorkItem:
    """Save ``data`` over ``item`` if nobody saved it since ``version`` was read.

    Raises StaleVersion (carrying the saved values) instead of overwriting a
    newer save, and ValidationError for bad data. ``data.task`` moves the work
    item to another task of the same plan.
    """
    validate_work_item(item.task, data)
    claimed = WorkItem.objects.filter(pk=item.pk, version=version).update(version=F("version") + 1)
    if not claimed:
        raise StaleVersion(WorkItem.objects.get(pk=item.pk))
    item.refresh_from_db(fields=["version"])
    item.number = data.number
    item.title = data.title.strip()
    item.start = data.start
    item.end = data.end
    item.expected_output = data.expected_output
    item.coordination_note = data.coordination_note
    fields = ["number", "title", "start", "end", "expected_output", "coordination_note"]
    if data.time_frame is not None:
        item.time_frame = data.time_frame
        fields.append("time_frame")
    if data.task is not None and data.task.pk != item.task_id:
        item.task = data.task
        item.position = data.task.work_items.count() + 1
        fields += ["task", "position"]
    _attribute(item, by, reason)
    item.save(update_fields=fields)
    _set_assignments(item, data, by, reason)
    return item


@transaction.atomic
def do_delete_work_items(
    items: list[WorkItem], *, by: AbstractBaseUser | None, reason: str
) -> None:
    """Delete work items, recording who and why on each of them and their assignments.

    Deleting by cascade would leave the assignments' history without a reason.
    """
    for assignment in Assignment.objects.filter(work_item__in=items):
        _attribute(assignment, by, reason)
        assignment.delete()
    for item in items:
        _attribute(item, by, reason)
        item.delete()
