"""The successor joins the emulation clusters still in force; proposals of closed years
stay with the unit that earned the rank, those of an open year pass."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from theodoi.testing import (
    HANDOVER_REASON,
    handover_failing_at_the_end,
    handover_preview_and_run,
    handover_refusals,
    make_handover_admin,
)
from theodoi.thidua.models import Cluster, EmulationYear, Proposal
from theodoi.units.handover import hand_over


@pytest.fixture
def work(world):
    def cluster(name, year_to):
        made = Cluster.objects.create(province=world.province, name=name, year_to=year_to)
        made.members.add(world.btg, world.sotttt)
        return made

    def proposal(year, state):
        emulation = EmulationYear.objects.create(province=world.province, year=year, state=state)
        return Proposal.objects.create(
            emulation_year=emulation, level="agency", unit=world.btg, name=world.btg.name,
            award="bang_khen", rank=1, score=Decimal("95.5"), reason="Xếp thứ nhất",
            created_by=world.coordinator, created_at=datetime(year + 1, 1, 10, tzinfo=UTC),
        )  # fmt: skip

    S = EmulationYear.State
    return {
        "in_force": cluster("Khối Đảng", None),
        "ended": cluster("Khối cũ", 2024),
        "closed_year": proposal(2024, S.CLOSED),
        "open_year": proposal(2025, S.OPEN),
    }


def test_clusters_and_open_proposals(world, reform, work):
    _preview, done = handover_preview_and_run(world.btg, reform.ban, make_handover_admin(reform))
    assert set(work["in_force"].members.all()) == {world.btg, world.sotttt, reform.ban}
    assert reform.ban not in work["ended"].members.all()
    for key in ("closed_year", "open_year"):
        work[key].refresh_from_db()
    assert (work["closed_year"].unit, work["closed_year"].name) == (world.btg, world.btg.name)
    assert (work["open_year"].unit, work["open_year"].name) == (reform.ban, reform.ban.name)
    assert done.kept["proposals"] == 1 and done.notes["proposals"]
    assert HANDOVER_REASON[:40] in work["open_year"].history.first().history_change_reason


def test_refused_and_all_or_nothing(world, reform, work, monkeypatch):
    handover_refusals(world, reform)
    handover_failing_at_the_end(monkeypatch)
    with pytest.raises(RuntimeError):
        hand_over(world.btg, reform.ban, reason=HANDOVER_REASON, by=make_handover_admin(reform))
    assert reform.ban not in work["in_force"].members.all()
    work["open_year"].refresh_from_db()
    assert work["open_year"].unit == world.btg
