"""The one access layer: "may this user do this to this object", for every channel.

Pages, the API and the admin ask only here. This package holds reach and roles
(this module) and one module per app with that app's rules, its ``visible_*``
scopes for lists and its ``access_<thing>(user, id, action)`` helpers, which
return the object or raise ``Http404`` (outside the user's reach, or not
visible to it) or ``PermissionDenied`` (visible, but the action is not
allowed). No view, endpoint or admin builds a scope or checks a role itself.

The model: every account has one or more memberships, each a role in a unit.
A role's rights reach the unit's subtree only. Staff of an advisory body (a
Party *ban* such as the Ban Tuyên giáo) act for the committee above it, so a
coordinator in the Ban Tuyên giáo Tỉnh ủy reaches the whole Tỉnh ủy subtree,
while an agency reporter in the Ban Dân vận reaches only the Ban Dân vận.
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import empty

from theodoi.core.prepared import IdList, slot
from theodoi.units.models import (
    Membership,
    Unit,
    ancestor_ids,
    subtree_and_history_ids,
    units_and_upward_ids,
)

Role = Membership.Role
AnyUser = AbstractBaseUser | AnonymousUser

# Roles that act on the subtree of the committee their unit serves.
ACTING_ROLES = frozenset({Role.COORDINATOR, Role.VIEWER, Role.ADMIN, Role.DISTRICT_SCORER})
ALL_ROLES = frozenset(Role)


def user_cache(user: AnyUser) -> dict[str, Any]:
    """Where what is computed once per user is kept: the user object's own
    attributes, the same whether called with ``request.user`` (a lazy wrapper)
    or with the user it wraps (what ``user.has_perm`` passes the rules)."""
    if "_wrapped" not in user.__dict__:
        return user.__dict__
    if user.__dict__["_wrapped"] is empty:
        getattr(user, "pk", None)  # the lazy user is loaded (it is once anything asked)
    return user.__dict__["_wrapped"].__dict__


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


def _cache(user: AnyUser, name: str) -> dict[Any, Any]:
    """A per-request cache kept on the user object itself (``user_cache``): on the
    account that ``request.user`` (a lazy object) stands for, so that a view asking
    with ``request.user`` and a rule asking with the account share it."""
    return user_cache(user).setdefault(name, {})


def reach(user: AnyUser, *wanted: str) -> frozenset[int]:
    """Ids of the units the user's memberships in the given roles reach.

    With no roles given, all of the user's roles count. A superuser reaches
    every unit.
    """
    if not user.is_authenticated:
        return frozenset()
    wanted_roles = frozenset(wanted) or ALL_ROLES
    cache: dict[frozenset[str], frozenset[int]] = _cache(user, "_theodoi_reach")
    if wanted_roles not in cache:
        if user.is_superuser:
            cache[wanted_roles] = frozenset(Unit.objects.values_list("pk", flat=True))
        else:
            roots = [
                m.unit.jurisdiction_id if m.role in ACTING_ROLES else m.unit_id
                for m in memberships(user)
                if m.role in wanted_roles
            ]
            cache[wanted_roles] = _walk(user, roots)[0]
    return cache[wanted_roles]


def _walk(user: AnyUser, roots: list[int]) -> tuple[frozenset[int], frozenset[int]]:
    """The subtrees of ``roots`` and, in the same query, those plus the units they
    came from (``history_reach``)."""
    # begin perf: role sets with the same roots (all roles, coordinator) walk once
    subtrees: dict[frozenset[int], tuple[frozenset[int], frozenset[int]]] = _cache(
        user, "_theodoi_subtrees"
    )
    key = frozenset(roots)
    if key not in subtrees:
        subtrees[key] = subtree_and_history_ids(key)
    return subtrees[key]
    # end perf


def reaches(user: AnyUser, unit: Unit | int | None, *wanted: str) -> bool:
    if unit is None:
        return False
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    above = _upward(user).get(unit_id)
    if above is not None and user.is_authenticated:
        # perf: walked up from the unit (look_up_units), no subtree of the reach
        return user.is_superuser or not above[0].isdisjoint(_roots(user, wanted))
    return unit_id in reach(user, *wanted)


def _roots(user: AnyUser, wanted: tuple[str, ...]) -> frozenset[int]:
    """The units whose subtrees the user's memberships in ``wanted`` roles reach."""
    wanted_roles = frozenset(wanted) or ALL_ROLES
    return frozenset(
        m.unit.jurisdiction_id if m.role in ACTING_ROLES else m.unit_id
        for m in memberships(user)
        if m.role in wanted_roles
    )


