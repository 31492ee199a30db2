"""History pages of the programme, plans, fields, tasks and work items."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from theodoi.units.models import Unit

from .history import Entry, build_entries
from .models import Assignment, Field, Indicator, Objective, Plan, Programme, Task, WorkItem


def render_history(
    request: HttpRequest,
    obj: Any,
    entries: list[Entry],
    crumbs: list[tuple[str, str]],
) -> HttpResponse:
    context = {"obj": obj, "entries": entries, "crumbs": crumbs}
    return render(request, "plans/history.html", context)


def _records(model: Any, **filters: Any) -> list[Any]:
    return list(model.history.filter(**filters).select_related("history_user"))


@login_required
def programme_history(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=pk)
    if not request.user.has_perm("plans.view_programme", programme):
        raise PermissionDenied
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
    plan = get_object_or_404(Plan, pk=pk)
    if not request.user.has_perm("plans.view_plan", plan):
        raise PermissionDenied
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
    field = get_object_or_404(Field.objects.select_related("plan"), pk=pk)
    if not request.user.has_perm("plans.view_plan", field):
        raise PermissionDenied
    url = field.plan.get_absolute_url()
    entries = build_entries(_records(Field, id=pk))
    return render_history(request, field, entries, [(url, field.plan.number)])


@login_required
def task_history(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("plan"), pk=pk)
    if not request.user.has_perm("plans.view_plan", task):
        raise PermissionDenied
    crumbs = [
        (task.plan.get_absolute_url(), task.plan.number),
        (task.get_absolute_url(), str(task)),
    ]
    return render_history(request, task, build_entries(_records(Task, id=pk)), crumbs)


@login_required
def work_item_history(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(WorkItem.objects.select_related("task__plan"), pk=pk)
    if not request.user.has_perm("plans.view_workitem", item):
        raise PermissionDenied
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
