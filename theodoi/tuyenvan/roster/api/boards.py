"""Boards of tuyên vận with their members, village teams, rules documents and gaps."""

from datetime import date
from typing import Any

from django.db.models import Prefetch, Q
from django.http import HttpRequest
from ninja import Router, Schema

from theodoi.core import clock
from theodoi.core.apikit import ERRORS, LIST_ERRORS, Id, Pagination, paginate
from theodoi.permissions import roster as access

from ..models import Board, Team

router = Router(tags=["tuyenvan"])


class RosterBoardMemberOut(Schema):
    full_name: str
    post: str
    title: str


class RosterTeamOut(Schema):
    id: int
    village: str
    members: list[RosterBoardMemberOut]

    @staticmethod
    def resolve_village(team: Team) -> str:
        return team.village_name

    @staticmethod
    def resolve_members(team: Team) -> list[Any]:
        return list(team.members.all())


class RosterRulesOut(Schema):
    number: str
    issued_on: date
    title: str


class RosterBoardOut(Schema):
    id: int
    name: str
    unit: int
    unit_name: str
    unit_kind: str
    members: list[RosterBoardMemberOut]
    rules: list[RosterRulesOut]
    teams: list[RosterTeamOut]
    gaps: list[str]

    @staticmethod
    def resolve_unit(board: Board) -> int:
        return board.unit_id

    @staticmethod
    def resolve_unit_name(board: Board) -> str:
        return board.unit.name

    @staticmethod
    def resolve_unit_kind(board: Board) -> str:
        return board.unit.kind

    @staticmethod
    def resolve_members(board: Board) -> list[Any]:
        return list(board.members.all())

    @staticmethod
    def resolve_rules(board: Board) -> list[Any]:
        return list(board.rules.all())

    @staticmethod
    def resolve_teams(board: Board) -> list[Any]:
        return list(board.unit.tuyenvan_teams.all())

    @staticmethod
    def resolve_gaps(board: Board) -> list[str]:
        return [str(gap) for gap in board.gap_labels(clock.today())]


def _boards() -> Any:
    return (
        Board.objects.with_gaps()
        .select_related("unit")
        .prefetch_related(
            "members",
            "rules",
            Prefetch(
                "unit__tuyenvan_teams",
                queryset=Team.objects.prefetch_related("members").order_by("pk"),
            ),
        )
        .order_by("unit__parent_id", "unit__position", "unit__name", "pk")
    )


@router.get(
    "/boards",
    response={200: list[RosterBoardOut], **LIST_ERRORS},
    summary="Tuyên vận boards with members, teams, rules and gaps (?district= one district)",
)
@paginate(Pagination)
def list_boards(request: HttpRequest, district: Id | None = None) -> Any:
    boards = access.visible_boards(request.auth, _boards())
    if district is not None:
        boards = boards.filter(Q(unit_id=district) | Q(unit__parent_id=district))
    return boards


@router.get(
    "/boards/{board_id}",
    response={200: RosterBoardOut, **ERRORS},
    summary="One board of tuyên vận",
)
def get_board(request: HttpRequest, board_id: Id) -> Any:
    return access.access_board(request.auth, board_id, queryset=_boards())
