"""Periodic reporting: periods, reports, evidence, inspections, the consolidated report."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from theodoi.permissions import (
    AnyUser,
    Role,
    fetch,
    has_role,
    history_reach,
    memberships,
    parse_id,
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
def reads_history_of(user: AnyUser, obj: Any) -> bool:
    """Reading only, and only across a reform: the staff of a unit's successor
    read the reports and inspections of the units it came from and the
    reporting of the plans those coordinated (``history_reach`` minus ``reach``:
    within their own reach the other rules decide)."""
    roles = (Role.COORDINATOR, Role.VIEWER, *REPORTER_ROLES)
    earlier = history_reach(user, *roles) - reach(user, *roles)
    if not earlier:
        return False
    if isinstance(obj, _plan_model()):
        return obj.owner_id in earlier
    unit_id = getattr(obj, "unit_id", None)
    if unit_id is None and hasattr(obj, "entry"):
        unit_id = obj.entry.report.unit_id
    if unit_id is None and hasattr(obj, "report"):
        unit_id = obj.report.unit_id
    return unit_id in earlier or _report_plan(obj).owner_id in earlier


def _plan_model() -> type:
    from theodoi.plans.models import Plan

    return Plan


@rules.predicate
def is_reporter(user: AnyUser) -> bool:
    return has_role(user, *REPORTER_ROLES)


rules.add_perm(
    "reporting.view_report",
    reports_for_unit_of
    | coordinates_reporting_of
    | views_unit_of
    | oversees_reporting_of
    | reads_history_of,
)
rules.add_perm("reporting.change_report", reports_for_unit_of)
rules.add_perm("reporting.submit_report", reports_for_unit_of)
rules.add_perm("reporting.decide_report", coordinates_reporting_of)
rules.add_perm("reporting.manage_reporting", coordinates_reporting_of)
rules.add_perm(
    "reporting.view_reporting", coordinates_reporting_of | oversees_reporting_of | reads_history_of
)


def visible_reports(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Reports of units in the user's reporter or viewer reach, or of plans they coordinate."""
    from django.db.models import Q

    from theodoi.reporting.models import ProgressReport

    queryset = ProgressReport.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    scope = Q(unit_id__in=reach(user, *REPORTER_ROLES, Role.VIEWER)) | Q(
        period__plan__owner_id__in=reach(user, Role.COORDINATOR, Role.VIEWER)
    )
    # History that follows the merges (reading only): the predecessors' reports.
    roles = (Role.COORDINATOR, Role.VIEWER, *REPORTER_ROLES)
    earlier = history_reach(user, *roles) - reach(user, *roles)
    if earlier:
        scope |= Q(unit_id__in=earlier) | Q(period__plan__owner_id__in=earlier)
    return queryset.filter(scope)


