"""Plans: programmes, plans, fields, tasks, work items."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet

from theodoi.permissions import (
    AnyUser,
    Role,
    home_ids,
    is_coordinator,
    reach,
    reaches,
)


def visible_plans(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Plans issued by a committee the user works under, or within the user's reach."""
    from theodoi.plans.models import Plan

    queryset = Plan.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(issuer_id__in=home_ids(user) | reach(user))


def visible_work_items(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.plans.models import WorkItem

    queryset = WorkItem.objects.all() if queryset is None else queryset
    return queryset.filter(task__plan__in=visible_plans(user))


def _plan_of(obj: Any) -> Any:
    """The plan an object of the plans app belongs to."""
    from theodoi.plans.models import Assignment, Field, Plan, Task, WorkItem

    if isinstance(obj, Plan):
        return obj
    if isinstance(obj, Task | Field):
        return obj.plan
    if isinstance(obj, WorkItem):
        return obj.task.plan
    if isinstance(obj, Assignment):
        return obj.work_item.task.plan
    raise TypeError(f"no plan for {type(obj).__name__}")


@rules.predicate
def can_see_plan_of(user: AnyUser, obj: Any) -> bool:
    plan = _plan_of(obj)
    return plan.issuer_id in home_ids(user) or reaches(user, plan.issuer_id)


@rules.predicate
def coordinates_plan_of(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _plan_of(obj).owner_id, Role.COORDINATOR)


@rules.predicate
def coordinates_programme(user: AnyUser, programme: Any) -> bool:
    return reaches(user, programme.issuer_id, Role.COORDINATOR)


@rules.predicate
def can_see_programme(user: AnyUser, programme: Any) -> bool:
    return programme.issuer_id in home_ids(user) or reaches(user, programme.issuer_id)


rules.add_perm("plans.view_programme", can_see_programme)
rules.add_perm("plans.change_programme", coordinates_programme)
rules.add_perm("plans.add_plan", is_coordinator)
rules.add_perm("plans.view_plan", can_see_plan_of)
rules.add_perm("plans.change_plan", coordinates_plan_of)
rules.add_perm("plans.view_workitem", can_see_plan_of)
rules.add_perm("plans.change_workitem", coordinates_plan_of)
rules.add_perm("plans.add_workitem", coordinates_plan_of)


# plans (pages) ---
# Fields, tasks and work items belong to the plan: whoever coordinates the
# plan creates, edits and deletes them, and imports its task table.
rules.add_perm("plans.add_field", coordinates_plan_of)
rules.add_perm("plans.change_field", coordinates_plan_of)
rules.add_perm("plans.delete_field", coordinates_plan_of)
rules.add_perm("plans.add_task", coordinates_plan_of)
rules.add_perm("plans.change_task", coordinates_plan_of)
rules.add_perm("plans.delete_task", coordinates_plan_of)
rules.add_perm("plans.delete_workitem", coordinates_plan_of)
rules.add_perm("plans.import_plan", coordinates_plan_of)
rules.add_perm("plans.export_plan", can_see_plan_of)
