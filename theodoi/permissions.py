"""The one place that answers "may this user do this to this object".

Pages and the API both ask here: through ``user.has_perm(name, obj)`` (the
rules registered at the bottom of this module) and through the ``visible_*``
functions that scope lists. Nothing else checks permissions.

The model: every account has one or more memberships, each a role in a unit.
A role's rights reach the unit's subtree only. Staff of an advisory body (a
Party *ban* such as the Ban Tuyên giáo) act for the committee above it, so a
coordinator in the Ban Tuyên giáo Tỉnh ủy reaches the whole Tỉnh ủy subtree,
while an agency reporter in the Ban Dân vận reaches only the Ban Dân vận.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import rules
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from theodoi.units.models import Membership, Unit

Role = Membership.Role
AnyUser = AbstractBaseUser | AnonymousUser

# Roles that act on the subtree of the committee their unit serves.
ACTING_ROLES = frozenset({Role.COORDINATOR, Role.VIEWER, Role.ADMIN, Role.DISTRICT_SCORER})
ALL_ROLES = frozenset(Role)


def memberships(user: AnyUser) -> list[Membership]:
    """The user's memberships with their units, loaded once per user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_theodoi_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._theodoi_memberships = cached  # type: ignore[union-attr]
    return cached


def roles(user: AnyUser) -> set[str]:
    return {m.role for m in memberships(user)}


def has_role(user: AnyUser, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def _subtree_ids(root_ids: Iterable[int]) -> frozenset[int]:
    ids: set[int] = set()
    for root in set(root_ids):
        ids.update(Unit.objects.descendants(root, include_self=True).values_list("pk", flat=True))
    return frozenset(ids)


def reach(user: AnyUser, *wanted: str) -> frozenset[int]:
    """Ids of the units the user's memberships in the given roles reach.

    With no roles given, all of the user's roles count. A superuser reaches
    every unit.
    """
    if not user.is_authenticated:
        return frozenset()
    wanted_roles = frozenset(wanted) or ALL_ROLES
    cache: dict[frozenset[str], frozenset[int]] = user.__dict__.setdefault("_theodoi_reach", {})
    if wanted_roles not in cache:
        if user.is_superuser:
            cache[wanted_roles] = frozenset(Unit.objects.values_list("pk", flat=True))
        else:
            roots = [
                m.unit.jurisdiction_id if m.role in ACTING_ROLES else m.unit_id
                for m in memberships(user)
                if m.role in wanted_roles
            ]
            cache[wanted_roles] = _subtree_ids(roots)
    return cache[wanted_roles]


def reaches(user: AnyUser, unit: Unit | int | None, *wanted: str) -> bool:
    if unit is None:
        return False
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    return unit_id in reach(user, *wanted)


def home_ids(user: AnyUser) -> frozenset[int]:
    """Ids of the user's own units and all their ancestors."""
    cache = getattr(user, "_theodoi_home", None)
    if cache is None:
        ids: set[int] = set()
        for m in memberships(user):
            ids.update(
                Unit.objects.ancestors(m.unit, include_self=True).values_list("pk", flat=True)
            )
        cache = frozenset(ids)
        user._theodoi_home = cache  # type: ignore[union-attr]
    return cache


def may_administer(user: AnyUser, unit: Unit | None = None) -> bool:
    """Administrators manage units and accounts of their subtree (Django admin)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if unit is None:
        return has_role(user, Role.ADMIN)
    return reaches(user, unit, Role.ADMIN)


# Lists -------------------------------------------------------------------


def visible_units(user: AnyUser, queryset: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    queryset = Unit.objects.all() if queryset is None else queryset
    return queryset.filter(pk__in=reach(user))


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


# Predicates ----------------------------------------------------------------


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
def is_coordinator(user: AnyUser) -> bool:
    return has_role(user, Role.COORDINATOR)


@rules.predicate
def is_admin(user: AnyUser) -> bool:
    return has_role(user, Role.ADMIN)


@rules.predicate
def unit_in_reach(user: AnyUser, unit: Unit) -> bool:
    return reaches(user, unit)


@rules.predicate
def unit_in_admin_reach(user: AnyUser, unit: Unit) -> bool:
    return reaches(user, unit, Role.ADMIN)


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


rules.add_perm("units.view_unit", unit_in_reach)
rules.add_perm("units.change_unit", unit_in_admin_reach)
rules.add_perm("units.add_unit", is_admin)
rules.add_perm("units.view_work_of_unit", unit_in_reach)

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


# units (pages) ---
# Who works where is for administrators of the unit's subtree only.
rules.add_perm("units.view_memberships", unit_in_admin_reach)

# tuyenvan people ---
# The attendance roster and the boards registry (theodoi.tuyenvan.people).
# A roster round belongs to a province: its coordinators create, generate,
# edit and publish it; everyone working in the province reads a published
# round; only its coordinators (and viewers/admins in reach) see a draft.
# Boards: everyone whose reach covers the board's unit reads it; coordinators,
# district scorers (their district's communes) and commune reporters (their
# own commune) change it.


def _round_in_home(user: AnyUser, rnd: Any) -> bool:
    return rnd.province_id in home_ids(user) or reaches(user, rnd.province_id)


@rules.predicate
def coordinates_round(user: AnyUser, rnd: Any) -> bool:
    return reaches(user, rnd.province_id, Role.COORDINATOR)


@rules.predicate
def can_see_round(user: AnyUser, rnd: Any) -> bool:
    if rnd.status == "published":
        return _round_in_home(user, rnd)
    return reaches(user, rnd.province_id, Role.COORDINATOR, Role.VIEWER, Role.ADMIN)


@rules.predicate
def is_official(user: AnyUser) -> bool:
    return has_role(user, Role.OFFICIAL)


@rules.predicate
def board_in_reach(user: AnyUser, board: Any) -> bool:
    return reaches(user, board.unit_id)


@rules.predicate
def edits_board(user: AnyUser, board: Any) -> bool:
    return reaches(
        user, board.unit_id, Role.COORDINATOR, Role.DISTRICT_SCORER, Role.COMMUNE_REPORTER
    )


rules.add_perm("tuyenvan_people.add_rosterround", is_coordinator)
rules.add_perm("tuyenvan_people.view_rosterround", can_see_round)
rules.add_perm("tuyenvan_people.change_rosterround", coordinates_round)
rules.add_perm("tuyenvan_people.view_my_roster", is_official)
# Which district a provincial official follows: coordinators, for their provinces.
rules.add_perm("tuyenvan_people.change_officialprofile", is_coordinator)
rules.add_perm("tuyenvan_people.view_board", board_in_reach)
rules.add_perm("tuyenvan_people.change_board", edits_board)


def visible_rounds(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Published rounds of a province the user works in; drafts for its coordinators,
    viewers and administrators."""
    from django.db.models import Q

    from theodoi.tuyenvan.people.models import RosterRound

    queryset = RosterRound.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    drafts = reach(user, Role.COORDINATOR, Role.VIEWER, Role.ADMIN)
    return queryset.filter(
        Q(status=RosterRound.Status.PUBLISHED, province_id__in=home_ids(user) | reach(user))
        | Q(province_id__in=drafts)
    )


def visible_boards(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.tuyenvan.people.models import Board

    queryset = Board.objects.all() if queryset is None else queryset
    return queryset.filter(unit_id__in=reach(user))


def board_editable_unit_ids(user: AnyUser) -> frozenset[int]:
    """Units whose board and teams the user may change (for lists of edit links)."""
    return reach(user, Role.COORDINATOR, Role.DISTRICT_SCORER, Role.COMMUNE_REPORTER)