def _upward(user: AnyUser) -> dict[int, tuple[frozenset[int], frozenset[int]]]:
    """The units looked up (``look_up_units``): id → (ancestors, upward) of
    ``units_and_upward_ids``, kept for the request on the user."""
    return _cache(user, "_theodoi_upward")


def expect_units(user: AnyUser, ids: list[int]) -> None:
    """Have the next ``look_up_units`` for this user (an ``access_<thing>`` helper's)
    load ``ids`` too: the units a request names, looked up with its object's."""
    _cache(user, "_theodoi_expected").update(dict.fromkeys(ids))


def look_up_units(user: AnyUser, ids: list[int]) -> dict[int, Unit]:
    """The units of ``ids`` that exist (whoever may see them), by id, each with the
    units above it remembered for the request: ``reaches``, ``reaches_history``
    and ``home_ids`` then answer for them without walking the user's reach.

    One query for these, the ones ``expect_units`` named and the user's own units
    (for ``home_ids``); none for units already looked up."""
    loaded: dict[int, Unit] = _cache(user, "_theodoi_units")
    looked: dict[int, None] = _cache(user, "_theodoi_looked")
    expected: dict[int, None] = _cache(user, "_theodoi_expected")
    wanted = [int(pk) for pk in ids]
    mine = [m.unit_id for m in memberships(user)]
    need_home = getattr(user, "_theodoi_home", None) is None
    missing = [pk for pk in (*wanted, *expected, *(mine if need_home else ())) if pk not in looked]
    expected.clear()
    if missing:
        found = units_and_upward_ids(missing)
        upward = _upward(user)
        for pk, (unit, ancestors, every) in found.items():
            loaded[pk] = unit
            upward[pk] = (ancestors, every)
        looked.update(dict.fromkeys(missing))
    if need_home and all(pk in looked for pk in mine):
        upward = _upward(user)
        user._theodoi_home = frozenset().union(  # type: ignore[union-attr]
            *(upward[pk][0] for pk in mine if pk in upward)
        )
    return {pk: loaded[pk] for pk in wanted if pk in loaded}


def history_reach(user: AnyUser, *wanted: str) -> frozenset[int]:
    """``reach`` plus the units it came from across reforms, for READING history.

    The one rule for history that follows the merges: a unit's staff read what
    the units it succeeded (``UnitLineage``, followed backwards through every
    reform) and everything below them did before it. The merged Ban Tuyên giáo
    và Dân vận reads the Ban Tuyên giáo's and the Ban Dân vận's 2018 reports;
    the new Tỉnh ủy's staff read the old Tỉnh ủy's tree; a 2025 commune reads
    the communes it was formed from. Never forwards: a 2018 district's scorer
    gains nothing on the 2025 communes its communes became, and a province
    with no link to another reads nothing of it. Scopes and rules that only
    read (view perms, ``visible_*`` lists) use this; anything that changes
    data uses ``reach``.
    """
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return reach(user, *wanted)
    wanted_roles = frozenset(wanted) or ALL_ROLES
    roots = [
        m.unit.jurisdiction_id if m.role in ACTING_ROLES else m.unit_id
        for m in memberships(user)
        if m.role in wanted_roles
    ]
    return _walk(user, roots)[1]


def reach_shape(user: AnyUser) -> tuple[str, dict[str, Any]]:
    """The kind of the user's reach for reading plans — ``home_ids(user) |
    history_reach(user)``: "none", "all" (a superuser) or "walk" — and the values
    its sub-query takes (``permissions.plans``): a :class:`~theodoi.core.prepared.Prepared` query
    is compiled once per kind and run with the values."""
    if not user.is_authenticated:
        return "none", {}
    if user.is_superuser:
        return "all", {}
    mine = memberships(user)
    if not mine:
        return "none", {}
    roots = {m.unit.jurisdiction_id if m.role in ACTING_ROLES else m.unit_id for m in mine}
    return "walk", {
        "reach_roots": IdList(sorted(roots)),
        "reach_homes": IdList(sorted({m.unit_id for m in mine})),
    }


