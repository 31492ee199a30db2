"""Reading pages of plans: the list, a programme, a plan, its matrix, a task, a work
item, and a unit's work. Access: ``theodoi.permissions.plans`` and ``.units``."""

from functools import cache
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format

from theodoi.core import clock
from theodoi.permissions.plans import (
    access_plan,
    access_programme,
    access_task,
    access_work_item,
    visible_plans,
)
from theodoi.permissions.units import access_unit
from theodoi.units.models import Unit

from .matrix import build_matrix
from .models import Assignment, Plan, Task, WorkItem, numbered


def _assignments() -> Prefetch:
    return Prefetch("assignments", queryset=Assignment.objects.select_related("unit"))


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = visible_plans(
        request.user, Plan.objects.select_related("programme", "issuer").with_counts()
    )
    return render(request, "plans/list.html", {"plans": plans})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access_programme(request.user, pk)
    objectives = programme.objectives.prefetch_related("indicators")
    plans = visible_plans(request.user, programme.plans.with_counts())
    return render(
        request,
        "plans/programme.html",
        {
            "programme": programme,
            "objectives": objectives,
            "plans": plans,
            "can_change": request.user.has_perm("plans.change_programme", programme),
            "can_add_plan": request.user.has_perm("plans.add_plan", programme),
        },
    )


# begin perf
def _url_maker(name: str) -> Any:
    """``reverse(name, args=[pk])`` for many pks at the cost of one reverse()."""
    marker = 987654321987
    pattern = reverse(name, args=[marker]).replace(str(marker), "{}")
    return pattern.format


def plan_tree(plan: Plan) -> list[dict[str, Any]]:
    """A plan's fields › tasks › work items › assignments as plain dicts, in the
    order of their models (4 queries of ``.values()``: no model objects).

    The plan page shows every work item of the plan with its units; its 200 work
    items were ~2,100 model objects and 400 ``reverse()`` calls a request."""
    fields = list(plan.fields.values("id", "name"))
    by_field: dict[int, list[dict[str, Any]]] = {}
    for field in fields:
        field["pk"] = field["id"]
        field["tasks"] = by_field[field["id"]] = []
    task_url, item_url = _url_maker("plans:task"), _url_maker("plans:work-item")
    tasks: dict[int, list[dict[str, Any]]] = {}
    for t in Task.objects.filter(field_id__in=list(by_field)).values(
        "id", "field_id", "number", "title"
    ):
        items: list[dict[str, Any]] = []
        tasks[t["id"]] = items
        by_field[t["field_id"]].append(
            {
                "label": numbered(t["number"], t["title"]),
                "url": task_url(t["id"]),
                "work_items": items,
            }
        )
    work_items: dict[int, list[dict[str, Any]]] = {}
    day = cache(date_format)  # what {{ date }} shows, once per day: items share their days
    for w in (
        WorkItem.objects.filter(task_id__in=list(tasks))
        .order_by("position", "pk")
        .values("id", "task_id", "number", "title", "start", "end")
    ):
        badges: list[dict[str, Any]] = []
        work_items[w["id"]] = badges
        tasks[w["task_id"]].append(
            {
                "label": numbered(w["number"], w["title"]),
                "url": item_url(w["id"]),
                "start": day(w["start"]),
                "end": day(w["end"]),
                "assignments": badges,
            }
        )
    roles = {value: str(label) for value, label in Assignment.Role.choices}
    for item_id, role, short_name, name in (
        Assignment.objects.filter(work_item_id__in=list(work_items))
        .order_by("work_item_id", "-role", "unit__position", "unit__name")
        .values_list("work_item_id", "role", "unit__short_name", "unit__name")
    ):
        work_items[item_id].append(  # what {% unit_badges %} shows of an Assignment
            {"role": role, "role_display": roles[role], "label": short_name or name}
        )
    return fields


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    fields = plan_tree(plan)
    # end perf
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "fields": fields,
            "legal_bases": plan.legal_bases.all(),
            "can_change": request.user.has_perm("plans.change_plan", plan),
        },
    )


@login_required
def plan_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    return render(request, "plans/matrix.html", {"plan": plan, "matrix": build_matrix(plan)})


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = access_task(request.user, pk)
    work_items = task.work_items.prefetch_related(_assignments())
    context = {
        "task": task,
        "plan": task.plan,
        "work_items": work_items,
        "can_change": request.user.has_perm("plans.change_task", task)
        or request.user.has_perm("plans.amend_task", task),
    }
    return render(request, "plans/task.html", context)


@login_required
def work_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = access_work_item(
        request.user,
        pk,
        queryset=WorkItem.objects.select_related("task__plan", "task__field").prefetch_related(
            _assignments()
        ),
    )
    return render(
        request,
        "plans/work_item.html",
        {
            "item": item,
            "plan": item.task.plan,
            "can_change": request.user.has_perm("plans.change_workitem", item)
            or request.user.has_perm("plans.amend_workitem", item),
        },
    )


@login_required
def my_work(request: HttpRequest, unit_id: int) -> HttpResponse:
    """What a unit leads and coordinates, by due date, with filters by plan and status.

    ``?sub=1`` adds the work of the units under it (a district committee sees
    its communes' work items), each row naming its unit.
    """
    unit = access_unit(request.user, unit_id, "view_work_of_unit")
    with_sub = request.GET.get("sub") == "1"
    if with_sub:
        unit_ids = list(
            Unit.objects.descendants(unit, include_self=True).values_list("pk", flat=True)
        )
    else:
        unit_ids = [unit.pk]
    plans = list(
        visible_plans(request.user)
        .filter(tasks__work_items__assignments__unit__in=unit_ids)
        .distinct()
        .order_by("-year", "number")
    )
    chosen_plan = next((p for p in plans if str(p.pk) == request.GET.get("plan")), None)
    chosen_status = request.GET.get("status", "")
    if chosen_status not in Assignment.Deadline.values:
        chosen_status = ""
    assignments = (
        Assignment.objects.filter(
            unit__in=unit_ids, work_item__task__plan__in=[p.pk for p in plans]
        )
        .select_related("work_item__task__plan", "unit")
        .prefetch_related(Prefetch("work_item__assignments", queryset=Assignment.objects.all()))
        .order_by(
            "work_item__end",
            "work_item__task__plan__number",
            "work_item__position",
            "work_item_id",
            "unit__position",
            "unit__name",
        )
    )
    if chosen_plan:
        assignments = assignments.filter(work_item__task__plan=chosen_plan)
    today = clock.today()
    rows = []
    for a in assignments:
        # A coordinating unit follows the lead units' deadline, not its own.
        if a.role == Assignment.Role.LEAD:
            status = a.deadline_status(today)
        else:
            status = a.work_item.deadline_status(today)
        if not chosen_status or status == chosen_status:
            rows.append({"a": a, "status": status, "label": Assignment.Deadline(status).label})
    groups = {
        "lead": [r for r in rows if r["a"].role == Assignment.Role.LEAD],
        "coordinating": [r for r in rows if r["a"].role == Assignment.Role.COORDINATING],
    }
    context = {
        "unit": unit,
        "groups": groups,
        "today": today,
        "plans": plans,
        "chosen_plan": chosen_plan,
        "statuses": Assignment.Deadline.choices,
        "chosen_status": chosen_status,
        "with_sub": with_sub,
        "has_sub": len(unit_ids) > 1 or Unit.objects.filter(parent=unit).exists(),
    }
    return render(request, "plans/my_work.html", context)
