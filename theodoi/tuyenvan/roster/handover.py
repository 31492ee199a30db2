"""The tuyên vận boards' part of a handover (registered with ``theodoi.units.handover``).

- A ceased commune's (or district's) **board** of tuyên vận, with its members,
  passes to the successor when the successor has none yet (where two communes
  merged, the first handed over brings its board; the other's stays, to be
  merged by hand). Its name is kept: an editor renames it.
- Its **village teams** (tổ tuyên vận) pass to the successor, the villages
  going with the commune; a team stays where the successor already has one for
  the same village.

The roster of officials attending conferences stays: past conferences were
the old commune's.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.units.handover import HandoverResult, register

from .models import Board, Team


def roster_step(result: HandoverResult) -> None:
    old, new = result.predecessor, result.successor

    boards = Board.objects.filter(unit=old)
    moved = []
    if not Board.objects.filter(unit=new).exists():
        for board in boards:
            board.unit = new
            result.save(board)
            moved.append(board.pk)
    result.move("tuyenvan_boards", moved)
    result.keep(
        "tuyenvan_boards",
        boards.count(),
        _("The successor has a board of its own: the old body's stays, to be merged by hand."),
    )

    teams = Team.objects.filter(commune=old)
    theirs = set(Team.objects.filter(commune=new).values_list("village_name", flat=True))
    moved = []
    for team in teams.order_by("pk"):
        if team.village_name in theirs:
            continue
        team.commune = new
        result.save(team)
        moved.append(team.pk)
    result.move("tuyenvan_teams", moved)
    result.keep(
        "tuyenvan_teams",
        teams.count(),
        _("A village team stays where the successor already has one for the same village."),
    )


register(
    "tuyenvan_roster",
    roster_step,
    kinds={
        "tuyenvan_boards": gettext_lazy("board of tuyên vận"),
        "tuyenvan_teams": gettext_lazy("village teams of tuyên vận"),
    },
    order=85,
)
