"""A ceased body's open targets, network members in term and planned activities pass
to its successor; what ended before the effective day stays its own."""

from __future__ import annotations

from datetime import date

import pytest

from theodoi.activities.models import Activity, NetworkMember, Target
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
    def target(start, end):
        return Target.objects.create(
            name="Hội nghị báo cáo viên", unit=world.btg, measure="count", comparison="gte",
            goal=4, start=start, end=end,
        )  # fmt: skip

    def member(name, term_end):
        return NetworkMember.objects.create(
            network="reporter", full_name=name, unit=world.btg, level="province",
            term_start=date(2021, 1, 1), term_end=term_end,
        )  # fmt: skip

    def activity(start):
        a = Activity.objects.create(
            kind="conference", title="Hội nghị", start=start, owner=world.btg
        )
        a.units.add(world.btg)
        return a

    return {
        "open_target": target(date(2025, 1, 1), date(2025, 12, 31)),
        "old_target": target(date(2024, 1, 1), date(2024, 12, 31)),
        "serving": member("Nguyễn Văn A", None),
        "retired": member("Trần Thị B", date(2024, 12, 31)),
        "planned": activity(date(2025, 9, 1)),
        "held": activity(date(2025, 3, 1)),
    }


def _unit(obj):
    obj.refresh_from_db()
    return getattr(obj, "unit", None) or obj.owner


def test_open_work_moves_and_what_ended_stays(world, reform, work):
    _preview, done = handover_preview_and_run(world.btg, reform.ban, make_handover_admin(reform))
    assert _unit(work["open_target"]) == reform.ban
    assert _unit(work["serving"]) == reform.ban
    assert _unit(work["planned"]) == reform.ban
    assert list(work["planned"].units.all()) == [reform.ban]
    for kept in ("old_target", "retired", "held"):
        assert _unit(work[kept]) == world.btg
    assert done.kept["activity_targets"] == 1 and done.kept["network_members"] == 1
    assert done.notes["planned_activities"]
    record = work["open_target"].history.first()
    assert HANDOVER_REASON[:40] in record.history_change_reason
    assert record.history_user.username == "admin_2025"


def test_refused_and_all_or_nothing(world, reform, work, monkeypatch):
    handover_refusals(world, reform)
    assert _unit(work["open_target"]) == world.btg
    handover_failing_at_the_end(monkeypatch)
    with pytest.raises(RuntimeError):
        hand_over(world.btg, reform.ban, reason=HANDOVER_REASON, by=make_handover_admin(reform))
    assert _unit(work["serving"]) == world.btg
    assert _unit(work["planned"]) == world.btg
