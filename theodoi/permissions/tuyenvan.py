"""Monthly tuyên vận scoring of communes."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet

from theodoi.permissions import (
    AnyUser,
    Role,
    has_role,
    is_coordinator,
    memberships,
    reach,
    reaches,
)
from theodoi.units.models import Unit

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
