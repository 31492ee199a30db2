"""A merged commune's board and village teams pass to the new commune: the first
board handed over, the teams of villages it has no team for."""

from __future__ import annotations

import pytest

from theodoi.testing import (
    HANDOVER_REASON,
    handover_failing_at_the_end,
    handover_preview_and_run,
    make_handover_admin,
)
from theodoi.tuyenvan.roster.models import Board, BoardMember, Team
from theodoi.units.handover import hand_over


@pytest.fixture
def work(world):
    def board(commune, name):
        made = Board.objects.create(unit=commune, name=name)
        BoardMember.objects.create(board=made, full_name=f"Trưởng {name}", post="head")
        return made

    return {
        "board_a": board(world.commune1a, "Ban tuyên vận xã Một A"),
        "board_b": board(world.commune1b, "Ban tuyên vận xã Một B"),
        "team_a": Team.objects.create(commune=world.commune1a, village_name="Thôn 1"),
        "team_b_same": Team.objects.create(commune=world.commune1b, village_name="Thôn 1"),
        "team_b": Team.objects.create(commune=world.commune1b, village_name="Thôn 2"),
    }


def _refresh(obj):
    obj.refresh_from_db()
    return obj


def test_the_first_board_and_the_teams_move(world, reform, work):
    admin = make_handover_admin(reform)
    _preview, first = handover_preview_and_run(world.commune1a, reform.commune, admin)
    _preview, second = handover_preview_and_run(world.commune1b, reform.commune, admin)
    assert _refresh(work["board_a"]).unit == reform.commune
    assert work["board_a"].members.count() == 1  # its members go with it
    assert _refresh(work["board_b"]).unit == world.commune1b  # the new commune has one now
    assert second.kept["tuyenvan_boards"] == 1 and second.notes["tuyenvan_boards"]
    assert _refresh(work["team_a"]).commune == reform.commune
    assert _refresh(work["team_b"]).commune == reform.commune
    assert _refresh(work["team_b_same"]).commune == world.commune1b  # Thôn 1 has its team
    assert first.moved["tuyenvan_boards"] == [work["board_a"].pk]
    assert HANDOVER_REASON[:40] in work["team_a"].history.first().history_change_reason


def test_refused_and_all_or_nothing(world, reform, work, monkeypatch):
    from theodoi.units.handover import HandoverError

    with pytest.raises(HandoverError):
        hand_over(world.commune1a, reform.commune, reason=HANDOVER_REASON, by=world.admin)
    handover_failing_at_the_end(monkeypatch)
    with pytest.raises(RuntimeError):
        hand_over(
            world.commune1a, reform.commune, reason=HANDOVER_REASON, by=make_handover_admin(reform)
        )
    assert _refresh(work["board_a"]).unit == world.commune1a
    assert _refresh(work["team_a"]).commune == world.commune1a
