"""Units: the organisation tree, who works where, and what an administrator administers.

Pages and the API fetch a unit with ``access_unit``. The Django admin (every
ModelAdmin and inline, through ``theodoi.core.admin``) asks ``administered``
for its lists and choices, ``administers`` for one object and
``admin_refusals`` before saving: an administrator works on the units of its
``admin`` reach and on what belongs to them, and may not grant a role whose
rights would act beyond that reach.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import rules
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from theodoi.permissions import (
    ACTING_ROLES,
    AnyUser,
    Role,
    fetch,
    is_admin,
    reach,
    reaches,
    reaches_history,
)
from theodoi.units.models import Membership, Unit

# Rules ---------------------------------------------------------------------------


@rules.predicate
def unit_in_reach(user: AnyUser, unit: Unit) -> bool:
    """Reading a unit's page: its subtree, and the units its own came from."""
    return reaches_history(user, unit)


@rules.predicate
def unit_in_admin_reach(user: AnyUser, unit: Unit) -> bool:
    return reaches(user, unit, Role.ADMIN)


@rules.predicate
def membership_in_admin_reach(user: AnyUser, membership: Membership) -> bool:
    return reaches(user, membership.unit_id, Role.ADMIN)


rules.add_perm("units.view_unit", unit_in_reach)
rules.add_perm("units.change_unit", unit_in_admin_reach)
rules.add_perm("units.add_unit", is_admin)
rules.add_perm("units.view_work_of_unit", unit_in_reach)
# Who works where is for administrators of the unit's subtree only.
rules.add_perm("units.view_memberships", unit_in_admin_reach)


@rules.predicate
def unit_in_admin_history(user: AnyUser, unit: Unit) -> bool:
    """The unit is administered by the user, or is a predecessor of one it is."""
    return reaches_history(user, unit, Role.ADMIN)


# Handing a ceased body's open work to its successor: an administrator of the
# successor (the old body is then in its history reach) or of both.
rules.add_perm("units.hand_over_unit", unit_in_admin_history)


@rules.predicate
def province_in_admin_reach(user: AnyUser, unit: Unit) -> bool:
    """The user administers the unit's province (renaming a body is the province's)."""
    province = unit
    while province.kind != Unit.Kind.PROVINCE and province.parent_id:
        province = province.parent
    return province.kind == Unit.Kind.PROVINCE and reaches(user, province, Role.ADMIN)


# Renaming a unit (it stays the same unit): an administrator of its province.
rules.add_perm("units.rename_unit", province_in_admin_reach)
rules.add_perm("units.view_membership", membership_in_admin_reach)
rules.add_perm("units.change_membership", membership_in_admin_reach)
rules.add_perm("units.delete_membership", membership_in_admin_reach)


# begin importer: a unit's aliases (the names imports also match) are its administrators'.
@rules.predicate
def alias_in_admin_reach(user: AnyUser, alias: Any) -> bool:
    return reaches(user, alias.unit_id, Role.ADMIN)


rules.add_perm("units.view_unitalias", alias_in_admin_reach)
rules.add_perm("units.change_unitalias", alias_in_admin_reach)
rules.add_perm("units.delete_unitalias", alias_in_admin_reach)
# end importer


def _perm(action: str, noun: str) -> str:
    """``"view"`` → ``units.view_<noun>``; ``"view_work_of_unit"`` → ``units.view_work_of_unit``."""
    if "." in action:
        return action
    return f"units.{action}" if "_" in action else f"units.{action}_{noun}"


def access_unit(user: AnyUser, pk: Any, action: str = "view") -> Unit:
    """The unit ``pk`` if in the user's reach (else 404) and ``action`` allowed (else 403).

    Actions: ``view``, ``change``, ``view_work_of_unit``, ``view_memberships``,
    ``hand_over_unit``, ``rename_unit``.
    """
    queryset = Unit.objects.select_related("parent")
    return fetch(user, queryset, pk, "units.view_unit", _perm(action, "unit"))


def readable_unit_ids(user: AnyUser, ids: list[int]) -> set[int]:
    """Of ``ids``, the units whose page the user may open (``units.view_unit``): a page
    links to a parent, predecessor or successor only then, and names it otherwise."""
    return {pk for pk in ids if reaches_history(user, pk)}


def handover_successors(user: AnyUser, unit: Unit) -> list[Any]:
    """The lineage links from ``unit`` to successors the user administers: the
    work goes only where the administrator acts."""
    from theodoi.units.handover import successors_of

    return [link for link in successors_of(unit) if reaches(user, link.successor_id, Role.ADMIN)]


