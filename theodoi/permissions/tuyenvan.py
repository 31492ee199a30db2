"""Monthly tuyên vận scoring of communes: rules, list scopes and ``access_*`` helpers.

Objects: a commune (Unit), a district (Unit), a commune's month
(``CommuneMonth``), a Meeting and its files, a ScoreSheet and its lines' files,
a MonthlyResult, an Appeal, a Submission, a CriteriaSet. Reach: a commune
reporter its commune, a district scorer its district's communes, a coordinator
(BTG) the province, a viewer reads within reach. An attending official reaches
only the commune-months of conferences where it is listed in
``Meeting.attending_officials`` (the roster app pre-fills that list): never a
month it did not attend, on any page or endpoint (month, results, trend,
history, files), and no ranking. Approved data locks for the level below: once
the district approved a commune's month, the commune and officials cannot
change it; once BTG accepted it (or it is closed), nobody can until it is
reopened.

Pages and the API call only the ``access_*`` helpers (one object, or Http404 /
PermissionDenied) and the ``visible_*`` scopes (lists) of this module.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

import rules
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from theodoi.permissions import (
    AnyUser,
    Role,
    fetch,
    has_role,
    is_coordinator,
    memberships,
    parse_id,
    reach,
    reaches,
    require,
    user_cache,
)
from theodoi.units.models import Unit, subtree_ids

if TYPE_CHECKING:
    from theodoi.tuyenvan.models import (
        Appeal,
        CommuneMonth,
        CriteriaSet,
        Meeting,
        MeetingFile,
        MonthlyResult,
        ScoreFile,
        ScoreSheet,
        Submission,
    )

TV_READ_ROLES = (Role.COMMUNE_REPORTER, Role.DISTRICT_SCORER, Role.COORDINATOR, Role.VIEWER)


def _subject(obj: Any) -> Any:
    """What a tuyên vận object is about: a file is about its conference or sheet."""
    from theodoi.tuyenvan.models import MeetingFile, Score, ScoreFile

    if isinstance(obj, MeetingFile):
        return obj.meeting
    if isinstance(obj, ScoreFile):
        return obj.score.sheet
    if isinstance(obj, Score):
        return obj.sheet
    return obj


def _tv_unit_id(obj: Any) -> int:
    """The commune (or district; a cluster's province) an object of the tuyenvan app is about."""
    from theodoi.tuyenvan.models import ClusterMonth

    obj = _subject(obj)
    if isinstance(obj, Unit):
        return obj.pk
    if isinstance(obj, ClusterMonth):
        return obj.cluster.province_id
    return obj.commune_id


def _tv_month(obj: Any) -> date | None:
    return getattr(_subject(obj), "month", None)


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


def _attended(user: AnyUser, commune: str = "commune", month: str = "month") -> Q:
    """Rows whose (commune, month) is a conference the user attended."""
    from theodoi.tuyenvan.models import MeetingOfficial

    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(
        Exists(
            MeetingOfficial.objects.filter(
                user=user, meeting__commune_id=OuterRef(commune), meeting__month=OuterRef(month)
            )
        )
    )


# -- list scopes --------------------------------------------------------------------


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


def _by_commune_month(user: AnyUser, queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.filter(Q(commune_id__in=reach(user, *TV_READ_ROLES)) | _attended(user))


def visible_tuyenvan_sheets(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Score sheets of the commune-months the user may read."""
    from theodoi.tuyenvan.models import ScoreSheet

    return _by_commune_month(user, ScoreSheet.objects.all() if queryset is None else queryset)


def visible_tuyenvan_results(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Monthly results the user may read: an official only those of months it attended."""
    from theodoi.tuyenvan.models import MonthlyResult

    return _by_commune_month(user, MonthlyResult.objects.all() if queryset is None else queryset)


def predecessor_history(user: AnyUser, commune: Unit) -> QuerySet[Any]:
    """The monthly results earned by the units the commune came from (lineage).

    History follows the merges for reading only: whoever reads all of a commune's
    months (its tuyên vận chain, not an official who attended one) reads its
    predecessors' results too, each labelled by the unit that earned it — never
    re-attributed, never the other way round (a 2018 district's scorer gains
    nothing on the 2025 commune its communes became).
    """
    from theodoi.tuyenvan.models import MonthlyResult
    from theodoi.units.models import predecessor_ids

    if commune.pk not in reach(user, *TV_READ_ROLES):
        return MonthlyResult.objects.none()
    return MonthlyResult.objects.filter(commune_id__in=predecessor_ids(commune.pk))


def visible_tuyenvan_meetings(
    user: AnyUser, queryset: QuerySet[Any] | None = None
) -> QuerySet[Any]:
    from theodoi.tuyenvan.models import Meeting

    return _by_commune_month(user, Meeting.objects.all() if queryset is None else queryset)


def visible_tuyenvan_appeals(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.tuyenvan.models import Appeal

    return _by_commune_month(user, Appeal.objects.all() if queryset is None else queryset)


def visible_criteria_sets(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Published sets for every signed-in user; drafts for the coordinators who edit them."""
    from theodoi.tuyenvan.models import CriteriaSet

    queryset = CriteriaSet.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(
        Q(status=CriteriaSet.Status.PUBLISHED) | Q(owner_id__in=reach(user, Role.COORDINATOR))
    )


# -- rules ---------------------------------------------------------------------------


@rules.predicate
def tv_can_view_commune(user: AnyUser, obj: Any) -> bool:
    """Reads the commune's months (a given month, for an object of one month).

    Asked about a commune alone, an attending official passes for the communes
    it attended at least once; what it then sees is limited to those months
    (``visible_tuyenvan_results``).
    """
    unit_id = _tv_unit_id(obj)
    if reaches(user, unit_id, *TV_READ_ROLES):
        return True
    return tv_attends(user, unit_id, _tv_month(obj))


@rules.predicate
def tv_is_commune_reporter(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _tv_unit_id(obj), Role.COMMUNE_REPORTER)


# -- the chain in force ----------------------------------------------------------------
#
# Who scores a commune's month (level 1: score, resolve flags, answer appeals,
# approve) and who accepts it (level 2) follow the province's scoring chain in
# force for that month (``ScoringChain``): in a district chain (Lào Cai 2018, and
# any province without a chain) the district's scorers score its communes; in a
# cluster chain (from 1/7/2025, no district tier) the scoring body's staff
# (members with the scorer role) score the communes of the clusters they are
# assigned to. Level 2 is the consolidating body's coordinators. Reading is
# unchanged: whoever's role reaches the commune reads it.


def _today_month() -> date:
    from theodoi.core import clock

    return clock.today().replace(day=1)


def _chains(user: AnyUser) -> list[Any]:
    """Every recorded scoring chain (a few rows a province), read once per user object."""
    from theodoi.tuyenvan.models import ScoringChain

    cached = user_cache(user).get("_tv_all_chains")
    if cached is None:
        cached = list(ScoringChain.objects.order_by("-valid_from"))
        user_cache(user)["_tv_all_chains"] = cached
    return cached


def chain_for(user: AnyUser, unit_id: int, month: date) -> Any:
    """The scoring chain in force for the unit's province on ``month`` (None: none recorded).

    Cached on the user object: a page asks it for each row. Without any chain
    recorded it costs one query per request and no walk up the tree.
    """
    from theodoi.units.models import ancestor_ids

    chains = [
        c
        for c in _chains(user)
        if c.valid_from <= month and (c.valid_to is None or c.valid_to >= month)
    ]
    if not chains:
        return None
    cache: dict[int, frozenset[int]] = user_cache(user).setdefault("_tv_ancestors", {})
    if unit_id not in cache:
        cache[unit_id] = ancestor_ids([unit_id])
    return next((c for c in chains if c.province_id in cache[unit_id]), None)


def by_cluster_in(user: AnyUser, month: date) -> bool:
    """Some province scores by cluster that month (the board then shows clusters)."""
    return any(
        c.by_cluster and c.valid_from <= month and (c.valid_to is None or c.valid_to >= month)
        for c in _chains(user)
    )


def _member_of(user: AnyUser, unit_id: int | None, role: str) -> bool:
    return any(m.role == role and m.unit_id == unit_id for m in memberships(user))


def cluster_communes(user: AnyUser, month: date, chain: Any) -> frozenset[int]:
    """Communes the user scores in a cluster chain that month: those of the clusters
    it is assigned to, while it holds the scorer role in the chain's scoring body."""
    from theodoi.tuyenvan.models import CommuneCluster

    if not user.is_authenticated:
        return frozenset()
    if chain.scorer_id is not None and not (
        user.is_superuser or _member_of(user, chain.scorer_id, Role.DISTRICT_SCORER)
    ):
        return frozenset()
    cache: dict[tuple[int, date], frozenset[int]] = user_cache(user).setdefault("_tv_clusters", {})
    key = (chain.pk, month)
    if key not in cache:
        cache[key] = frozenset(
            CommuneCluster.objects.active_on(month)
            .filter(province_id=chain.province_id, scorers=user)
            .values_list("communes", flat=True)
        )
    return cache[key]


def _district_scorer_reach(user: AnyUser, month: date) -> frozenset[int]:
    """What the user's scorer memberships reach that month: a membership in a unit
    that did not exist then (a district after 30/6/2025, the merged ban before
    1/7/2025) grants nothing for it."""
    if user.is_superuser:
        return reach(user, Role.DISTRICT_SCORER)
    roots = frozenset(
        m.unit.jurisdiction_id
        for m in memberships(user)
        if m.role == Role.DISTRICT_SCORER and m.unit.is_active_on(month)
    )
    cache: dict[frozenset[int], frozenset[int]] = user_cache(user).setdefault(
        "_tv_scorer_reach", {}
    )
    if roots not in cache:
        cache[roots] = subtree_ids(roots)
    return cache[roots]


def scores_commune(user: AnyUser, unit_id: int, month: date | None) -> bool:
    """The user scores (level 1) the unit's communes for ``month`` under the chain in force."""
    month = month or _today_month()
    chain = chain_for(user, unit_id, month)
    if chain is None:
        return reaches(user, unit_id, Role.DISTRICT_SCORER)
    if not chain.by_cluster:
        return unit_id in _district_scorer_reach(user, month)
    return unit_id in cluster_communes(user, month, chain)


def consolidates(user: AnyUser, unit_id: int, month: date | None) -> bool:
    """The user accepts (level 2) the unit's months under the chain in force."""
    if not reaches(user, unit_id, Role.COORDINATOR):
        return False
    chain = chain_for(user, unit_id, month or _today_month())
    if chain is None or user.is_superuser:
        return True
    return _member_of(user, chain.consolidator_id, Role.COORDINATOR)


def scoring_communes(user: AnyUser, month: date) -> QuerySet[Unit]:
    """Communes the user scores (level 1) for ``month`` under the chains in force: its
    district's communes in a district chain, its clusters' communes in a cluster chain."""
    communes = Unit.objects.filter(kind=Unit.Kind.COMMUNE)
    in_force = [
        c
        for c in _chains(user)
        if c.valid_from <= month and (c.valid_to is None or c.valid_to >= month)
    ]
    by_cluster = [c for c in in_force if c.by_cluster]
    by_district = communes.filter(pk__in=_district_scorer_reach(user, month)).exclude(
        parent_id__in=[c.province_id for c in by_cluster]
    )
    assigned: set[int] = set()
    for chain in by_cluster:
        assigned |= cluster_communes(user, month, chain)
    return by_district | communes.filter(pk__in=assigned)


def scores_by_cluster(user: AnyUser, month: date) -> list[Any]:
    """The clusters the user scores that month (none in a district chain)."""
    from theodoi.tuyenvan.models import CommuneCluster

    provinces = [
        c.province_id
        for c in _chains(user)
        if c.by_cluster
        and c.valid_from <= month
        and (c.valid_to is None or c.valid_to >= month)
        and (
            c.scorer_id is None
            or user.is_superuser
            or _member_of(user, c.scorer_id, Role.DISTRICT_SCORER)
        )
    ]
    if not user.is_authenticated or not provinces:
        return []
    return list(
        CommuneCluster.objects.active_on(month).filter(province_id__in=provinces, scorers=user)
    )


def _cluster_month(obj: Any) -> Any:
    from theodoi.tuyenvan.models import ClusterMonth

    return obj if isinstance(obj, ClusterMonth) else None


@rules.predicate
def tv_is_district_scorer(user: AnyUser, obj: Any) -> bool:
    cluster_month = _cluster_month(obj)
    if cluster_month is not None:
        chain = chain_for(user, cluster_month.cluster.province_id, cluster_month.month)
        return bool(
            chain is not None
            and chain.by_cluster
            and cluster_month.cluster.province_id == chain.province_id
            and cluster_month.cluster.scorers.filter(pk=user.pk).exists()
            and (
                chain.scorer_id is None
                or user.is_superuser
                or _member_of(user, chain.scorer_id, Role.DISTRICT_SCORER)
            )
        )
    return scores_commune(user, _tv_unit_id(obj), _tv_month(obj))


@rules.predicate
def tv_is_coordinator(user: AnyUser, obj: Any) -> bool:
    cluster_month = _cluster_month(obj)
    if cluster_month is not None:
        return consolidates(user, cluster_month.cluster.province_id, cluster_month.month)
    return consolidates(user, _tv_unit_id(obj), _tv_month(obj))


@rules.predicate
def tv_open_for_commune(user: AnyUser, obj: Any) -> bool:
    """The month is still open for the commune and officials (not yet approved)."""
    from theodoi.tuyenvan.models import MonthlyResult

    return tv_status(_tv_unit_id(obj), _tv_month(obj)) == MonthlyResult.Status.OPEN


@rules.predicate
def tv_open_for_district(user: AnyUser, obj: Any) -> bool:
    from theodoi.tuyenvan.models import MonthlyResult

    return tv_status(_tv_unit_id(obj), _tv_month(obj)) in (
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
# A cluster's month (cluster chain): level 1 approves its communes, level 2 accepts them.
rules.add_perm("tuyenvan.approve_cluster", tv_is_district_scorer)
rules.add_perm("tuyenvan.accept_cluster", tv_is_coordinator)
rules.add_perm("tuyenvan.close_month", tv_is_district_scorer | tv_is_coordinator)
rules.add_perm("tuyenvan.reopen_month", tv_is_coordinator)
rules.add_perm("tuyenvan.view_results", tv_can_view_commune)
rules.add_perm("tuyenvan.send_district_section", tv_is_district_scorer)
rules.add_perm("tuyenvan.view_criteriaset", tv_can_view_set)
rules.add_perm("tuyenvan.change_criteriaset", tv_coordinates_set)
rules.add_perm("tuyenvan.add_criteriaset", is_coordinator)


# -- submissions ----------------------------------------------------------------------
#
# A submission is read by its sender's side (whoever reads the sender's months:
# the commune, its district, BTG, viewers) and worked by its recipient's side,
# the role that works that inbox: a commune's monthly report goes to the level
# above it, whose district scorers receive it; the commune's documents and a
# district's tuyên vận section go to the Ban Tuyên giáo, whose coordinators
# receive them. Leadership viewers reaching the recipient read its inbox. Only
# the working side opens a submission ("opened" tells the sender its recipient
# has it): a viewer's, sender's or anyone else's reading never marks it, and
# other members of the recipient unit (an official of the district, an agency
# reporter of the Ban) neither read nor open it.


def _worked_by_scorers(kind: str) -> bool:
    from theodoi.tuyenvan.models import Submission

    return kind == Submission.Kind.REPORT


def _coordinator_units(user: AnyUser) -> set[int]:
    return {m.unit_id for m in memberships(user) if m.role == Role.COORDINATOR}


def _cluster_split(user: AnyUser) -> tuple[list[int], frozenset[int]]:
    """(provinces scoring by cluster now, the communes of the user's clusters now):
    a commune directly under such a province reports to the province, and only
    the scorers of its cluster work its reports."""
    month = _today_month()
    chains = [
        c
        for c in _chains(user)
        if c.by_cluster and c.valid_from <= month and (c.valid_to is None or c.valid_to >= month)
    ]
    assigned: frozenset[int] = frozenset()
    for chain in chains:
        assigned |= cluster_communes(user, month, chain)
    return [c.province_id for c in chains], assigned


@rules.predicate
def tv_receives(user: AnyUser, submission: Any) -> bool:
    """The recipient's working side: its district scorers (a monthly report; the
    sender's cluster scorers in a cluster chain) or the coordinators of the Ban it
    was sent to (documents, sections)."""
    if _worked_by_scorers(submission.kind):
        by_cluster, assigned = _cluster_split(user)
        if submission.recipient_id in by_cluster:
            return submission.sender_id in assigned
        return reaches(user, submission.recipient_id, Role.DISTRICT_SCORER)
    return submission.recipient_id in _coordinator_units(user)


@rules.predicate
def tv_can_view_submission(user: AnyUser, submission: Any) -> bool:
    return (
        reaches(user, submission.sender_id, *TV_READ_ROLES)
        or tv_receives(user, submission)
        or reaches(user, submission.recipient_id, Role.VIEWER)
    )


def _received(user: AnyUser) -> Q:
    from theodoi.tuyenvan.models import Submission

    report = Submission.Kind.REPORT
    by_cluster, assigned = _cluster_split(user)
    return (
        Q(kind=report, recipient_id__in=reach(user, Role.DISTRICT_SCORER) - set(by_cluster))
        | Q(kind=report, recipient_id__in=by_cluster, sender_id__in=assigned)
        | (~Q(kind=report) & Q(recipient_id__in=_coordinator_units(user)))
        | Q(recipient_id__in=reach(user, Role.VIEWER))
    )


def visible_tuyenvan_submissions(
    user: AnyUser, queryset: QuerySet[Any] | None = None
) -> QuerySet[Any]:
    """Submissions sent from within the user's reach or received by its side."""
    from theodoi.tuyenvan.models import Submission

    queryset = Submission.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(Q(sender_id__in=reach(user, *TV_READ_ROLES)) | _received(user))


def visible_tuyenvan_inbox(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Submissions received by the user's side (the inbox it works, or reads as a viewer)."""
    from theodoi.tuyenvan.models import Submission

    queryset = Submission.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(_received(user))


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
# rankings within its tuyên vận reach (``tuyenvan.view_results``); an attending
# official, none.


def tv_ranking_districts(user: AnyUser) -> frozenset[int]:
    """Districts whose commune ranking the user may open as a commune reporter (the
    province, for a commune directly under it: from 7/2025 there is no district)."""
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
        and unit.kind in RANKING_KINDS
        and unit.pk in tv_ranking_districts(user)
    )


RANKING_KINDS = (Unit.Kind.PROVINCE, Unit.Kind.DISTRICT)


def visible_ranking_scopes(user: AnyUser) -> QuerySet[Unit]:
    """Provinces and districts whose rankings the user may open."""
    return Unit.objects.filter(
        Q(pk__in=reach(user, *TV_READ_ROLES), kind__in=RANKING_KINDS)
        | Q(pk__in=tv_ranking_districts(user))
    )


def may_open_rankings(user: AnyUser) -> bool:
    """Whether a ranking page is for the user at all, without a query (for menus): a
    scorer, coordinator or viewer, or a commune reporter for its own district. An
    attending official only is not (``access_ranking`` answers 404)."""
    readers = set(TV_READ_ROLES) - {Role.COMMUNE_REPORTER}
    return any(m.role in readers for m in memberships(user)) or bool(tv_ranking_districts(user))


def default_ranking_scope(user: AnyUser) -> Unit | None:
    """The widest province or district whose ranking the user may open, if any."""
    ids = reach(user, *TV_READ_ROLES)
    widest = (
        Unit.objects.filter(pk__in=ids, kind__in=RANKING_KINDS)
        .exclude(kind=Unit.Kind.DISTRICT, parent_id__in=ids)
        .order_by("kind", "name")
        .first()
    )
    if widest is None:  # a commune reporter: its own district's communes
        own = tv_ranking_districts(user)
        widest = Unit.objects.filter(pk__in=own).order_by("name").first()
    return widest


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


# -- access helpers ---------------------------------------------------------------------
#
# Each returns the object, or raises Http404 (missing, outside reach, not
# visible) or PermissionDenied (visible, but ``action`` is not allowed).
# ``action`` is the rule's name without the app ("change_meeting").

_MONTH_KEY = re.compile(r"([0-9]{4})-([0-9]{2})")


def parse_month_key(value: Any) -> date:
    """A month from a URL or a query ("2018-03", years 1900–2200); Http404 otherwise."""
    if isinstance(value, date):
        return value.replace(day=1)
    found = _MONTH_KEY.fullmatch(str(value))
    if not found or not (1900 <= int(found[1]) <= 2200 and 1 <= int(found[2]) <= 12):
        raise Http404
    return date(int(found[1]), int(found[2]), 1)


def _perm(action: str) -> str:
    return action if "." in action else f"tuyenvan.{action}"


def _also(action: str) -> str | None:
    """The rule asked beyond reading, for ``fetch``: None for "view"."""
    return None if action == "view" else _perm(action)


def _allow(user: AnyUser, action: str, obj: Any) -> None:
    if action != "view":
        require(user, _perm(action), obj)


# begin home: the board's badges are links where the viewer may act
def board_actions(
    user: AnyUser, month: date, results: dict[int, Any], commune_ids: list[int]
) -> dict[int, frozenset[str]]:
    """What the user may do on each commune's month of a board, without a query
    per row: fill a missing sheet ("self", "district", "official": the rules of
    ``tuyenvan.change_sheet``), record the conference ("meeting":
    ``change_meeting``), send the monthly submissions ("send":
    ``send_submission``), resolve flags and answer appeals ("resolve":
    ``resolve_flag``, ``answer_appeal``).
    ``results`` are the month's MonthlyResult rows by commune id (a commune
    without one is open)."""
    from theodoi.tuyenvan.models import MeetingOfficial, MonthlyResult

    if not user.is_authenticated:
        return {c: frozenset() for c in commune_ids}
    Status = MonthlyResult.Status
    reporter = reach(user, Role.COMMUNE_REPORTER)
    # Level 1 under the chain in force that month (district or cluster of communes).
    scorer = frozenset(
        scoring_communes(user, month).filter(pk__in=commune_ids).values_list("pk", flat=True)
    )
    attended: set[int] = set()
    if has_role(user, Role.OFFICIAL):
        attended = set(
            MeetingOfficial.objects.filter(
                user=user, meeting__month=month, meeting__commune_id__in=commune_ids
            ).values_list("meeting__commune_id", flat=True)
        )
    found: dict[int, frozenset[str]] = {}
    for commune_id in commune_ids:
        result = results.get(commune_id)
        status = result.status if result is not None else Status.OPEN
        may: set[str] = set()
        if commune_id in reporter:
            may.add("send")
            if status == Status.OPEN:
                may |= {"self", "meeting"}
        if commune_id in scorer and status in (Status.OPEN, Status.APPROVED):
            may |= {"district", "resolve"}
        if commune_id in attended and status == Status.OPEN:
            may.add("official")
        found[commune_id] = frozenset(may)
    return found


# end home


def access_commune_month(
    user: AnyUser, commune_id: Any, month: Any, action: str = "view"
) -> CommuneMonth:
    """A commune's month: (commune id, "YYYY-MM") parsed, read, and ``action`` allowed."""
    from theodoi.tuyenvan.models import CommuneMonth

    the_month = parse_month_key(month)
    commune = (
        Unit.objects.select_related("parent")
        .filter(pk=parse_id(commune_id), kind=Unit.Kind.COMMUNE)
        .first()
    )
    if commune is None:
        raise Http404
    cm = CommuneMonth(commune, the_month)
    if not user.has_perm("tuyenvan.view_month", cm):
        raise Http404
    _allow(user, action, cm)
    return cm


def _unit(user: AnyUser, pk: Any, kind: str, action: str) -> Unit:
    unit = Unit.objects.select_related("parent").filter(pk=parse_id(pk), kind=kind).first()
    if unit is None or not user.has_perm("tuyenvan.view_results", unit):
        raise Http404
    _allow(user, action, unit)
    return unit


def access_district(user: AnyUser, pk: Any, action: str = "view", month: Any = None) -> Unit:
    """A district whose results the user reads (accept_district, close_month, …).

    With ``month``, the action is asked of the chain in force that month (a June
    2025 district month is accepted by the body that accepted districts then)."""
    if month is None:
        return _unit(user, pk, Unit.Kind.DISTRICT, action)
    from theodoi.tuyenvan.models import CommuneMonth

    district = _unit(user, pk, Unit.Kind.DISTRICT, "view")
    _allow(user, action, CommuneMonth(district, parse_month_key(month)))
    return district


def visible_clusters(user: AnyUser, month: date) -> QuerySet[Any]:
    """Clusters of communes, in force that month, of the provinces whose months the user reads."""
    from theodoi.tuyenvan.models import CommuneCluster

    return CommuneCluster.objects.active_on(month).filter(
        province_id__in=reach(user, *TV_READ_ROLES)
    )


def access_cluster_month(user: AnyUser, pk: Any, month: Any, action: str = "view") -> Any:
    """A cluster's month (approve_cluster, accept_cluster, close_month): a ClusterMonth."""
    from theodoi.tuyenvan.models import ClusterMonth

    the_month = parse_month_key(month)
    cluster = visible_clusters(user, the_month).filter(pk=parse_id(pk)).first()
    if cluster is None:
        raise Http404
    found = ClusterMonth(cluster, the_month)
    _allow(user, action, found)
    return found


def access_commune(user: AnyUser, pk: Any, action: str = "view") -> Unit:
    """A commune whose results the user reads (an official: one it attended).

    Which of its months the user sees is ``visible_tuyenvan_results``.
    """
    return _unit(user, pk, Unit.Kind.COMMUNE, action)


def access_meeting(user: AnyUser, pk: Any, action: str = "view") -> Meeting:
    """A conference record (change_meeting, change_meeting_files)."""
    from theodoi.tuyenvan.models import Meeting

    qs = Meeting.objects.select_related("commune")
    return fetch(user, qs, pk, "tuyenvan.view_month", _also(action))


def access_meeting_file(user: AnyUser, pk: Any, action: str = "view") -> MeetingFile:
    """A conference's file (change_meeting_files to remove it)."""
    from theodoi.tuyenvan.models import MeetingFile

    qs = MeetingFile.objects.select_related("meeting__commune")
    view = "tuyenvan.view_meeting_files"
    return fetch(user, qs, pk, view, _also(action))


def access_sheet(user: AnyUser, pk: Any, action: str = "view") -> ScoreSheet:
    """A score sheet (change_sheet: its owner, while the month is open for it)."""
    from theodoi.tuyenvan.models import ScoreSheet

    qs = ScoreSheet.objects.select_related("commune", "official", "criteria_set")
    return fetch(user, qs, pk, "tuyenvan.view_sheet", _also(action))


def access_score_file(user: AnyUser, pk: Any, action: str = "view") -> ScoreFile:
    """A score line's evidence file, read with its sheet."""
    from theodoi.tuyenvan.models import ScoreFile

    qs = ScoreFile.objects.select_related("score__sheet")
    return fetch(user, qs, pk, "tuyenvan.view_sheet", _also(action))


def access_result(user: AnyUser, pk: Any, action: str = "view") -> MonthlyResult:
    """A commune's monthly result (approve_month, close_month, reopen_month)."""
    from theodoi.tuyenvan.models import MonthlyResult

    qs = MonthlyResult.objects.select_related("commune")
    return fetch(user, qs, pk, "tuyenvan.view_results", _also(action))


def access_appeal(user: AnyUser, pk: Any, action: str = "view") -> Appeal:
    """A commune's appeal (giải trình); answer_appeal for its district's scorer."""
    from theodoi.tuyenvan.models import Appeal

    qs = Appeal.objects.select_related("commune", "criterion")
    return fetch(user, qs, pk, "tuyenvan.view_month", _also(action))


def access_flag(
    user: AnyUser, commune_id: Any, month: Any, criterion_id: Any, action: str = "view"
) -> tuple[CommuneMonth, Any]:
    """A discrepancy: a criterion of the set in force on a commune's month.

    (commune month, criterion); a criterion outside the set in force is Http404.
    """
    from theodoi.tuyenvan.models import Criterion
    from theodoi.tuyenvan.scoring import set_in_force

    cm = access_commune_month(user, commune_id, month, action)
    in_force = set_in_force(cm.commune, cm.month)
    criterion = Criterion.objects.filter(
        pk=parse_id(criterion_id), group__criteria_set=in_force
    ).first()
    if criterion is None:
        raise Http404
    return cm, criterion


def access_submission(user: AnyUser, pk: Any, action: str = "view") -> Submission:
    """A submission (open_submission: the recipient's working side only)."""
    from theodoi.tuyenvan.models import Submission

    qs = Submission.objects.select_related("sender", "recipient", "sent_by", "opened_by")
    view = "tuyenvan.view_submission"
    return fetch(user, qs, pk, view, _also(action))


def access_criteria_set(user: AnyUser, pk: Any, action: str = "view") -> CriteriaSet:
    """A criteria set (change_criteriaset, preview_criteriaset: its coordinators)."""
    from theodoi.tuyenvan.models import CriteriaSet

    qs = CriteriaSet.objects.select_related("owner")
    view = "tuyenvan.view_criteriaset"
    return fetch(user, qs, pk, view, _also(action))


def access_ranking(user: AnyUser, within: Any = None, level: str = "commune") -> Unit:
    """The province or district a ranking is drawn within (the user's widest by default).

    The commune level is open to a commune reporter for its own district; the
    district level, and everything else, needs ``view_results`` on the unit.
    """
    if within is None or within == "":
        unit = default_ranking_scope(user)
    else:
        unit = Unit.objects.filter(pk=parse_id(within), kind__in=RANKING_KINDS).first()
    if unit is None or not user.has_perm("tuyenvan.view_ranking", unit):
        raise Http404
    if level != "commune" and not user.has_perm("tuyenvan.view_results", unit):
        raise Http404
    return unit


def access_bulletin(user: AnyUser) -> Unit:
    """The province whose monthly bulletin the user may draw (its widest scope)."""
    unit = default_ranking_scope(user)
    if unit is None or unit.kind != Unit.Kind.PROVINCE:
        raise Http404
    if not user.has_perm("tuyenvan.view_results", unit):
        raise Http404
    return unit
