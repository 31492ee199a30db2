"""Change proposals and plan versions.

Anyone who sees a plan sees its proposals and versions. A unit proposes
changes to the work items it leads (a proposal to add a work item names it
among the new leads); the plan's coordinators propose for anyone, issue the
plan and decide. A consulted unit's members answer its consultation.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from theodoi.permissions import AnyUser, Role, fetch, memberships, reaches
from theodoi.permissions.plans import (
    _plan_of,
    can_see_plan_of,
    coordinates_plan_of,
    plan_issued,
    visible_plans,
)
from theodoi.units.models import Unit

# Roles whose members speak for their own unit: they propose for it and answer for it.
SPEAKING_ROLES = (
    Role.COORDINATOR,
    Role.AGENCY_REPORTER,
    Role.COMMUNE_REPORTER,
    Role.DISTRICT_SCORER,
)


def own_units(user: AnyUser) -> dict[int, Unit]:
    """The units the user speaks for (its own units in a speaking role)."""
    return {m.unit_id: m.unit for m in memberships(user) if m.role in SPEAKING_ROLES}


def visible_proposals(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.plans.models import ChangeProposal

    queryset = ChangeProposal.objects.all() if queryset is None else queryset
    return queryset.filter(plan__in=visible_plans(user))


def visible_versions(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.plans.models import PlanVersion

    queryset = PlanVersion.objects.all() if queryset is None else queryset
    return queryset.filter(plan__in=visible_plans(user))


@rules.predicate
def may_propose(user: AnyUser, obj: Any) -> bool:
    """Coordinators of the plan, or anyone who speaks for a unit (leading is checked per item)."""
    return coordinates_plan_of(user, obj) or bool(own_units(user))


@rules.predicate
def is_consulted(user: AnyUser, obj: Any) -> bool:
    return bool(answerable(user, obj))


rules.add_perm("plans.view_changeproposal", can_see_plan_of)
rules.add_perm("plans.propose_plan", can_see_plan_of & may_propose)
rules.add_perm("plans.issue_plan", coordinates_plan_of & ~plan_issued)
rules.add_perm("plans.decide_changeproposal", coordinates_plan_of)
rules.add_perm("plans.answer_changeproposal", is_consulted)
rules.add_perm("plans.view_planversion", can_see_plan_of)


def answerable(user: AnyUser, proposal: Any) -> list[Any]:
    """The proposal's open consultations the user answers for (its own units)."""
    from theodoi.plans.models import ChangeProposal

    if proposal.state != ChangeProposal.State.CONSULTING:
        return []
    mine = own_units(user)
    return [c for c in proposal.consultations.all() if c.unit_id in mine and not c.answer]


def proposing_unit(
    user: AnyUser, plan: Any, work_item: Any = None, leads: Any = (), task: Any = None
) -> Unit:
    """The unit ``user`` proposes for: the plan's coordinating body for its coordinators,
    else the user's own unit that leads ``work_item`` (or is among the new ``leads``),
    or that leads ``task``: every one of its work items not cancelled.

    PermissionDenied when the user's units lead none of it.
    """
    if reaches(user, _plan_of(plan).owner_id, Role.COORDINATOR):
        return plan.owner
    if task is not None:
        from theodoi.plans.models import Assignment

        leads_by_item: dict[int, set[int]] = {}
        for item_id, unit_id, status in Assignment.objects.filter(
            work_item__task=task, role=Assignment.Role.LEAD
        ).values_list("work_item_id", "unit_id", "status"):
            if status != Assignment.Status.CANCELLED:
                leads_by_item.setdefault(item_id, set()).add(unit_id)
        common = set.intersection(*leads_by_item.values()) if leads_by_item else set()
        for unit_id, unit in own_units(user).items():
            if unit_id in common:
                return unit
        raise PermissionDenied(
            _(
                "Your unit does not lead this task: only the unit leading all its work items, "
                "or the plan's coordinators, propose changes to it."
            )
        )
    if work_item is not None:
        lead_ids = {a.unit_id for a in work_item.assignments.all() if a.role == "lead"}
    else:
        lead_ids = {int(pk) for pk in leads}
    for unit_id, unit in own_units(user).items():
        if unit_id in lead_ids:
            return unit
    raise PermissionDenied(
        _(
            "Your unit does not lead this work item: only its lead units, "
            "or the plan's coordinators, propose changes to it."
        )
    )


def access_proposal(
    user: AnyUser, pk: Any, action: str = "view", *, queryset: QuerySet[Any] | None = None
) -> Any:
    """A change proposal. Actions: ``view``, ``answer``, ``decide``."""
    from theodoi.plans.models import ChangeProposal

    if queryset is None:
        queryset = ChangeProposal.objects.select_related(
            "plan__owner", "plan__issuer", "unit", "work_item", "task", "proposed_by"
        ).prefetch_related("consultations__unit")
    perm = action if "." in action else f"plans.{action}_changeproposal"
    return fetch(user, queryset, pk, "plans.view_changeproposal", perm)


def access_version(user: AnyUser, plan: Any, number: Any) -> Any:
    """Version ``number`` of a plan the caller already fetched (Http404 when none)."""
    from django.http import Http404

    from theodoi.permissions import parse_id

    version = plan.versions.filter(number=parse_id(number)).first()
    if version is None or not user.has_perm("plans.view_planversion", version):
        raise Http404
    return version
