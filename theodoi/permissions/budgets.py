"""Detailed plans with budget estimates.

The lead unit's reporters (and the plan's coordinators) file and change its
detailed plan and submit it; the plan's coordinators approve it or return it;
the plan's finance reviewer unit (when configured) gives its opinion. Leadership
viewers whose reach includes the unit or the plan's coordinating body read them.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from theodoi.permissions import AnyUser, Role, fetch, reach, reaches
from theodoi.units.models import Unit

REPORTER_ROLES = (Role.AGENCY_REPORTER, Role.COMMUNE_REPORTER, Role.DISTRICT_SCORER)


def _dp(obj: Any) -> Any:
    from theodoi.budgets.models import BudgetLine

    return obj.detailed_plan if isinstance(obj, BudgetLine) else obj


def _finance_unit_id(plan: Any) -> int | None:
    cached = plan.__dict__.get("_finance_unit_id", False)
    if cached is False:
        from theodoi.budgets.models import BudgetSettings

        found = BudgetSettings.objects.filter(plan=plan).values_list("finance_unit_id", flat=True)
        cached = found.first()
        plan.__dict__["_finance_unit_id"] = cached
    return cached


@rules.predicate
def files_for_unit(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _dp(obj).unit_id, *REPORTER_ROLES)


@rules.predicate
def coordinates_plan(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _dp(obj).plan.owner_id, Role.COORDINATOR)


@rules.predicate
def oversees(user: AnyUser, obj: Any) -> bool:
    dp = _dp(obj)
    return reaches(user, dp.unit_id, Role.VIEWER) or reaches(user, dp.plan.owner_id, Role.VIEWER)


@rules.predicate
def reviews_finance(user: AnyUser, obj: Any) -> bool:
    unit_id = _finance_unit_id(_dp(obj).plan)
    return unit_id is not None and reaches(user, unit_id, *REPORTER_ROLES, Role.COORDINATOR)


rules.add_perm(
    "budgets.view_detailedplan", files_for_unit | coordinates_plan | oversees | reviews_finance
)
rules.add_perm("budgets.change_detailedplan", files_for_unit | coordinates_plan)
rules.add_perm("budgets.submit_detailedplan", files_for_unit | coordinates_plan)
rules.add_perm("budgets.decide_detailedplan", coordinates_plan)
rules.add_perm("budgets.opinion_detailedplan", reviews_finance)


@rules.predicate
def may_file_for(user: AnyUser, unit: Unit) -> bool:
    return reaches(user, unit, *REPORTER_ROLES)


# A plan's budgets: its coordinators and viewers read the summary of every unit.
@rules.predicate
def runs_plan_budgets(user: AnyUser, plan: Any) -> bool:
    return reaches(user, plan.owner_id, Role.COORDINATOR, Role.VIEWER)


@rules.predicate
def coordinates_plan_budgets(user: AnyUser, plan: Any) -> bool:
    return reaches(user, plan.owner_id, Role.COORDINATOR)


rules.add_perm("budgets.view_summary", runs_plan_budgets)
rules.add_perm("budgets.configure_budgets", coordinates_plan_budgets)


def may_file(user: AnyUser, plan: Any, unit: Unit) -> bool:
    """May the user open a detailed plan for ``unit`` under ``plan``?"""
    return may_file_for(user, unit) or reaches(user, plan.owner_id, Role.COORDINATOR)


def filing_units(user: AnyUser, plan: Any) -> QuerySet[Unit]:
    """Units the user may file a detailed plan for under the plan: its own reporter
    units (or every unit, for the plan's coordinators), among the plan's lead units."""
    from theodoi.plans.models import Assignment

    leads = Assignment.objects.filter(work_item__task__plan=plan, role=Assignment.Role.LEAD).values(
        "unit_id"
    )
    units = Unit.objects.filter(pk__in=leads)
    if reaches(user, plan.owner_id, Role.COORDINATOR):
        return units
    return units.filter(pk__in=reach(user, *REPORTER_ROLES))


def visible_detailed_plans(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.budgets.models import DetailedPlan

    queryset = DetailedPlan.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(
        Q(unit_id__in=reach(user, *REPORTER_ROLES, Role.VIEWER))
        | Q(plan__owner_id__in=reach(user, Role.COORDINATOR, Role.VIEWER))
        | Q(plan__budget_settings__finance_unit_id__in=reach(user))
    )


ACTIONS = {
    "view": "budgets.view_detailedplan",
    "change": "budgets.change_detailedplan",
    "submit": "budgets.submit_detailedplan",
    "approve": "budgets.decide_detailedplan",
    "return": "budgets.decide_detailedplan",
    "revise": "budgets.change_detailedplan",
    "opinion": "budgets.opinion_detailedplan",
}


def _rule(action: str) -> str:
    try:
        return ACTIONS[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}; one of {sorted(ACTIONS)}") from None


def access_detailed_plan(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A detailed plan. Actions: view, change, submit, approve, return, revise, opinion."""
    from theodoi.budgets.models import DetailedPlan

    queryset = DetailedPlan.objects.select_related("plan__owner", "plan__issuer", "unit")
    return fetch(user, queryset, pk, ACTIONS["view"], _rule(action))


def access_budget_line(user: AnyUser, pk: Any, action: str = "view") -> Any:
    from theodoi.budgets.models import BudgetLine

    queryset = BudgetLine.objects.select_related(
        "detailed_plan__plan__owner", "detailed_plan__unit"
    )
    return fetch(user, queryset, pk, ACTIONS["view"], _rule(action))


def access_plan_budgets(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A plan whose budget summary the user reads (its coordinators and viewers), or
    whose finance reviewer it chooses (``configure``: its coordinators)."""
    from theodoi.plans.models import Plan

    rule = {"view": "budgets.view_summary", "configure": "budgets.configure_budgets"}[action]
    queryset = Plan.objects.select_related("owner", "issuer")
    return fetch(user, queryset, pk, "plans.view_plan", rule)
