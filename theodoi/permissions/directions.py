"""The register of matters put to the Standing Committee for direction.

The committee's coordinators (the Ban Tuyên giáo acting for the Tỉnh ủy) keep
the register: they raise matters, record the directions and their follow-ups;
its leadership viewers read it. A unit that raised a matter, or is assigned a
follow-up, sees that matter; the assigned unit's reporters close their follow-up.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from theodoi.permissions import AnyUser, Role, fetch, memberships, reach, reaches
from theodoi.units.models import Unit

REPORTER_ROLES = (Role.AGENCY_REPORTER, Role.COMMUNE_REPORTER, Role.DISTRICT_SCORER)


def _matter(obj: Any) -> Any:
    from theodoi.directions.models import FollowUpItem

    return obj.matter if isinstance(obj, FollowUpItem) else obj


@rules.predicate
def keeps_register(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _matter(obj).committee_id, Role.COORDINATOR)


@rules.predicate
def reads_register(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _matter(obj).committee_id, Role.COORDINATOR, Role.VIEWER)


@rules.predicate
def concerns_unit(user: AnyUser, obj: Any) -> bool:
    matter = _matter(obj)
    if reaches(user, matter.raised_by_id, *REPORTER_ROLES):
        return True
    units = {f.unit_id for f in matter.follow_ups.all()}
    return bool(units & reach(user, *REPORTER_ROLES))


@rules.predicate
def assigned_unit(user: AnyUser, obj: Any) -> bool:
    from theodoi.directions.models import FollowUpItem

    return isinstance(obj, FollowUpItem) and reaches(user, obj.unit_id, *REPORTER_ROLES)


rules.add_perm("directions.view_matter", reads_register | concerns_unit)
rules.add_perm("directions.change_matter", keeps_register)
rules.add_perm("directions.close_followupitem", keeps_register | assigned_unit)


def committees(user: AnyUser) -> QuerySet[Unit]:
    """Committees whose register the user keeps: those its coordinator memberships act for."""
    ids = [m.unit.jurisdiction_id for m in memberships(user) if m.role == Role.COORDINATOR]
    if user.is_authenticated and user.is_superuser:
        return Unit.objects.filter(kind=Unit.Kind.PROVINCE)
    return Unit.objects.filter(pk__in=[i for i in ids if i])


def visible_matters(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.directions.models import FollowUpItem, Matter

    queryset = Matter.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    reporters = reach(user, *REPORTER_ROLES)
    assigned = FollowUpItem.objects.filter(unit_id__in=reporters).values("matter_id")
    return queryset.filter(
        Q(committee_id__in=reach(user, Role.COORDINATOR, Role.VIEWER))
        | Q(raised_by_id__in=reporters)
        | Q(pk__in=assigned)
    )


def access_matter(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A matter. Actions: ``view``, ``change`` (record the direction, add follow-ups)."""
    from theodoi.directions.models import Matter

    queryset = Matter.objects.select_related("committee", "raised_by", "plan")
    return fetch(user, queryset, pk, "directions.view_matter", f"directions.{action}_matter")


def access_follow_up(user: AnyUser, pk: Any, action: str = "close") -> Any:
    """A follow-up of a direction. Action: ``close``."""
    from theodoi.directions.models import FollowUpItem

    queryset = FollowUpItem.objects.select_related("matter", "unit")
    rule = {"close": "directions.close_followupitem", "view": "directions.view_matter"}[action]
    return fetch(user, queryset, pk, "directions.view_matter", rule)
