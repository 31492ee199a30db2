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

from typing import Any

import rules
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from theodoi.units.models import Membership, Unit, ancestor_ids, subtree_ids

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
            cache[wanted_roles] = subtree_ids(roots)
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


@rules.predicate
def creates_board_of(user: AnyUser, unit: Unit) -> bool:
    return unit.pk in board_editable_unit_ids(user)


rules.add_perm("tuyenvan_people.add_board", creates_board_of)


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


# tuyenvan ---------------------------------------------------------------------
#
# Objects: a commune (Unit), a district (Unit), a Meeting, a ScoreSheet, a
# MonthlyResult, a CriteriaSet. Reach: a commune reporter its commune, a
# district scorer its district's communes, a coordinator (BTG) the province,
# a viewer reads within reach. An attending official reaches only the
# commune-months of conferences where it is listed in
# ``Meeting.attending_officials`` (the roster app pre-fills that list).
# Approved data locks for the level below: once the district approved a
# commune's month, the commune and officials cannot change it; once BTG
# accepted it (or it is closed), nobody can until it is reopened.

TV_READ_ROLES = (Role.COMMUNE_REPORTER, Role.DISTRICT_SCORER, Role.COORDINATOR, Role.VIEWER)


def _tv_unit_id(obj: Any) -> int:
    """The commune (or district) an object of the tuyenvan app is about."""
    if isinstance(obj, Unit):
        return obj.pk
    return obj.commune_id


def tv_attends(user: AnyUser, commune_id: int, month: Any = None) -> bool:
    """The user is listed as attending official of the commune's conference (that month)."""
    if not user.is_authenticated:
        return False
    from theodoi.tuyenvan.models import MeetingOfficial

    found = MeetingOfficial.objects.filter(user=user, meeting__commune_id=commune_id)
    if month is not None:
        found = found.filter(meeting__month=month)
    return found.exists()


def tv_status(commune_id: int, month: Any) -> str:
    from theodoi.tuyenvan.models import MonthlyResult

    found = MonthlyResult.objects.filter(commune_id=commune_id, month=month).values_list(
        "status", flat=True
    )
    return found.first() or MonthlyResult.Status.OPEN


def inbox_unit_ids(user: AnyUser) -> frozenset[int]:
    """Units whose received submissions the user reads: its own units, and the
    communes a district scorer follows."""
    own = {m.unit_id for m in memberships(user)}
    return frozenset(own) | reach(user, Role.DISTRICT_SCORER)


def visible_tuyenvan_communes(user: AnyUser, month: Any = None) -> QuerySet[Unit]:
    """Communes whose tuyên vận months (that ``month``, if given) the user may read."""
    from theodoi.tuyenvan.models import MeetingOfficial

    attended: Any = []
    if user.is_authenticated:
        attended = MeetingOfficial.objects.filter(user=user)
        if month is not None:
            attended = attended.filter(meeting__month=month)
        attended = attended.values("meeting__commune_id")
    communes = Unit.objects.filter(kind=Unit.Kind.COMMUNE)
    return communes.filter(pk__in=reach(user, *TV_READ_ROLES)) | communes.filter(pk__in=attended)


