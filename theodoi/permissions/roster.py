"""The roster of officials attending commune conferences, and the boards of tuyên vận.

The attendance roster and the boards registry (``theodoi.tuyenvan.roster``,
app label ``tuyenvan_people``). A roster round belongs to a province: its
coordinators create, generate, edit and publish it; everyone working in the
province reads a published round; only its coordinators (and viewers/admins in
reach) see a draft. An assignment (roster entry) follows its round. Which
district a provincial official follows, and the days it cannot attend, are for
the coordinators reaching the official's unit (and the official itself for its
own days). Boards and teams: everyone whose reach covers the unit reads them;
coordinators, district scorers (their district's communes) and commune
reporters (their own commune) change them.

Pages and the API ask only the ``access_*`` helpers and ``visible_*`` scopes
below (``require`` for actions on no object).
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet
from django.http import Http404

from theodoi.permissions import (
    AnyUser,
    Role,
    fetch,
    has_role,
    home_ids,
    is_coordinator,
    parse_id,
    reach,
    reaches,
)
from theodoi.units.models import Membership, Unit

APP = "tuyenvan_people"
ROUND_READERS = (Role.COORDINATOR, Role.VIEWER, Role.ADMIN)
BOARD_EDITORS = (Role.COORDINATOR, Role.DISTRICT_SCORER, Role.COMMUNE_REPORTER)


def _perm(model: str, action: str) -> str:
    return f"{APP}.{action}_{model}"


# Predicates ----------------------------------------------------------------------
# Each takes the object or None: with no object (e.g. the admin's changelist) the
# answer is whether the user's roles could allow it on some object.


def _round_in_home(user: AnyUser, rnd: Any) -> bool:
    return rnd.province_id in home_ids(user) or reaches(user, rnd.province_id)


@rules.predicate
def coordinates_round(user: AnyUser, rnd: Any) -> bool:
    if rnd is None:
        return has_role(user, Role.COORDINATOR)
    return reaches(user, rnd.province_id, Role.COORDINATOR)


@rules.predicate
def can_see_round(user: AnyUser, rnd: Any) -> bool:
    if rnd is None:
        return user.is_authenticated
    if rnd.status == "published":
        return _round_in_home(user, rnd)
    return reaches(user, rnd.province_id, *ROUND_READERS)


@rules.predicate
def can_see_entry(user: AnyUser, entry: Any) -> bool:
    return can_see_round(user, None if entry is None else entry.round)


@rules.predicate
def coordinates_entry(user: AnyUser, entry: Any) -> bool:
    return coordinates_round(user, None if entry is None else entry.round)


@rules.predicate
def is_official(user: AnyUser) -> bool:
    return has_role(user, Role.OFFICIAL)


def _official_unit_ids(official_id: int) -> list[int]:
    return list(
        Membership.objects.filter(user_id=official_id, role=Role.OFFICIAL).values_list(
            "unit_id", flat=True
        )
    )


def _coordinates_official(user: AnyUser, official_id: int) -> bool:
    return any(
        reaches(user, unit_id, Role.COORDINATOR) for unit_id in _official_unit_ids(official_id)
    )


@rules.predicate
def coordinates_profile(user: AnyUser, profile: Any) -> bool:
    if profile is None:
        return has_role(user, Role.COORDINATOR)
    return _coordinates_official(user, profile.user_id)


@rules.predicate
def can_see_profile(user: AnyUser, profile: Any) -> bool:
    if profile is None:
        return has_role(user, *ROUND_READERS, Role.OFFICIAL)
    if profile.user_id == user.pk:
        return True
    return any(
        reaches(user, unit_id, *ROUND_READERS) for unit_id in _official_unit_ids(profile.user_id)
    )


@rules.predicate
def can_see_unavailability(user: AnyUser, item: Any) -> bool:
    """The official; those who read rosters where the official's unit is."""
    if item is None:
        return has_role(user, *ROUND_READERS, Role.OFFICIAL)
    if item.user_id == user.pk:
        return True
    return any(
        reaches(user, unit_id, *ROUND_READERS) for unit_id in _official_unit_ids(item.user_id)
    )


