"""A ceased body's running plans and open assignments pass to its successor; plans of
earlier years and finished assignments stay its own."""

from __future__ import annotations

import pytest

from theodoi.plans.models import Assignment
from theodoi.testing import (
    HANDOVER_REASON,
    handover_failing_at_the_end,
    handover_preview_and_run,
    handover_refusals,
    make_handover_admin,
    make_plan,
    make_work_item,
)
from theodoi.units.handover import hand_over


@pytest.fixture
def work(world):
    running, old = make_plan(world, year=2025), make_plan(world, year=2018)
    open_item, done_item = (make_work_item(running, lead=world.btg) for _ in range(2))
    done = done_item.assignments.get()
    done.status = Assignment.Status.DONE
    done.save()
    make_work_item(old, lead=world.btg)
    return {"running": running, "old": old, "open": open_item.assignments.get(), "done": done}


def _refresh(obj):
    obj.refresh_from_db()
    return obj


def test_running_plans_and_open_assignments_move(world, reform, work):
    _preview, done = handover_preview_and_run(world.btg, reform.ban, make_handover_admin(reform))
    assert _refresh(work["running"]).owner == reform.ban
    assert work["running"].issuer == world.province  # who issued it never changes
    assert _refresh(work["old"]).owner == world.btg
    assert _refresh(work["open"]).unit == reform.ban
    assert _refresh(work["done"]).unit == world.btg
    assert done.kept["plans"] == 1 and done.kept["assignments"] == 2
    assert done.notes["plans"] and done.notes["assignments"]
    assert HANDOVER_REASON[:40] in work["open"].history.first().history_change_reason


def test_refused_and_all_or_nothing(world, reform, work, monkeypatch):
    handover_refusals(world, reform)
    handover_failing_at_the_end(monkeypatch)
    with pytest.raises(RuntimeError):
        hand_over(world.btg, reform.ban, reason=HANDOVER_REASON, by=make_handover_admin(reform))
    assert _refresh(work["running"]).owner == world.btg
    assert _refresh(work["open"]).unit == world.btg
