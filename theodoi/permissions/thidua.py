"""Thi đua (emulation): who reads a province's rankings, who sets weights and closes the year.

Every account of a unit in the province (the province is among its units or their
ancestors), and every account whose reach includes the province, reads the
province's rankings, drafts and finals, with their weights and explanations: the
ranking is published among the units it ranks. The province's coordinators (a Ban
Tuyên giáo coordinator acts for the Tỉnh ủy) define the clusters, set the weights, close the year,
reopen it with a reason and draw the commendation proposals; its coordinators and
leadership viewers read the proposals. Another province's rankings are not seen
at all (404).
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet
from django.http import Http404

from theodoi.permissions import AnyUser, Role, fetch, home_ids, reach, reaches
from theodoi.units.models import Unit, ancestor_ids

STAFF_ROLES = (Role.COORDINATOR, Role.VIEWER)


def province_id_of(obj: Any) -> int | None:
    """The province a thi đua object (or a unit) belongs to."""
    from theodoi.thidua.models import Cluster, EmulationYear, Proposal, Snapshot, WeightSet

    if isinstance(obj, Snapshot | Proposal):
        return obj.emulation_year.province_id
    if isinstance(obj, Cluster | EmulationYear | WeightSet):
        return obj.province_id
    if isinstance(obj, Unit):
        if obj.kind == Unit.Kind.PROVINCE:
            return obj.pk
        cached = getattr(obj, "_thidua_province", None)
        if cached is None:
            above = Unit.objects.filter(
                pk__in=ancestor_ids([obj.pk]), kind=Unit.Kind.PROVINCE
            ).values_list("pk", flat=True)
            cached = obj._thidua_province = next(iter(above), 0)  # type: ignore[attr-defined]
        return cached or None
    return None


@rules.predicate
def reads_rankings(user: AnyUser, obj: Any) -> bool:
    if not user.is_authenticated:
        return False
    province = province_id_of(obj)
    return province is not None and (province in home_ids(user) or reaches(user, province))


@rules.predicate
def coordinates_province(user: AnyUser, obj: Any) -> bool:
    province = province_id_of(obj)
    return province is not None and reaches(user, province, Role.COORDINATOR)


@rules.predicate
def is_province_staff(user: AnyUser, obj: Any) -> bool:
    province = province_id_of(obj)
    return province is not None and reaches(user, province, *STAFF_ROLES)


rules.add_perm("thidua.view_ranking", reads_rankings)
rules.add_perm("thidua.change_weights", coordinates_province)
rules.add_perm("thidua.close_year", coordinates_province)
rules.add_perm("thidua.reopen_year", coordinates_province)
rules.add_perm("thidua.view_proposals", is_province_staff)
rules.add_perm("thidua.propose", coordinates_province)
rules.add_perm("thidua.change_clusters", coordinates_province)

ACTIONS = {
    "view": "thidua.view_ranking",
    "weights": "thidua.change_weights",
    "close": "thidua.close_year",
    "reopen": "thidua.reopen_year",
    "proposals": "thidua.view_proposals",
    "propose": "thidua.propose",
    "clusters": "thidua.change_clusters",
}


def _provinces_read(user: AnyUser) -> Q:
    return Q(pk__in=reach(user)) | Q(pk__in=home_ids(user))


def visible_provinces(user: AnyUser) -> QuerySet[Unit]:
    """The provinces whose rankings the user reads."""
    provinces = Unit.objects.filter(kind=Unit.Kind.PROVINCE)
    if user.is_authenticated and user.is_superuser:
        return provinces
    if not user.is_authenticated:
        return provinces.none()
    return provinces.filter(_provinces_read(user))


def default_province(user: AnyUser) -> Unit | None:
    """The province the user works in, else the first it reads."""
    provinces = visible_provinces(user).order_by("position", "name")
    return provinces.filter(pk__in=home_ids(user)).first() or provinces.first()


def access_province(user: AnyUser, pk: Any, action: str = "view") -> Unit:
    """A province whose rankings the user reads (and may ``action``), or 404/403."""
    return fetch(
        user,
        Unit.objects.filter(kind=Unit.Kind.PROVINCE),
        pk,
        "thidua.view_ranking",
        ACTIONS.get(action, action),
    )


def access_ranked_unit(user: AnyUser, pk: Any) -> Unit:
    """An agency or district committee of a province whose rankings the user reads."""
    return fetch(
        user,
        Unit.objects.exclude(kind__in=[Unit.Kind.PROVINCE, Unit.Kind.COMMUNE, Unit.Kind.VILLAGE])
        .filter(parent__kind=Unit.Kind.PROVINCE)
        .select_related("parent"),
        pk,
        "thidua.view_ranking",
    )


def access_cluster(user: AnyUser, pk: Any, action: str = "view") -> Any:
    from theodoi.thidua.models import Cluster

    return fetch(
        user,
        Cluster.objects.select_related("province"),
        pk,
        "thidua.view_ranking",
        ACTIONS.get(action, action),
    )


def access_year(user: AnyUser, pk: Any, action: str = "view") -> Any:
    from theodoi.thidua.models import EmulationYear

    return fetch(
        user,
        EmulationYear.objects.select_related("province"),
        pk,
        "thidua.view_ranking",
        ACTIONS.get(action, action),
    )


def access_weight_set(user: AnyUser, pk: Any, action: str = "view") -> Any:
    from theodoi.thidua.models import WeightSet

    return fetch(
        user,
        WeightSet.objects.select_related("province"),
        pk,
        "thidua.view_ranking",
        ACTIONS.get(action, action),
    )


def visible_weight_sets(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.thidua.models import WeightSet

    queryset = WeightSet.objects.all() if queryset is None else queryset
    return queryset.filter(province__in=visible_provinces(user).values("pk"))


def may(user: AnyUser, action: str, obj: Any) -> bool:
    return user.has_perm(ACTIONS.get(action, action), obj)


def require_province(user: AnyUser, province: Unit | None) -> Unit:
    if province is None:
        raise Http404
    return province