@rules.predicate
def declares_unavailability(user: AnyUser, item: Any) -> bool:
    """The official for its own days; the coordinators reaching its unit."""
    if item is None:
        return has_role(user, Role.COORDINATOR, Role.OFFICIAL)
    return item.user_id == user.pk or _coordinates_official(user, item.user_id)


@rules.predicate
def board_in_reach(user: AnyUser, board: Any) -> bool:
    if board is None:
        return user.is_authenticated
    return reaches(user, board.unit_id)


@rules.predicate
def edits_board(user: AnyUser, board: Any) -> bool:
    if board is None:
        return has_role(user, *BOARD_EDITORS)
    return reaches(user, board.unit_id, *BOARD_EDITORS)


@rules.predicate
def team_in_reach(user: AnyUser, team: Any) -> bool:
    if team is None:
        return user.is_authenticated
    return reaches(user, team.commune_id)


@rules.predicate
def edits_team(user: AnyUser, team: Any) -> bool:
    if team is None:
        return has_role(user, *BOARD_EDITORS)
    return reaches(user, team.commune_id, *BOARD_EDITORS)


@rules.predicate
def creates_board_of(user: AnyUser, unit: Unit | None) -> bool:
    if unit is None:
        return has_role(user, *BOARD_EDITORS)
    return unit.pk in board_editable_unit_ids(user)


rules.add_perm(_perm("rosterround", "add"), is_coordinator)
rules.add_perm(_perm("rosterround", "view"), can_see_round)
rules.add_perm(_perm("rosterround", "change"), coordinates_round)
rules.add_perm(_perm("rosterentry", "view"), can_see_entry)
rules.add_perm(_perm("rosterentry", "change"), coordinates_entry)
rules.add_perm(_perm("rosterentry", "delete"), coordinates_entry)
rules.add_perm(f"{APP}.view_my_roster", is_official)
# Which district a provincial official follows: coordinators reaching its unit.
rules.add_perm(_perm("officialprofile", "view"), can_see_profile)
rules.add_perm(_perm("officialprofile", "change"), coordinates_profile)
rules.add_perm(_perm("unavailability", "view"), can_see_unavailability)
rules.add_perm(_perm("unavailability", "delete"), declares_unavailability)
rules.add_perm(_perm("board", "view"), board_in_reach)
rules.add_perm(_perm("board", "change"), edits_board)
rules.add_perm(_perm("board", "add"), creates_board_of)
rules.add_perm(_perm("team", "view"), team_in_reach)
rules.add_perm(_perm("team", "change"), edits_team)


# Scopes for lists -----------------------------------------------------------------


