"""A ceased body's estimates not settled pass to its successor; decided ones stay."""

from __future__ import annotations

import pytest

from theodoi.budgets.models import DetailedPlan
from theodoi.testing import (
    HANDOVER_REASON,
    handover_failing_at_the_end,
    handover_preview_and_run,
    handover_refusals,
    make_handover_admin,
    make_plan,
)
from theodoi.units.handover import hand_over


@pytest.fixture
def work(world, reform):
    running, old, shared = (
        make_plan(world, year=2025, number="1-KH/TU"),
        make_plan(world, year=2018, number="2-KH/TU"),
        make_plan(world, year=2025, number="3-KH/TU"),
    )

    def estimate(plan, unit, state, revision=1):
        return DetailedPlan.objects.create(
            plan=plan, unit=unit, state=state, revision=revision, created_by=world.coordinator
        )

    S = DetailedPlan.State
    return {
        "submitted": estimate(running, world.btg, S.SUBMITTED),
        "approved": estimate(old, world.btg, S.APPROVED),
        "clash": estimate(shared, world.btg, S.DRAFT),
        "theirs": estimate(shared, reform.ban, S.DRAFT),
    }


def _unit(obj):
    obj.refresh_from_db()
    return obj.unit


def test_open_estimates_move_decided_ones_stay(world, reform, work):
    _preview, done = handover_preview_and_run(world.btg, reform.ban, make_handover_admin(reform))
    assert _unit(work["submitted"]) == reform.ban
    assert work["submitted"].state == DetailedPlan.State.SUBMITTED  # its state is kept
    assert _unit(work["approved"]) == world.btg
    assert _unit(work["clash"]) == world.btg  # the successor has its own for that plan
    assert done.moved["detailed_plans"] == [work["submitted"].pk]
    assert done.kept["detailed_plans"] == 2 and done.notes["detailed_plans"]
    record = work["submitted"].history.first()
    assert HANDOVER_REASON[:40] in record.history_change_reason


def test_refused_and_all_or_nothing(world, reform, work, monkeypatch):
    handover_refusals(world, reform)
    handover_failing_at_the_end(monkeypatch)
    with pytest.raises(RuntimeError):
        hand_over(world.btg, reform.ban, reason=HANDOVER_REASON, by=make_handover_admin(reform))
    assert _unit(work["submitted"]) == world.btg
