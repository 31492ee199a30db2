"""Activity records, the grassroots networks and the targets computed from records.

Who sees a record: every account whose reach includes the record's owner
unit, and the staff of the committees above it (a Tỉnh ủy's record is read by
its whole province, as its plans are). Who records one: the units' own
reporters and the coordinators whose reach includes the owner
(``WRITERS``); a leadership viewer reads only. The networks' registers are
read by whoever reaches the member's unit and kept by coordinators. A
target is read like a record of its scope unit and set by coordinators.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from theodoi.permissions import AnyUser, Role, fetch, home_ids, memberships, reach, reaches

WRITERS = (Role.COORDINATOR, Role.AGENCY_REPORTER, Role.DISTRICT_SCORER, Role.COMMUNE_REPORTER)


def _owner_id(obj: Any) -> int | None:
    from theodoi.activities.models import (
        Activity,
        ActivityFile,
        FollowUp,
        NetworkMember,
        NetworkStandard,
        Target,
    )

    if isinstance(obj, Activity):
        return obj.owner_id
    if isinstance(obj, ActivityFile | FollowUp):
        return obj.activity.owner_id
    if isinstance(obj, NetworkMember | NetworkStandard | Target):
        return obj.unit_id
    return getattr(obj, "pk", obj)


@rules.predicate
def sees_owner(user: AnyUser, obj: Any) -> bool:
    owner = _owner_id(obj)
    return owner is not None and (owner in home_ids(user) or reaches(user, owner))


@rules.predicate
def writes_for_owner(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _owner_id(obj), *WRITERS)


@rules.predicate
def coordinates_owner(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _owner_id(obj), Role.COORDINATOR)


@rules.predicate
def may_record(user: AnyUser, unit: Any) -> bool:
    """Records are created for a unit the user writes for (any, without one)."""
    if unit is None:
        return bool(reach(user, *WRITERS))
    return reaches(user, unit, *WRITERS)


@rules.predicate
def may_set_targets(user: AnyUser, unit: Any) -> bool:
    if unit is None:
        return bool(reach(user, Role.COORDINATOR))
    return reaches(user, unit, Role.COORDINATOR)


rules.add_perm("activities.view_activity", sees_owner)
rules.add_perm("activities.add_activity", may_record)
rules.add_perm("activities.change_activity", writes_for_owner)
rules.add_perm("activities.delete_activity", writes_for_owner)
rules.add_perm("activities.view_networkmember", sees_owner)
rules.add_perm("activities.add_networkmember", may_set_targets)
rules.add_perm("activities.change_networkmember", coordinates_owner)
rules.add_perm("activities.change_networkstandard", may_set_targets)
rules.add_perm("activities.view_target", sees_owner)
rules.add_perm("activities.add_target", may_set_targets)
rules.add_perm("activities.change_target", coordinates_owner)
rules.add_perm("activities.delete_target", coordinates_owner)


def _visible_q(user: AnyUser, field: str) -> Q:
    return Q(**{f"{field}__in": home_ids(user) | reach(user)})


def visible_activities(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.activities.models import Activity

    queryset = Activity.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(_visible_q(user, "owner_id"))


def visible_members(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.activities.models import NetworkMember

    queryset = NetworkMember.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(_visible_q(user, "unit_id"))


def visible_standards(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.activities.models import NetworkStandard

    queryset = NetworkStandard.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(_visible_q(user, "unit_id"))


def visible_targets(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.activities.models import Target

    queryset = Target.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(_visible_q(user, "unit_id"))


def recording_units(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Units the user may record activities for (an owner to choose from)."""
    from theodoi.units.models import Unit

    queryset = Unit.objects.all() if queryset is None else queryset
    return queryset.filter(pk__in=reach(user, *WRITERS))


def target_units(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Units the user may set targets and keep network registers for."""
    from theodoi.units.models import Unit

    queryset = Unit.objects.all() if queryset is None else queryset
    return queryset.filter(pk__in=reach(user, Role.COORDINATOR))


def linkable_plans(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Plans a target may belong to: those the user coordinates."""
    from theodoi.plans.models import Plan

    queryset = Plan.objects.all() if queryset is None else queryset
    return queryset.filter(owner_id__in=reach(user, Role.COORDINATOR))


def linkable_indicators(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Programme indicators a target may give its value to: those of programmes the
    user coordinates (the issuer is within its coordinator reach)."""
    from theodoi.plans.models import Indicator

    queryset = Indicator.objects.all() if queryset is None else queryset
    return queryset.filter(objective__programme__issuer_id__in=reach(user, Role.COORDINATOR))


def default_owner(user: AnyUser) -> Any:
    """The unit a new record belongs to by default: the user's first writing membership."""
    for membership in memberships(user):
        if membership.role in WRITERS:
            return membership.unit
    return None


ACTIONS = {
    "view": "activities.view_activity",
    "change": "activities.change_activity",
    "delete": "activities.delete_activity",
}


def require_owner(user: AnyUser, owner: Any, activity: Any = None) -> None:
    """A record filed for ``owner``: the user may record for that unit, unless it keeps
    the owner the record already has (changing the record is ``access_activity``'s)."""
    if activity is not None and activity.owner_id == owner.pk:
        return
    if not user.has_perm("activities.add_activity", owner):
        raise PermissionDenied


def access_activity(
    user: AnyUser, pk: Any, action: str = "view", *, queryset: QuerySet[Any] | None = None
) -> Any:
    """An activity record. Actions: ``view``, ``change``, ``delete``."""
    from theodoi.activities.models import Activity

    if queryset is None:
        queryset = Activity.objects.select_related("owner", "work_item")
    return fetch(user, queryset, pk, "activities.view_activity", ACTIONS.get(action, action))


def access_follow_up(user: AnyUser, pk: Any, action: str = "change") -> Any:
    """A dialogue's follow-up: read with its record, closed by who may change it."""
    from theodoi.activities.models import FollowUp

    return fetch(
        user,
        FollowUp.objects.select_related("activity__owner"),
        pk,
        "activities.view_activity",
        ACTIONS.get(action, action),
    )


def access_activity_file(user: AnyUser, pk: Any, action: str = "view") -> Any:
    from theodoi.activities.models import ActivityFile

    return fetch(
        user,
        ActivityFile.objects.select_related("activity__owner"),
        pk,
        "activities.view_activity",
        ACTIONS.get(action, action),
    )


def access_target(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A target. Actions: ``view``, ``change``, ``delete``."""
    from theodoi.activities.models import Target

    return fetch(
        user,
        Target.objects.select_related("unit", "plan", "indicator"),
        pk,
        "activities.view_target",
        f"activities.{action}_target" if "." not in action else action,
    )


def access_member(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A member of a network register. Actions: ``view``, ``change``."""
    from theodoi.activities.models import NetworkMember

    return fetch(
        user,
        NetworkMember.objects.select_related("unit"),
        pk,
        "activities.view_networkmember",
        f"activities.{action}_networkmember" if "." not in action else action,
    )


def access_unit_for(user: AnyUser, pk: Any) -> Any:
    """A unit to filter records by: one the user sees (Http404 otherwise)."""
    from theodoi.units.models import Unit

    return fetch(user, Unit.objects.all(), pk, "units.view_unit")


def access_standard_unit(user: AnyUser, pk: Any) -> Any:
    """A unit whose network standards the user sets (a coordinator reaching it):
    Http404 if the user does not see the unit, PermissionDenied if it may not set them."""
    from theodoi.units.models import Unit

    return fetch(
        user, Unit.objects.all(), pk, "units.view_unit", "activities.change_networkstandard"
    )
