from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from theodoi import permissions
from theodoi.core import clock
from theodoi.units.models import Unit

from .matrix import build_matrix
from .models import Assignment, Plan, Programme, Task, WorkItem


def _get_plan(request: HttpRequest, pk: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("programme", "issuer", "owner"), pk=pk)
    if not request.user.has_perm("plans.view_plan", plan):
        raise PermissionDenied
    return plan


def _assignments() -> Prefetch:
    return Prefetch("assignments", queryset=Assignment.objects.select_related("unit"))


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = permissions.visible_plans(
        request.user, Plan.objects.select_related("programme", "issuer").with_counts()
    )
    return render(request, "plans/list.html", {"plans": plans})


@login_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("issuer"), pk=pk)
    if not request.user.has_perm("plans.view_programme", programme):
        raise PermissionDenied
    objectives = programme.objectives.prefetch_related("indicators")
    plans = permissions.visible_plans(request.user, programme.plans.with_counts())
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


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request, pk)
    work_items = WorkItem.objects.order_by("position", "pk").prefetch_related(_assignments())
    tasks = Prefetch(
        "tasks", queryset=Task.objects.prefetch_related(Prefetch("work_items", work_items))
    )
    fields = plan.fields.prefetch_related(tasks)
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
    plan = _get_plan(request, pk)
    return render(request, "plans/matrix.html", {"plan": plan, "matrix": build_matrix(plan)})


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("plan", "field"), pk=pk)
    if not request.user.has_perm("plans.view_plan", task):
        raise PermissionDenied
    work_items = task.work_items.prefetch_related(_assignments())
    context = {
        "task": task,
        "plan": task.plan,
        "work_items": work_items,
        "can_change": request.user.has_perm("plans.change_task", task),
    }
    return render(request, "plans/task.html", context)


@login_required
def work_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        WorkItem.objects.select_related("task__plan", "task__field").prefetch_related(
            _assignments()
        ),
        pk=pk,
    )
    if not request.user.has_perm("plans.view_workitem", item):
        raise PermissionDenied
    return render(
        request,
        "plans/work_item.html",
        {
            "item": item,
            "plan": item.task.plan,
            "can_change": request.user.has_perm("plans.change_workitem", item),
        },
    )


@login_required
def my_work(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=unit_id)
    if not request.user.has_perm("units.view_work_of_unit", unit):
        raise PermissionDenied
    assignments = (
        Assignment.objects.filter(
            unit=unit, work_item__task__plan__in=permissions.visible_plans(request.user)
        )
        .select_related("work_item__task__plan")
        .order_by("work_item__end", "work_item__position")
    )
    today = clock.today()
    groups = {
        "lead": [a for a in assignments if a.role == Assignment.Role.LEAD],
        "coordinating": [a for a in assignments if a.role == Assignment.Role.COORDINATING],
    }
    return render(request, "plans/my_work.html", {"unit": unit, "groups": groups, "today": today})
