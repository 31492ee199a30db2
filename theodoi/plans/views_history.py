"""History pages of the programme, plans, fields, tasks and work items."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from theodoi.core.history import build_entries, render_history
from theodoi.core.history import records as _records
from theodoi.permissions.plans import (
    access_field,
    access_plan,
    access_programme,
    access_task,
    access_work_item,
)
from theodoi.units.models import Unit

from .models import Assignment, Field, Indicator, Objective, Plan, Programme, Task, WorkItem


@login_required
def programme_history(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access_programme(request.user, pk)
    objectives = _records(Objective, programme_id=pk)
    indicators = _records(Indicator, objective_id__in={r.id for r in objectives})
    entries = [
        *build_entries(_records(Programme, id=pk)),
        *build_entries(objectives, lambda r: _("Objective: %(text)s") % {"text": r.text[:80]}),
        *build_entries(indicators, lambda r: _("Indicator: %(name)s") % {"name": r.name}),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    url = programme.get_absolute_url()
    return render_history(request, programme, entries, [(url, programme.code)])


@login_required
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    entries = [
        *build_entries(_records(Plan, id=pk)),
        *build_entries(
            _records(Field, plan_id=pk), lambda r: _("Field: %(name)s") % {"name": r.name}
        ),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    url = plan.get_absolute_url()
    return render_history(request, plan, entries, [(url, plan.number)])


@login_required
def field_history(request: HttpRequest, pk: int) -> HttpResponse:
    field = access_field(request.user, pk)
    url = field.plan.get_absolute_url()
    entries = build_entries(_records(Field, id=pk))
    return render_history(request, field, entries, [(url, field.plan.number)])


@login_required
def task_history(request: HttpRequest, pk: int) -> HttpResponse:
    task = access_task(request.user, pk)
    crumbs = [
        (task.plan.get_absolute_url(), task.plan.number),
        (task.get_absolute_url(), str(task)),
    ]
    return render_history(request, task, build_entries(_records(Task, id=pk)), crumbs)


@login_required
def work_item_history(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_work_item(request.user, pk)
    assignments = _records(Assignment, work_item_id=pk)
    units = Unit.objects.in_bulk({r.unit_id for r in assignments})
    roles = dict(Assignment.Role.choices)

    def subject(record: Any) -> str:
        unit = units.get(record.unit_id)
        return _("Assignment: %(unit)s (%(role)s)") % {
            "unit": unit.name if unit else record.unit_id,
            "role": roles.get(record.role, record.role),
        }

    entries = [
        *build_entries(_records(WorkItem, id=pk)),
        *build_entries(assignments, subject),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    plan = item.task.plan
    crumbs = [
        (plan.get_absolute_url(), plan.number),
        (item.task.get_absolute_url(), str(item.task)),
        (item.get_absolute_url(), str(item)),
    ]
    return render_history(request, item, entries, crumbs)