def access_unit_alias(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """An alias of a unit the user administers (else 404); ``change``/``delete`` else 403."""
    from theodoi.units.models import UnitAlias

    queryset = UnitAlias.objects.select_related("unit")
    return fetch(user, queryset, pk, "units.view_unitalias", _perm(action, "unitalias"))


def access_membership(user: AnyUser, pk: Any, action: str = "view") -> Membership:
    """A membership of a unit the user administers (else 404); ``action`` else 403."""
    queryset = Membership.objects.select_related("unit", "user")
    return fetch(user, queryset, pk, "units.view_membership", _perm(action, "membership"))


# The admin's walls ---------------------------------------------------------------


def may_grant(user: AnyUser, unit: Unit | None, role: str | None) -> bool:
    """Whether ``user`` may give someone ``role`` in ``unit``.

    The unit must be in the administrator's reach, and so must every unit the
    new role would act on: a coordinator or administrator in a Party *ban* acts
    for the committee above it, so granting it needs that committee in reach.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if unit is None:
        return False
    ids = reach(user, Role.ADMIN)
    root = unit.jurisdiction_id if role in ACTING_ROLES else unit.pk
    return unit.pk in ids and root in ids


def administered_accounts(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Accounts the user administers: not superusers, and every membership in its reach.

    An account with a membership outside the reach would carry rights the
    administrator does not have; its password or status is not this
    administrator's to change. Accounts without any membership yet (just
    created) are administered by every administrator.
    """
    User = get_user_model()
    queryset = User.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    outside = Membership.objects.exclude(unit_id__in=reach(user, Role.ADMIN))
    return queryset.filter(is_superuser=False).exclude(pk__in=outside.values("user_id"))


# Attribution (created_by, edited_by, …) names who acted: it does not place an object.
_ATTRIBUTION_SUFFIX = "_by"
_MAX_DEPTH = 4


@cache
def scope_paths(model: type[models.Model]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Where ``model``'s objects belong: (paths to units, paths to accounts).

    Derived from the model's relations: a ForeignKey or ManyToMany to a unit
    is a unit path; a ForeignKey to another model adds that model's paths
    behind it (a board member belongs where its board does); a non-null one to
    an account (other than attribution such as ``created_by``) is an account
    path.
    """
    return _derive(model, _MAX_DEPTH, frozenset())


def _derive(
    model: type[models.Model], depth: int, seen: frozenset[type[models.Model]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    User = get_user_model()
    if model is Unit:
        return ("pk",), ()
    if model is User:
        return (), ("pk",)
    units: list[str] = []
    accounts: list[str] = []
    if depth == 0 or model in seen:
        return (), ()
    for field in model._meta.get_fields():
        if not (field.concrete and (field.many_to_one or field.many_to_many or field.one_to_one)):
            continue
        related = field.related_model
        if related is Unit:
            units.append(field.name)
        elif related is User:
            if not field.name.endswith(_ATTRIBUTION_SUFFIX) and not field.null:
                accounts.append(field.name)
        elif related is not None and not field.many_to_many:
            # A many-to-many to something else (a plan's legal bases) is a reference,
            # not where the object belongs.
            sub_units, sub_accounts = _derive(related, depth - 1, seen | {model})
            units += [f"{field.name}__{p}" for p in sub_units if p != "pk"]
            accounts += [f"{field.name}__{p}" for p in sub_accounts if p != "pk"]
    return tuple(units), tuple(accounts)


def administered(
    user: AnyUser, queryset: QuerySet[Any], paths: tuple[str, ...] | None = None
) -> QuerySet[Any]:
    """The objects of ``queryset`` that lie wholly within the user's admin reach.

    Every unit the object belongs to (``paths``, derived from the model by
    default, see ``scope_paths``) must be in reach, and every account it
    belongs to administered. A model that belongs to no unit and no account is
    for superusers only.
    """
    if user.is_authenticated and user.is_superuser:
        return queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    model = queryset.model
    if model is Unit:
        return queryset.filter(pk__in=reach(user, Role.ADMIN))
    if model is get_user_model():
        return administered_accounts(user, queryset)
    unit_paths, account_paths = scope_paths(model) if paths is None else (paths, ())
    if not unit_paths and not account_paths:
        return queryset.none()
    if unit_paths:
        outside_units = Unit.objects.exclude(pk__in=reach(user, Role.ADMIN))
        for path in unit_paths:
            queryset = queryset.exclude(**{f"{path}__in": outside_units})
    if account_paths:
        User = get_user_model()
        outside_accounts = User.objects.exclude(pk__in=administered_accounts(user).values("pk"))
        for path in account_paths:
            queryset = queryset.exclude(**{f"{path}__in": outside_accounts})
    return queryset


def administers(user: AnyUser, obj: Any, paths: tuple[str, ...] | None = None) -> bool:
    """Whether ``obj`` (saved) lies wholly within the user's admin reach."""
    if user.is_authenticated and user.is_superuser:
        return True
    if obj is None or obj.pk is None:
        return False
    queryset = type(obj)._default_manager.filter(pk=obj.pk)
    return administered(user, queryset, paths).exists()


def admin_refusals(user: AnyUser, instance: Any, cleaned: dict[str, Any]) -> dict[str, str]:
    """Field → message for what an administrator may not save on ``instance``.

    The choices of every related field are already limited to what the user
    administers (``administered``); this adds what a choice alone cannot say:
    the role a membership grants, and where a unit's leaders would act.
    """
    if user.is_authenticated and user.is_superuser:
        return {}
    errors: dict[str, str] = {}
    if isinstance(instance, Membership):
        unit = cleaned.get("unit") or (instance.unit if instance.unit_id else None)
        role = cleaned.get("role") or instance.role
        if unit is not None and not may_grant(user, unit, role):
            errors["role"] = _("In this unit, this role would act on units you do not administer.")
    elif isinstance(instance, Unit):
        ids = reach(user, Role.ADMIN)
        parent = cleaned.get("parent", instance.parent if instance.parent_id else None)
        kind = cleaned.get("kind") or instance.kind
        if parent is None and (instance.pk is None or instance.parent_id is not None):
            errors["parent"] = _("Choose the unit above it, among those you administer.")
        elif parent is not None and kind in Unit.ADVISORY_KINDS and parent.pk not in ids:
            # An advisory body's leaders act for the unit above it.
            errors["kind"] = _(
                "Its leaders would act for %(unit)s, which you do not administer."
            ) % {"unit": parent.name}
    return errors
