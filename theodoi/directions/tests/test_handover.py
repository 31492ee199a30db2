"""A ceased body's open follow-ups and matters pass to its successor; closed ones stay."""

from __future__ import annotations

from datetime import date

import pytest

from theodoi.directions.models import FollowUpItem, Matter
from theodoi.testing import (
    HANDOVER_REASON,
    handover_failing_at_the_end,
    handover_preview_and_run,
    handover_refusals,
    make_handover_admin,
)
from theodoi.units.handover import hand_over


@pytest.fixture
def work(world):
    def matter(state):
        return Matter.objects.create(
            committee=world.province, title="Tổ chức hội nghị", raised_by=world.btg,
            raised_on=date(2025, 5, 1), state=state, created_by=world.coordinator,
        )  # fmt: skip

    directed, done = matter(Matter.State.DIRECTED), matter(Matter.State.DONE)
    return {
        "directed": directed,
        "done": done,
        "open_item": FollowUpItem.objects.create(matter=directed, text="Báo cáo", unit=world.btg),
        "closed_item": FollowUpItem.objects.create(
            matter=done, text="Đã xong", unit=world.btg, closed_on=date(2025, 6, 1)
        ),
    }


def _refresh(obj):
    obj.refresh_from_db()
    return obj


def test_open_follow_ups_and_matters_move_closed_ones_stay(world, reform, work):
    _preview, done = handover_preview_and_run(world.btg, reform.ban, make_handover_admin(reform))
    assert _refresh(work["open_item"]).unit == reform.ban
    assert _refresh(work["closed_item"]).unit == world.btg
    assert _refresh(work["directed"]).raised_by == reform.ban
    assert work["directed"].committee == world.province  # the Tỉnh ủy was not handed over
    assert _refresh(work["done"]).raised_by == world.btg
    assert done.kept == {**done.kept, "follow_ups": 1, "matters": 1}
    record = work["open_item"].history.first()
    assert HANDOVER_REASON[:40] in record.history_change_reason


def test_refused_and_all_or_nothing(world, reform, work, monkeypatch):
    handover_refusals(world, reform)
    handover_failing_at_the_end(monkeypatch)
    with pytest.raises(RuntimeError):
        hand_over(world.btg, reform.ban, reason=HANDOVER_REASON, by=make_handover_admin(reform))
    assert _refresh(work["open_item"]).unit == world.btg
    assert _refresh(work["directed"]).raised_by == world.btg
