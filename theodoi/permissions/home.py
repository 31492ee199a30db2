"""Scopes of the role homes (theodoi.home): the work each role's memberships give it.

The home lists what to do now; what it lists is what the user may act on, asked
here as the other apps' pages ask their modules: by role and reach, never by a
view's own check. Each scope is a queryset (one query when evaluated).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from theodoi.units.models import Membership, Unit, ancestor_ids

from . import AnyUser, Role, memberships, reach, reaches

# The roles a home is built for, in the order their sections appear.
HOME_ROLES = (
    Role.COMMUNE_REPORTER,
    Role.DISTRICT_SCORER,
    Role.AGENCY_REPORTER,
    Role.OFFICIAL,
    Role.COORDINATOR,
    Role.VIEWER,
    Role.ADMIN,
)


def home_roles(user: AnyUser) -> list[str]:
    """The user's roles in the homes' order (a superuser counts as an administrator)."""
    own = {m.role for m in memberships(user)}
    if user.is_authenticated and user.is_superuser:
        own.add(Role.ADMIN)
    return [role for role in HOME_ROLES if role in own]


def role_units(user: AnyUser, role: str, kind: str | None = None) -> QuerySet[Unit]:
    """Units the user's memberships in ``role`` reach (of ``kind``, when given)."""
    units = Unit.objects.filter(pk__in=reach(user, role))
    return units.filter(kind=kind) if kind else units


def reports_to_decide(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Submitted progress reports of plans the user coordinates (reporting.decide_report)."""
    from theodoi.reporting.models import ProgressReport

    queryset = ProgressReport.objects.all() if queryset is None else queryset
    return queryset.filter(
        state=ProgressReport.State.SUBMITTED,
        period__plan__owner_id__in=reach(user, Role.COORDINATOR),
    )


def overseen_reports(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Progress reports of plans the user reads as a leadership viewer."""
    from theodoi.reporting.models import ProgressReport

    queryset = ProgressReport.objects.all() if queryset is None else queryset
    return queryset.filter(period__plan__owner_id__in=reach(user, Role.VIEWER, Role.COORDINATOR))


def overseen_plan_ids(user: AnyUser, *roles: str) -> QuerySet[Any]:
    """Ids of plans whose owner the user's ``roles`` reach (coordinating or overseeing)."""
    from theodoi.plans.models import Plan

    return Plan.objects.filter(owner_id__in=reach(user, *roles)).values("pk")


def official_entries(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """The user's own visits in published roster rounds (an attending official's)."""
    from theodoi.tuyenvan.roster.models import RosterEntry, RosterRound

    queryset = RosterEntry.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(official=user, round__status=RosterRound.Status.PUBLISHED)


def accounts_without_role(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Active accounts of no membership, for an administrator (all of them: an account
    without a role belongs to no unit, so no subtree holds it)."""
    from django.contrib.auth.models import User

    queryset = User.objects.all() if queryset is None else queryset
    if not (user.is_authenticated and (user.is_superuser or Role.ADMIN in home_roles(user))):
        return queryset.none()
    return queryset.filter(is_active=True, memberships__isnull=True)


# -- who is told of an event (theodoi.home.notify) ------------------------------------


def unit_members(unit_id: int, *roles: str) -> list[Any]:
    """Active accounts with one of ``roles`` in the unit itself (its reporters…)."""
    found = Membership.objects.filter(
        unit_id=unit_id, role__in=roles, user__is_active=True
    ).select_related("user")
    return list({m.user_id: m.user for m in found}.values())


def unit_reporters(unit_id: int) -> list[Any]:
    """Who reports for the unit: the reporter roles' members of the unit itself."""
    from .reporting import REPORTER_ROLES

    return unit_members(unit_id, *REPORTER_ROLES)


def members_reaching(unit_id: int, role: str) -> list[Any]:
    """Active accounts whose ``role`` reaches the unit (members of it, of a unit above,
    or — for the roles that act for their committee — of an advisory body beside one)."""
    from django.db.models import Q

    above = ancestor_ids([unit_id])
    candidates = (
        Membership.objects.filter(role=role, user__is_active=True)
        .filter(Q(unit_id__in=above) | Q(unit__parent_id__in=above))
        .select_related("user")
        .order_by("user_id")
    )
    users = {m.user_id: m.user for m in candidates}
    return [u for u in users.values() if reaches(u, unit_id, role)]


def submission_receivers(submission: Any) -> list[Any]:
    """Who works the submission's inbox (the rule ``tuyenvan.open_submission``)."""
    from django.db.models import Q

    above = ancestor_ids([submission.recipient_id])
    candidates = (
        Membership.objects.filter(
            role__in=(Role.DISTRICT_SCORER, Role.COORDINATOR), user__is_active=True
        )
        .filter(Q(unit_id__in=above) | Q(unit__parent_id__in=above))
        .select_related("user")
        .order_by("user_id")
    )
    users = {m.user_id: m.user for m in candidates}
    return [u for u in users.values() if u.has_perm("tuyenvan.open_submission", submission)]


def approvable_communes(user: AnyUser, month: Any = None) -> QuerySet[Unit]:
    """Communes whose month the user approves (``tuyenvan.approve_month``: its
    district scorer reach), in the district's order."""
    return (
        role_units(user, Role.DISTRICT_SCORER, Unit.Kind.COMMUNE)
        .select_related("parent")
        .order_by("parent__name", "position", "name")
    )
