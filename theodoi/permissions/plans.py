"""Plans: programmes (objectives, indicators), plans, fields, tasks, work items.

Pages and the API fetch each of these with its ``access_<thing>(user, pk,
action)``: the object, or Http404 when it does not exist or the user may not
see it, or PermissionDenied when the user sees it but may not do ``action``
(``"view"``, ``"change"``, ``"delete"``, or a rule of its own such as
``"add_task"`` on a plan). Lists use ``visible_plans``/``visible_work_items``.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from theodoi.core.prepared import Prepared, slot
from theodoi.permissions import (
    AnyUser,
    Role,
    fetch,
    home_ids,
    is_coordinator,
    look_up_units,
    parse_id,
    reach,
    reach_shape,
    reach_values,
    reaches,
    reaches_history,
)
from theodoi.units.models import Unit, rows_in_home_or_history_sql


def visible_plans(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Plans issued by a committee the user works under, or within the user's reach."""
    from theodoi.plans.models import Plan

    queryset = Plan.objects.all() if queryset is None else queryset
    kind, values = reach_shape(user)
    return plans_in_reach(queryset, kind, values)


def plans_in_reach(queryset: QuerySet[Any], kind: str, values: dict[str, Any] | None) -> Any:
    """``visible_plans``'s rule for a reach of ``reach_shape``'s ``kind``: ``values``
    as it gives them, or ``None`` in a Prepared query's builder (placeholders)."""
    if kind == "all":
        return queryset
    return queryset.filter(pk__in=_plan_ids_in_reach(kind, values))


def _plan_ids_in_reach(kind: str, values: dict[str, Any] | None) -> Any:
    """The ids of the plans whose issuer is in ``home_ids(user) | history_reach(user)``
    (the reach of ``reach_shape``): a sub-query
    of the list's own (perf: no round trip for the reach first), walking up from
    each plan's issuer (history_reach: the plans of the committees the user's
    units succeeded, for reading)."""
    from theodoi.plans.models import Plan

    if kind == "none":
        return []
    values = reach_values(values)
    sql, params = rows_in_home_or_history_sql(
        Plan._meta.db_table, "issuer_id", values["reach_roots"], values["reach_homes"]
    )
    return RawSQL(sql, params)  # noqa: S611 - built from quoted names and placeholders