def visible_reporting_plans(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Plans whose reporting the user coordinates or oversees."""
    from theodoi.plans.models import Plan

    queryset = Plan.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    # Plans the units it succeeded coordinated, for reading (history_reach).
    return queryset.filter(owner_id__in=history_reach(user, Role.COORDINATOR, Role.VIEWER))


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


# Fetching one object ------------------------------------------------------------
#
# Each helper answers for one kind of object: the object, Http404 when it is
# missing or the user may not see it, PermissionDenied when the user sees it but
# may not take the action. Pages and the API ask only these, with the same
# action names, so one request gets one answer whatever the channel.

# Reports (and their entries and evidence): reporters of the unit change and
# submit, coordinators of the plan decide.
REPORT_ACTIONS = {
    "view": "reporting.view_report",
    "change": "reporting.change_report",
    "submit": "reporting.submit_report",
    "decide": "reporting.decide_report",
}
# A plan's reporting (periods, exports, inspections, follow-ups): coordinators
# manage it, leadership viewers read it.
REPORTING_ACTIONS = {
    "view": "reporting.view_reporting",
    "manage": "reporting.manage_reporting",
}


def _rule(actions: dict[str, str], action: str) -> str:
    try:
        return actions[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}; one of {sorted(actions)}") from None


def _reporting(user: AnyUser, queryset: QuerySet[Any], pk: Any, action: str) -> Any:
    return fetch(user, queryset, pk, REPORTING_ACTIONS["view"], _rule(REPORTING_ACTIONS, action))


def _report_rule(user: AnyUser, queryset: QuerySet[Any], pk: Any, action: str) -> Any:
    return fetch(user, queryset, pk, REPORT_ACTIONS["view"], _rule(REPORT_ACTIONS, action))


def access_reporting_plan(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A plan's reporting: ``view`` (coordinators, viewers) or ``manage`` (coordinators)."""
    from theodoi.plans.models import Plan

    return _reporting(user, Plan.objects.select_related("owner", "issuer"), pk, action)


def access_plan_periods(user: AnyUser, pk: Any) -> Any:
    """The plan whose periods are listed: whoever sees the plan (reporters look up
    the period they report for)."""
    from theodoi.plans.models import Plan

    return fetch(user, Plan.objects.select_related("owner"), pk, "plans.view_plan")


def access_period(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A reporting period: ``view`` or ``manage`` (exports)."""
    from theodoi.reporting.models import ReportingPeriod

    return _reporting(user, ReportingPeriod.objects.select_related("plan__owner"), pk, action)


def access_report(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A report: ``view``, ``change`` (save a draft, evidence), ``submit`` or ``decide``
    (accept, return, reopen)."""
    from theodoi.reporting.models import ProgressReport

    queryset = ProgressReport.objects.select_related("period__plan__owner", "unit")
    return _report_rule(user, queryset, pk, action)


def access_new_report(user: AnyUser, period_pk: Any, unit_pk: Any) -> Any:
    """The (unsaved) report of ``unit_pk`` for ``period_pk`` that the user may start."""
    from theodoi.reporting.models import ProgressReport, ReportingPeriod

    period = ReportingPeriod.objects.select_related("plan").filter(pk=parse_id(period_pk)).first()
    unit = Unit.objects.filter(pk=parse_id(unit_pk)).first()
    if period is None or unit is None:
        raise Http404
    probe = ProgressReport(period=period, unit=unit)
    if not user.has_perm(REPORT_ACTIONS["view"], probe):
        raise Http404
    if not user.has_perm(REPORT_ACTIONS["change"], probe):
        raise PermissionDenied
    return probe


def access_entry(user: AnyUser, pk: Any, action: str = "view", *, report: Any = None) -> Any:
    """A report's entry (one work item's line), within ``report`` (an id) when given."""
    from theodoi.reporting.models import ProgressEntry

    queryset = ProgressEntry.objects.select_related("report__period__plan__owner", "report__unit")
    if report is not None:
        queryset = queryset.filter(report_id=parse_id(report))
    return _report_rule(user, queryset, pk, action)


def access_evidence(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """An evidence file: ``view`` (download) or ``change`` (remove) as its report."""
    from theodoi.reporting.models import Evidence

    queryset = Evidence.objects.select_related(
        "entry__report__period__plan__owner", "entry__report__unit"
    )
    return _report_rule(user, queryset, pk, action)


def access_export(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A consolidated report (export) of a period."""
    from theodoi.reporting.models import ConsolidatedExport

    queryset = ConsolidatedExport.objects.select_related("period__plan__owner", "created_by")
    return _reporting(user, queryset, pk, action)


def access_inspection(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """An inspection: ``view`` or ``manage`` (add follow-ups)."""
    from theodoi.reporting.models import Inspection

    return _reporting(user, Inspection.objects.select_related("plan__owner", "unit"), pk, action)


def access_follow_up(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """An inspection's follow-up: ``view`` or ``manage`` (close)."""
    from theodoi.reporting.models import FollowUp

    queryset = FollowUp.objects.select_related("inspection__plan__owner", "inspection__unit")
    return _reporting(user, queryset, pk, action)