def visible_tuyenvan_sheets(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.tuyenvan.models import MeetingOfficial, ScoreSheet

    queryset = ScoreSheet.objects.all() if queryset is None else queryset
    attended = (
        MeetingOfficial.objects.filter(user=user).values_list(
            "meeting__commune_id", "meeting__month"
        )
        if user.is_authenticated
        else []
    )
    from django.db.models import Q

    by_meeting = Q(pk__in=[])
    for commune_id, month in attended:
        by_meeting |= Q(commune_id=commune_id, month=month)
    return queryset.filter(Q(commune_id__in=reach(user, *TV_READ_ROLES)) | by_meeting)


@rules.predicate
def tv_can_view_commune(user: AnyUser, obj: Any) -> bool:
    unit_id = _tv_unit_id(obj)
    if reaches(user, unit_id, *TV_READ_ROLES):
        return True
    return tv_attends(user, unit_id, getattr(obj, "month", None))


@rules.predicate
def tv_is_commune_reporter(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _tv_unit_id(obj), Role.COMMUNE_REPORTER)


@rules.predicate
def tv_is_district_scorer(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _tv_unit_id(obj), Role.DISTRICT_SCORER)


@rules.predicate
def tv_is_coordinator(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _tv_unit_id(obj), Role.COORDINATOR)


@rules.predicate
def tv_open_for_commune(user: AnyUser, obj: Any) -> bool:
    """The month is still open for the commune and officials (not yet approved)."""
    from theodoi.tuyenvan.models import MonthlyResult

    return tv_status(_tv_unit_id(obj), obj.month) == MonthlyResult.Status.OPEN


@rules.predicate
def tv_open_for_district(user: AnyUser, obj: Any) -> bool:
    from theodoi.tuyenvan.models import MonthlyResult

    return tv_status(_tv_unit_id(obj), obj.month) in (
        MonthlyResult.Status.OPEN,
        MonthlyResult.Status.APPROVED,
    )


@rules.predicate
def tv_owns_sheet(user: AnyUser, sheet: Any) -> bool:
    """Only a sheet's owner writes it: the commune its self-assessment, the
    district scorer the district's sheet, an attending official its own sheet."""
    source = sheet.source
    if source == "self":
        return tv_is_commune_reporter(user, sheet) and tv_open_for_commune(user, sheet)
    if source == "district":
        return tv_is_district_scorer(user, sheet) and tv_open_for_district(user, sheet)
    return (
        user.is_authenticated
        and sheet.official_id == user.pk
        and has_role(user, Role.OFFICIAL)
        and tv_attends(user, sheet.commune_id, sheet.month)
        and tv_open_for_commune(user, sheet)
    )


@rules.predicate
def tv_coordinates_set(user: AnyUser, criteria_set: Any) -> bool:
    if criteria_set is None:
        return has_role(user, Role.COORDINATOR)
    return reaches(user, criteria_set.owner_id, Role.COORDINATOR)


@rules.predicate
def tv_can_view_set(user: AnyUser, criteria_set: Any) -> bool:
    if not user.is_authenticated:
        return False
    if criteria_set is None or criteria_set.status == "published":
        return True
    return user.is_superuser or reaches(user, criteria_set.owner_id, Role.COORDINATOR)


def visible_criteria_sets(user: AnyUser) -> QuerySet[Any]:
    """Published sets for every signed-in user; drafts for the coordinators who edit them."""
    from django.db.models import Q

    from theodoi.tuyenvan.models import CriteriaSet

    if not user.is_authenticated:
        return CriteriaSet.objects.none()
    return CriteriaSet.objects.filter(
        Q(status=CriteriaSet.Status.PUBLISHED)
        | Q(owner_id__in=reach(user, Role.COORDINATOR))
        | Q(pk__in=[] if not user.is_superuser else CriteriaSet.objects.values("pk"))
    )


rules.add_perm("tuyenvan.view_month", tv_can_view_commune)
rules.add_perm("tuyenvan.change_meeting", tv_is_commune_reporter & tv_open_for_commune)
rules.add_perm("tuyenvan.view_sheet", tv_can_view_commune)
rules.add_perm("tuyenvan.change_sheet", tv_owns_sheet)
rules.add_perm("tuyenvan.send_submission", tv_is_commune_reporter)
rules.add_perm("tuyenvan.appeal", tv_is_commune_reporter & tv_open_for_commune)
rules.add_perm("tuyenvan.resolve_flag", tv_is_district_scorer & tv_open_for_district)
rules.add_perm("tuyenvan.answer_appeal", tv_is_district_scorer & tv_open_for_district)
rules.add_perm("tuyenvan.approve_month", tv_is_district_scorer)
rules.add_perm("tuyenvan.accept_district", tv_is_coordinator)
rules.add_perm("tuyenvan.close_month", tv_is_district_scorer | tv_is_coordinator)
rules.add_perm("tuyenvan.reopen_month", tv_is_coordinator)
rules.add_perm("tuyenvan.view_results", tv_can_view_commune)
rules.add_perm("tuyenvan.send_district_section", tv_is_district_scorer)
rules.add_perm("tuyenvan.view_criteriaset", tv_can_view_set)
rules.add_perm("tuyenvan.change_criteriaset", tv_coordinates_set)
rules.add_perm("tuyenvan.add_criteriaset", is_coordinator)


@rules.predicate
def tv_receives(user: AnyUser, submission: Any) -> bool:
    """The recipient side of a submission: a member of the recipient unit, or
    the district scorer of the recipient district."""
    if any(m.unit_id == submission.recipient_id for m in memberships(user)):
        return True
    return reaches(user, submission.recipient_id, Role.DISTRICT_SCORER)


@rules.predicate
def tv_can_view_submission(user: AnyUser, submission: Any) -> bool:
    return reaches(user, submission.sender_id, *TV_READ_ROLES) or tv_receives(user, submission)


def visible_tuyenvan_submissions(
    user: AnyUser, queryset: QuerySet[Any] | None = None
) -> QuerySet[Any]:
    """Submissions sent from within the user's reach or received by its side."""
    from django.db.models import Q

    from theodoi.tuyenvan.models import Submission

    queryset = Submission.objects.all() if queryset is None else queryset
    receiving = {m.unit_id for m in memberships(user)} | reach(user, Role.DISTRICT_SCORER)
    return queryset.filter(
        Q(sender_id__in=reach(user, *TV_READ_ROLES)) | Q(recipient_id__in=receiving)
    )


rules.add_perm("tuyenvan.view_submission", tv_can_view_submission)
rules.add_perm("tuyenvan.open_submission", tv_receives)


# Rankings for a commune reporter. Rankings are aggregates, so a commune may
# open the commune ranking of ITS OWN district (every commune of the district:
# rank, name, total, band, number of deductions; the band distribution and the
# most improved list) and see where it stands. It does not thereby reach the
# other communes: no month page, score sheet, explanation, trend or history of
# another commune ("a commune reporter can reach only its commune" holds for
# everything below the aggregate), no list of other communes' open
# discrepancies or missing sources (that is the district's work queue), no
# district-level or province-level ranking, no bulletin. Every other role sees
# rankings within its tuyên vận reach (``tuyenvan.view_results``).


def tv_ranking_districts(user: AnyUser) -> frozenset[int]:
    """Districts whose commune ranking the user may open as a commune reporter."""
    return frozenset(
        m.unit.parent_id
        for m in memberships(user)
        if m.role == Role.COMMUNE_REPORTER
        and m.unit.kind == Unit.Kind.COMMUNE
        and m.unit.parent_id is not None
    )


@rules.predicate
def tv_ranks_in_own_district(user: AnyUser, unit: Any) -> bool:
    return (
        isinstance(unit, Unit)
        and unit.kind == Unit.Kind.DISTRICT
        and unit.pk in tv_ranking_districts(user)
    )


def visible_ranking_scopes(user: AnyUser) -> QuerySet[Unit]:
    """Provinces and districts whose rankings the user may open."""
    from django.db.models import Q

    return Unit.objects.filter(
        Q(pk__in=reach(user, *TV_READ_ROLES), kind__in=[Unit.Kind.PROVINCE, Unit.Kind.DISTRICT])
        | Q(pk__in=tv_ranking_districts(user))
    )


# The commune ranking within a unit (rows of aggregates only).
rules.add_perm("tuyenvan.view_ranking", tv_can_view_commune | tv_ranks_in_own_district)

# Previewing a set on a closed month shows every commune of the set's province
# scored under it: the province's coordinators (who edit the set) only.
rules.add_perm("tuyenvan.preview_criteriaset", tv_coordinates_set)

# Evidence files. A conference's files (minutes, photos, attendance list) are
# read by whoever may read that commune's month (the commune, its district,
# BTG, viewers, the officials listed as attending) and added or removed by the
# commune reporter while the month is open for it. A score line's evidence
# files are read by whoever may read that sheet and added with the sheet by
# its owner (``tuyenvan.change_sheet``).
rules.add_perm("tuyenvan.view_meeting_files", tv_can_view_commune)
rules.add_perm("tuyenvan.change_meeting_files", tv_is_commune_reporter & tv_open_for_commune)