def visible_work_items(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.plans.models import WorkItem

    queryset = WorkItem.objects.all() if queryset is None else queryset
    kind, values = reach_shape(user)
    return work_items_in_reach(queryset, kind, values)


def work_items_in_reach(
    queryset: QuerySet[Any], kind: str, values: dict[str, Any] | None = None
) -> QuerySet[Any]:
    """``visible_work_items``'s rule for a reach of ``reach_shape``'s ``kind``: with
    its ``values``, or placeholders for them (``None``, in a Prepared query's builder)."""
    if kind == "all":
        return queryset
    return queryset.filter(task__plan_id__in=_plan_ids_in_reach(kind, values))


def coordinated_units(user: AnyUser, queryset: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    """Units the user coordinates for: those that may own (coordinate) a plan it edits."""
    queryset = Unit.objects.all() if queryset is None else queryset
    return queryset.filter(pk__in=reach(user, Role.COORDINATOR))


def _plan_of(obj: Any) -> Any:
    """The plan an object of the plans app belongs to."""
    from theodoi.plans.models import (
        Assignment,
        ChangeProposal,
        Field,
        Plan,
        PlanVersion,
        Task,
        WorkItem,
    )

    if isinstance(obj, Plan):
        return obj
    if isinstance(obj, ChangeProposal | PlanVersion):
        return obj.plan
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
    return plan.issuer_id in home_ids(user) or reaches_history(user, plan.issuer_id)


@rules.predicate
def coordinates_plan_of(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _plan_of(obj).owner_id, Role.COORDINATOR)


def _programme_of(obj: Any) -> Any:
    """The programme an objective or indicator belongs to (or the programme itself)."""
    from theodoi.plans.models import Indicator, Objective

    if isinstance(obj, Indicator):
        return obj.objective.programme
    if isinstance(obj, Objective):
        return obj.programme
    return obj


@rules.predicate
def coordinates_programme(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _programme_of(obj).issuer_id, Role.COORDINATOR)


@rules.predicate
def can_see_programme(user: AnyUser, obj: Any) -> bool:
    """As a plan (``can_see_plan_of``): the committees the user works under, its
    reach, and those its units succeeded (the new Tỉnh ủy reads Đề án 17 of the
    old one, whose plans it already lists)."""
    issuer_id = _programme_of(obj).issuer_id
    return issuer_id in home_ids(user) or reaches_history(user, issuer_id)


# begin proposals
# Once a plan is issued (it has a version), its tasks and work items change by
# change proposal, or directly only with a decision of the issuing body
# ("amend_*"); once a programme has an issued plan, its objectives and
# indicators are fixed the same way.


@rules.predicate
def plan_issued(user: AnyUser, obj: Any) -> bool:
    from theodoi.plans.proposals import is_issued

    plan = _plan_of(obj)
    known = getattr(plan, "_theodoi_issued", None)  # read with it by access_task
    return is_issued(plan.pk) if known is None else known


@rules.predicate
def programme_fixed(user: AnyUser, obj: Any) -> bool:
    from theodoi.plans.proposals import programme_issued

    return programme_issued(_programme_of(obj).pk)


coordinates_open_programme = coordinates_programme & ~programme_fixed
coordinates_open_plan = coordinates_plan_of & ~plan_issued
for _noun in ("programme", "objective", "indicator"):
    rules.add_perm(f"plans.amend_{_noun}", coordinates_programme & programme_fixed)
for _noun in ("plan", "field", "task", "workitem"):
    rules.add_perm(f"plans.amend_{_noun}", coordinates_plan_of & plan_issued)
# The programme's yearly results: its coordinators record them.
rules.add_perm("plans.record_values", coordinates_programme)
# end proposals

rules.add_perm("plans.view_programme", can_see_programme)
rules.add_perm("plans.change_programme", coordinates_programme)
# Objectives and indicators belong to the programme: its coordinators edit them.
rules.add_perm("plans.view_objective", can_see_programme)
rules.add_perm("plans.add_objective", coordinates_open_programme)
rules.add_perm("plans.change_objective", coordinates_open_programme)
rules.add_perm("plans.delete_objective", coordinates_open_programme)
rules.add_perm("plans.view_indicator", can_see_programme)
rules.add_perm("plans.add_indicator", coordinates_open_programme)
rules.add_perm("plans.change_indicator", coordinates_open_programme)
rules.add_perm("plans.delete_indicator", coordinates_open_programme)
rules.add_perm("plans.add_plan", is_coordinator)
rules.add_perm("plans.view_plan", can_see_plan_of)
rules.add_perm("plans.change_plan", coordinates_plan_of)
rules.add_perm("plans.view_workitem", can_see_plan_of)
rules.add_perm("plans.change_workitem", coordinates_open_plan)
rules.add_perm("plans.add_workitem", coordinates_open_plan)


# plans (pages) ---
# Fields, tasks and work items belong to the plan: whoever coordinates the
# plan creates, edits and deletes them, and imports its task table.
rules.add_perm("plans.view_field", can_see_plan_of)
rules.add_perm("plans.view_task", can_see_plan_of)
rules.add_perm("plans.add_field", coordinates_open_plan)
rules.add_perm("plans.change_field", coordinates_open_plan)
rules.add_perm("plans.delete_field", coordinates_open_plan)
rules.add_perm("plans.add_task", coordinates_open_plan)
rules.add_perm("plans.change_task", coordinates_open_plan)
rules.add_perm("plans.delete_task", coordinates_open_plan)
rules.add_perm("plans.delete_workitem", coordinates_open_plan)
rules.add_perm("plans.import_plan", coordinates_open_plan)
rules.add_perm("plans.export_plan", can_see_plan_of)


# Fetching one object -------------------------------------------------------------


def _perm(action: str, noun: str) -> str:
    """``"change"`` → ``plans.change_<noun>``; ``"add_task"`` → ``plans.add_task``."""
    if "." in action:
        return action
    return f"plans.{action}" if "_" in action else f"plans.{action}_{noun}"


def access_programme(
    user: AnyUser, pk: Any, action: str = "view", *, queryset: QuerySet[Any] | None = None
) -> Any:
    """A programme. Actions: ``view``, ``change``, ``add_plan``, ``add_objective``."""
    from theodoi.plans.models import Programme

    queryset = Programme.objects.select_related("issuer") if queryset is None else queryset
    return fetch(user, queryset, pk, "plans.view_programme", _perm(action, "programme"))


def access_objective(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """An objective of a programme. Actions: ``view``, ``change``, ``delete``, ``add_indicator``."""
    from theodoi.plans.models import Objective

    queryset = Objective.objects.select_related("programme__issuer")
    return fetch(user, queryset, pk, "plans.view_objective", _perm(action, "objective"))


def access_indicator(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """An indicator of an objective. Actions: ``view``, ``change``, ``delete``."""
    from theodoi.plans.models import Indicator

    queryset = Indicator.objects.select_related("objective__programme__issuer")
    return fetch(user, queryset, pk, "plans.view_indicator", _perm(action, "indicator"))


def access_plan(
    user: AnyUser, pk: Any, action: str = "view", *, queryset: QuerySet[Any] | None = None
) -> Any:
    """A plan. Actions: ``view``, ``change``, ``import``, ``export``, ``add_field``,
    ``add_task``. ``queryset`` (of plans) loads more with it."""
    from theodoi.plans.models import Plan

    if queryset is None:
        queryset = Plan.objects.select_related("programme", "issuer", "owner")
    return fetch(user, queryset, pk, "plans.view_plan", _perm(action, "plan"))


def access_field(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A field (lĩnh vực) of a plan. Actions: ``view``, ``change``, ``delete``."""
    from theodoi.plans.models import Field

    queryset = Field.objects.select_related("plan__programme", "plan__issuer", "plan__owner")
    return fetch(user, queryset, pk, "plans.view_field", _perm(action, "field"))


def _task_query() -> QuerySet[Any]:
    from django.db.models import Exists, OuterRef

    from theodoi.plans.models import PlanVersion, Task

    return (
        Task.objects.select_related("plan__issuer", "plan__owner", "field")
        .annotate(plan_issued=Exists(PlanVersion.objects.filter(plan_id=OuterRef("plan_id"))))
        .filter(pk=slot("pk"))
        .order_by()[:1]
    )


_TASK = Prepared(_task_query)


def access_task(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A task of a plan. Actions: ``view``, ``change``, ``delete``, ``add_workitem``."""
    # perf: the task's SQL compiled once per process; whether the plan is issued
    # (plan_issued) read with it; the rules asked about the plan's issuer and owner
    # answer from the units above those two (look_up_units, one query, with the
    # units expect_units named), not from the user's whole reach.
    task = _TASK.first(pk=parse_id(pk))
    if task is None:
        raise Http404
    task.plan._theodoi_issued = task.plan_issued
    look_up_units(user, [task.plan.issuer_id, task.plan.owner_id])
    if not user.has_perm("plans.view_task", task):
        raise Http404
    perm = _perm(action, "task")
    if perm != "plans.view_task" and not user.has_perm(perm, task):
        raise PermissionDenied
    return task


def _work_item_row_query(
    kind: str, fields: tuple[str, ...], ordering: tuple[str, ...]
) -> QuerySet[Any]:
    from theodoi.plans.models import WorkItem

    found = work_items_in_reach(WorkItem.objects.filter(pk=slot("pk")), kind)
    if not ordering:
        return found.order_by("pk").values_list(*fields)[:1]
    return found.order_by(*ordering).values_list(*fields)


_WORK_ITEM_ROW = Prepared(_work_item_row_query)


def work_item_rows(
    user: AnyUser, pk: Any, fields: tuple[str, ...], ordering: tuple[str, ...] = ()
) -> list[tuple[Any, ...]]:
    """``access_work_item(user, pk)`` (viewing) as the rows of ``fields``: the same
    rule (``visible_work_items``), in one prepared query; Http404 outside it.
    ``fields`` may follow the work item's relations (``assignments__unit__name``:
    a row per assignment, in ``ordering``); without ``ordering``, one row."""
    kind, values = reach_shape(user)
    found = _WORK_ITEM_ROW.rows((kind, fields, ordering), pk=parse_id(pk), **values)
    if not found:
        raise Http404
    return found


def work_item_row(user: AnyUser, pk: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """``work_item_rows`` of the work item's own ``fields``, as a dict."""
    return dict(zip(fields, work_item_rows(user, pk, fields)[0], strict=True))


def access_work_item(
    user: AnyUser, pk: Any, action: str = "view", *, queryset: QuerySet[Any] | None = None
) -> Any:
    """A work item. Actions: ``view``, ``change``, ``delete``. ``queryset`` (of work
    items) loads more with it; for ``view``, it may be a ``.values()`` query (the
    row is returned)."""
    from theodoi.plans.models import WorkItem

    if queryset is None:
        queryset = WorkItem.objects.select_related(
            "task__plan__issuer", "task__plan__owner", "task__field"
        )
    if action == "view":
        # perf: "plans.view_workitem" (can_see_plan_of) checked by the query itself,
        # the same rule as visible_work_items: no round trip for the reach.
        found = visible_work_items(user, queryset).filter(pk=parse_id(pk)).first()
        if found is None:
            raise Http404
        return found
    return fetch(user, queryset, pk, "plans.view_workitem", _perm(action, "workitem"))
