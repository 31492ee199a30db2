"""The months from the effective day are scored by the successor; the months before
stay under the chain that named the ceased body; a merged commune's successor joins
its clusters."""

from __future__ import annotations

from datetime import date

import pytest

from theodoi.testing import (
    HANDOVER_REASON,
    handover_failing_at_the_end,
    handover_preview_and_run,
    handover_refusals,
    make_handover_admin,
)
from theodoi.tuyenvan.models import CommuneCluster, ScoringChain
from theodoi.units.handover import hand_over


@pytest.fixture
def chains(world):
    def chain(start, end):
        return ScoringChain.objects.create(
            province=world.province, valid_from=start, valid_to=end, level="cluster",
            scorer=world.btg, consolidator=world.btg, basis="QĐ 12",
        )  # fmt: skip

    return {
        "ended": chain(date(2020, 1, 1), date(2024, 12, 31)),
        "running": chain(date(2025, 1, 1), None),
    }


def test_a_running_chain_is_continued_with_the_successor(world, reform, chains):
    _preview, done = handover_preview_and_run(world.btg, reform.ban, make_handover_admin(reform))
    running, ended = chains["running"], chains["ended"]
    running.refresh_from_db()
    ended.refresh_from_db()
    assert (running.valid_to, running.scorer) == (date(2025, 6, 30), world.btg)
    assert (ended.scorer, ended.valid_to) == (world.btg, date(2024, 12, 31))
    following = ScoringChain.objects.in_force(world.province, date(2025, 8, 1))
    assert done.moved["scoring_chains"] == [running.pk]  # continued from 01/07/2025
    assert done.kept["scoring_chains"] == 1
    assert (following.scorer, following.consolidator) == (reform.ban, reform.ban)
    assert (following.level, following.basis, following.valid_to) == ("cluster", "QĐ 12", None)
    assert ScoringChain.objects.in_force(world.province, date(2025, 6, 1)) == running
    assert HANDOVER_REASON[:40] in following.history.first().history_change_reason
    assert HANDOVER_REASON[:40] in running.history.first().history_change_reason
    assert "appeals" in done.notes and "submissions" in done.notes  # they stay, and why


def test_a_merged_communes_successor_joins_its_clusters(world, reform):
    def cluster(name, start, end):
        made = CommuneCluster.objects.create(
            province=world.province, name=name, valid_from=start, valid_to=end
        )
        made.communes.add(world.commune1a)
        return made

    running = cluster("Cụm 1", date(2025, 1, 1), None)
    ended = cluster("Cụm cũ", date(2020, 1, 1), date(2024, 12, 31))
    _preview, done = handover_preview_and_run(
        world.commune1a, reform.commune, make_handover_admin(reform)
    )
    assert set(running.communes.all()) == {world.commune1a, reform.commune}
    assert list(ended.communes.all()) == [world.commune1a]
    assert done.moved["tuyenvan_clusters"] == [running.pk]
    assert done.kept["tuyenvan_clusters"] == 1


def test_refused_and_all_or_nothing(world, reform, chains, monkeypatch):
    handover_refusals(world, reform)
    handover_failing_at_the_end(monkeypatch)
    with pytest.raises(RuntimeError):
        hand_over(world.btg, reform.ban, reason=HANDOVER_REASON, by=make_handover_admin(reform))
    chains["running"].refresh_from_db()
    assert chains["running"].valid_to is None
    assert ScoringChain.objects.count() == 2