def visible_rounds(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Published rounds of a province the user works in; drafts for its coordinators,
    viewers and administrators."""
    from theodoi.tuyenvan.roster.models import RosterRound

    queryset = RosterRound.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    drafts = reach(user, *ROUND_READERS)
    return queryset.filter(
        Q(status=RosterRound.Status.PUBLISHED, province_id__in=home_ids(user) | reach(user))
        | Q(province_id__in=drafts)
    )


def round_provinces(user: AnyUser, queryset: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    """Provinces the user may make rounds for, and whose officials it assigns."""
    queryset = Unit.objects.all() if queryset is None else queryset
    return queryset.filter(kind=Unit.Kind.PROVINCE, pk__in=reach(user, Role.COORDINATOR))


def visible_boards(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.tuyenvan.roster.models import Board

    queryset = Board.objects.all() if queryset is None else queryset
    return queryset.filter(unit_id__in=reach(user))


def board_units(user: AnyUser, queryset: QuerySet[Unit] | None = None) -> QuerySet[Unit]:
    """Units (districts, communes) whose board registry the user reads."""
    queryset = Unit.objects.all() if queryset is None else queryset
    return queryset.filter(pk__in=reach(user))


def access_board_district(user: AnyUser, pk: Any) -> Unit:
    """A district whose board registry the user reads; Http404 for any other id."""
    from django.http import Http404

    from theodoi.permissions import parse_id

    found = board_units(user, Unit.objects.filter(kind=Unit.Kind.DISTRICT))
    district = found.filter(pk=parse_id(pk)).first()
    if district is None:
        raise Http404
    return district


def board_editable_unit_ids(user: AnyUser) -> frozenset[int]:
    """Units whose board and teams the user may change (for lists of edit links)."""
    return reach(user, *BOARD_EDITORS)


# One object ----------------------------------------------------------------------


def access_round(
    user: AnyUser, pk: Any, action: str = "view", *, queryset: QuerySet[Any] | None = None
) -> Any:
    """A roster round: ``view`` (readers of the round), ``change`` (its coordinators)."""
    from theodoi.tuyenvan.roster.models import RosterRound

    queryset = RosterRound.objects.select_related("province") if queryset is None else queryset
    return fetch(user, queryset, pk, _perm("rosterround", "view"), _perm("rosterround", action))


def access_roster_entry(
    user: AnyUser, pk: Any, action: str = "view", *, round_id: Any = None
) -> Any:
    """One assignment (of the round ``round_id`` when given): ``view``, ``change``, ``delete``."""
    from theodoi.tuyenvan.roster.models import RosterEntry

    queryset = RosterEntry.objects.select_related("round__province", "commune__parent", "official")
    if round_id is not None:
        queryset = queryset.filter(round_id=round_id)
    return fetch(user, queryset, pk, _perm("rosterentry", "view"), _perm("rosterentry", action))


def access_official_profile(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """An official's roster profile (the district it follows): ``view``, ``change``."""
    from theodoi.tuyenvan.roster.models import OfficialProfile

    queryset = OfficialProfile.objects.select_related("user", "follows_district")
    return fetch(
        user, queryset, pk, _perm("officialprofile", "view"), _perm("officialprofile", action)
    )


def access_unavailability(
    user: AnyUser, pk: Any, action: str = "view", *, queryset: QuerySet[Any] | None = None
) -> Any:
    """Days an official declared it cannot attend: ``view``, ``delete``."""
    from theodoi.tuyenvan.roster.models import Unavailability

    queryset = Unavailability.objects.select_related("user") if queryset is None else queryset
    return fetch(
        user, queryset, pk, _perm("unavailability", "view"), _perm("unavailability", action)
    )


def access_board(
    user: AnyUser, pk: Any, action: str = "view", *, queryset: QuerySet[Any] | None = None
) -> Any:
    """A board of tuyên vận: ``view`` (in reach), ``change`` (its editors)."""
    from theodoi.tuyenvan.roster.models import Board

    queryset = (
        Board.objects.with_gaps().select_related("unit__parent") if queryset is None else queryset
    )
    return fetch(user, queryset, pk, _perm("board", "view"), _perm("board", action))


def access_board_unit(user: AnyUser, pk: Any, action: str = "add") -> Unit:
    """The district or commune a board is made for: in reach, and ``add`` allowed."""
    queryset = Unit.objects.filter(kind__in=[Unit.Kind.DISTRICT, Unit.Kind.COMMUNE])
    return fetch(user, queryset, pk, "units.view_unit", _perm("board", action))


def access_team(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A village team of tuyên vận: ``view`` (in reach), ``change`` (the board's editors)."""
    from theodoi.tuyenvan.roster.models import Team

    queryset = Team.objects.select_related("commune__tuyenvan_board", "village")
    return fetch(user, queryset, pk, _perm("team", "view"), _perm("team", action))


def access_rules_document(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A board's working rules document (its file): as the board."""
    from theodoi.tuyenvan.roster.models import RulesDocument

    doc = RulesDocument.objects.select_related("board").filter(pk=parse_id(pk)).first()
    if doc is None:
        raise Http404
    doc.board = access_board(user, doc.board_id, action)
    return doc
