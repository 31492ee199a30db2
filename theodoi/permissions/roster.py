"""The roster of officials attending commune conferences, and the boards of tuyên vận."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet

from theodoi.permissions import (
    AnyUser,
    Role,
    has_role,
    home_ids,
    is_coordinator,
    reach,
    reaches,
)
from theodoi.units.models import Unit

# tuyenvan people ---
# The attendance roster and the boards registry (theodoi.tuyenvan.roster).
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

    from theodoi.tuyenvan.roster.models import RosterRound

    queryset = RosterRound.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    drafts = reach(user, Role.COORDINATOR, Role.VIEWER, Role.ADMIN)
    return queryset.filter(
        Q(status=RosterRound.Status.PUBLISHED, province_id__in=home_ids(user) | reach(user))
        | Q(province_id__in=drafts)
    )


def visible_boards(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.tuyenvan.roster.models import Board

    queryset = Board.objects.all() if queryset is None else queryset
    return queryset.filter(unit_id__in=reach(user))


def board_editable_unit_ids(user: AnyUser) -> frozenset[int]:
    """Units whose board and teams the user may change (for lists of edit links)."""
    return reach(user, Role.COORDINATOR, Role.DISTRICT_SCORER, Role.COMMUNE_REPORTER)
