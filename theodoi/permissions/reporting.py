"""Periodic reporting: periods, reports, evidence, inspections, the consolidated report."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet

from theodoi.permissions import (
    AnyUser,
    Role,
    has_role,
    memberships,
    reach,
    reaches,
)
from theodoi.permissions.plans import _plan_of
from theodoi.units.models import Membership, Unit, ancestor_ids

# reporting ---
#
# Reporters (agency, commune and district roles) fill and submit the reports of
# the units in their reach. Coordinators of a plan (reach includes its owner,
# as for plans.change_plan) decide on reports and run periods, inspections,
# reminders and the consolidated report. Leadership viewers read everything
# in their reach.

REPORTER_ROLES = (Role.AGENCY_REPORTER, Role.COMMUNE_REPORTER, Role.DISTRICT_SCORER)


def _report_plan(obj: Any) -> Any:
    """The plan of a reporting object (period, report, entry, evidence, inspection, export)."""
    from theodoi.reporting.models import (
        ConsolidatedExport,
        Evidence,
        FollowUp,
        Inspection,
        ProgressEntry,
        ProgressReport,
        ReportingPeriod,
    )

    if isinstance(obj, Evidence):
        obj = obj.entry
    if isinstance(obj, ProgressEntry):
        obj = obj.report
    if isinstance(obj, ProgressReport | ConsolidatedExport):
        obj = obj.period
    if isinstance(obj, FollowUp):
        obj = obj.inspection
    if isinstance(obj, ReportingPeriod | Inspection):
        return obj.plan
    return _plan_of(obj)


def _report_unit_id(obj: Any) -> int:
    from theodoi.reporting.models import Evidence, ProgressEntry

    if isinstance(obj, Evidence):
        obj = obj.entry
    if isinstance(obj, ProgressEntry):
        obj = obj.report
    return obj.unit_id


@rules.predicate
def coordinates_reporting_of(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _report_plan(obj).owner_id, Role.COORDINATOR)


@rules.predicate
def oversees_reporting_of(user: AnyUser, obj: Any) -> bool:
    """A leadership viewer whose reach includes the plan's coordinating body."""
    return reaches(user, _report_plan(obj).owner_id, Role.VIEWER)


@rules.predicate
def reports_for_unit_of(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _report_unit_id(obj), *REPORTER_ROLES)


@rules.predicate
def views_unit_of(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _report_unit_id(obj), Role.VIEWER)


@rules.predicate
def is_reporter(user: AnyUser) -> bool:
    return has_role(user, *REPORTER_ROLES)


rules.add_perm(
    "reporting.view_report",
    reports_for_unit_of | coordinates_reporting_of | views_unit_of | oversees_reporting_of,
)
rules.add_perm("reporting.change_report", reports_for_unit_of)
rules.add_perm("reporting.submit_report", reports_for_unit_of)
rules.add_perm("reporting.decide_report", coordinates_reporting_of)
rules.add_perm("reporting.manage_reporting", coordinates_reporting_of)
rules.add_perm("reporting.view_reporting", coordinates_reporting_of | oversees_reporting_of)


def visible_reports(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Reports of units in the user's reporter or viewer reach, or of plans they coordinate."""
    from django.db.models import Q

    from theodoi.reporting.models import ProgressReport

    queryset = ProgressReport.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(
        Q(unit_id__in=reach(user, *REPORTER_ROLES, Role.VIEWER))
        | Q(period__plan__owner_id__in=reach(user, Role.COORDINATOR, Role.VIEWER))
    )


def visible_reporting_plans(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Plans whose reporting the user coordinates or oversees."""
    from theodoi.plans.models import Plan

    queryset = Plan.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(owner_id__in=reach(user, Role.COORDINATOR, Role.VIEWER))


def reporting_coordinators(plan: Any) -> list[Any]:
    """Active users who coordinate the plan's reporting: those whose coordinator
    reach includes the plan's owner (the rule of reporting.decide_report), not
    only members of the owner unit. For the coordinators' daily digest."""
    from django.db.models import Q

    above = ancestor_ids([plan.owner_id])
    candidates = (
        Membership.objects.filter(role=Role.COORDINATOR, user__is_active=True)
        .filter(Q(unit_id__in=above) | Q(unit__parent_id__in=above))
        .select_related("user")
        .order_by("user_id")
    )
    users = {m.user_id: m.user for m in candidates}
    return [u for u in users.values() if reaches(u, plan.owner_id, Role.COORDINATOR)]


def reporting_units(user: AnyUser) -> QuerySet[Unit]:
    """The units the user reports for: own units of the reporter roles (not their subtrees)."""
    ids = [m.unit_id for m in memberships(user) if m.role in REPORTER_ROLES]
    return Unit.objects.filter(pk__in=ids)