def reach_values(values: dict[str, Any] | None) -> dict[str, Any]:
    """``reach_shape``'s values, or (``None``, in a Prepared query's builder) the
    :func:`~theodoi.core.prepared.slot` placeholders standing for them."""
    if values is not None:
        return values
    return {"reach_roots": slot("reach_roots", IdList), "reach_homes": slot("reach_homes", IdList)}


def remember_memberships(user: AnyUser, found: list[Membership]) -> None:
    """Keep ``found`` (all of the user's memberships, with their units, loaded with
    the account, e.g. by the API's token look-up) as ``memberships(user)``."""
    for m in found:
        Membership.user.field.set_cached_value(m, user)
    user._theodoi_memberships = found  # type: ignore[union-attr]


def reaches_history(user: AnyUser, unit: Unit | int | None, *wanted: str) -> bool:
    if unit is None:
        return False
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    above = _upward(user).get(unit_id)
    if above is not None and user.is_authenticated:
        # perf: walked up from the unit (look_up_units), no subtree of the reach
        return user.is_superuser or not above[1].isdisjoint(_roots(user, wanted))
    return unit_id in reach(user, *wanted) or unit_id in history_reach(user, *wanted)


def home_ids(user: AnyUser) -> frozenset[int]:
    """Ids of the user's own units and all their ancestors."""
    cache = getattr(user, "_theodoi_home", None)
    if cache is None:
        cache = ancestor_ids(m.unit_id for m in memberships(user))
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


def visible_units(user: AnyUser, queryset: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    queryset = Unit.objects.all() if queryset is None else queryset
    return queryset.filter(pk__in=reach(user))


def visible_units_by_id(user: AnyUser, ids: list[int]) -> dict[int, Unit]:
    """The units of ``ids`` the user may see (``visible_units``), by id.

    Each unit is loaded with the units above it (``look_up_units``) and checked
    against the user's roots: a province's reach is a few hundred ids to walk
    down to, a unit has a few above it. One query at most (none for units looked
    up already, e.g. named by ``expect_units`` before an ``access_<thing>``)."""
    found = look_up_units(user, ids) if ids else {}
    return {pk: unit for pk, unit in found.items() if reaches(user, pk)}


@rules.predicate
def is_coordinator(user: AnyUser) -> bool:
    return has_role(user, Role.COORDINATOR)


@rules.predicate
def is_admin(user: AnyUser) -> bool:
    return has_role(user, Role.ADMIN)


# Fetching one object -------------------------------------------------------------

MAX_ID = 2**63 - 1


def parse_id(value: Any) -> int:
    """An object id from a URL, a query or a body; Http404 for anything that is not one.

    ``"³".isdigit()`` is true but ``int("³")`` fails, and SQLite overflows past
    2⁶³: ASCII digits in range only.
    """
    if isinstance(value, bool):
        raise Http404
    if isinstance(value, int):
        number = value
    else:
        text = str(value)
        if not (text.isascii() and text.isdigit()):
            raise Http404
        number = int(text)
    if not 0 < number <= MAX_ID:
        raise Http404
    return number


def fetch(
    user: AnyUser, queryset: QuerySet[Any], pk: Any, view: str, action: str | None = None
) -> Any:
    """The object ``pk`` of ``queryset`` if ``user`` may ``view`` it and do ``action``.

    Not found, or not visible: Http404 (an outsider cannot tell the two apart).
    Visible but the action is not allowed: PermissionDenied. Every
    ``access_<thing>`` helper of the app modules is this with its rules.
    """
    obj = queryset.filter(pk=parse_id(pk)).first()
    if obj is None or not user.has_perm(view, obj):
        raise Http404
    if action is not None and action != view and not user.has_perm(action, obj):
        raise PermissionDenied
    return obj


def require(user: AnyUser, perm: str, obj: Any = None) -> None:
    """PermissionDenied unless ``user`` has ``perm`` (on ``obj``)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


# The app modules register their rules on import.
from . import (  # noqa: E402, F401
    accounts,
    activities,
    budgets,
    directions,
    home,
    intake,
    plans,
    portal,
    proposals,
    reporting,
    roster,
    surveys,
    thidua,
    tuyenvan,
    units,
)
