"""The recursive walks over the unit tree answer as a walk in Python over the same edges."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from theodoi.core.prepared import IdList
from theodoi.testing import make_unit
from theodoi.units.models import (
    Membership,
    Unit,
    UnitLineage,
    ancestor_ids,
    rows_in_home_or_history_sql,
    subtree_and_history_ids,
    subtree_ids,
    units_and_upward_ids,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lineage(reform, world):
    """The 2025 reform, then a later one: the merged commune split between the new
    Tỉnh ủy and the other province (two reforms back from either half)."""
    K = Unit.Kind
    day = date(2030, 1, 1)
    east = make_unit("Xã Đông", K.COMMUNE, reform.province, active_from=day)
    west = make_unit("Xã Tây", K.COMMUNE, world.other_province, active_from=day)
    for after in (east, west):
        UnitLineage.objects.create(
            predecessor=reform.commune,
            successor=after,
            event=UnitLineage.Event.SPLIT,
            effective=day,
        )
    return reform


class Graph:
    """The unit graph read back from the tables: a walk's expected answers."""

    def __init__(self) -> None:
        self.parent = dict(Unit.objects.values_list("id", "parent_id"))
        self.links = list(UnitLineage.objects.values_list("predecessor_id", "successor_id"))

    def closure(self, start: set[int], edges: list[tuple[int, int]]) -> frozenset[int]:
        found, frontier = set(start), set(start)
        while frontier:
            frontier = {dst for src, dst in edges if src in frontier} - found
            found |= frontier
        return frozenset(found)

    def down(self) -> list[tuple[int, int]]:
        return [(parent, pk) for pk, parent in self.parent.items() if parent]

    def up(self) -> list[tuple[int, int]]:
        return [(pk, parent) for parent, pk in self.down()]

    def backwards(self) -> list[tuple[int, int]]:
        return [(after, before) for before, after in self.links]


def seed_sets(graph: Graph) -> list[set[int]]:
    units = sorted(graph.parent)
    return [{pk} for pk in units] + [set(units[:3]), set(units[::2]), set(units)]


def test_the_walks_answer_as_a_walk_over_the_edges(lineage):
    graph = Graph()
    down, up, back = graph.down(), graph.up(), graph.backwards()
    forward = graph.links
    assert back  # a lineage world
    for seeds in seed_sets(graph):
        assert subtree_ids(seeds) == graph.closure(seeds, down), seeds
        assert ancestor_ids(seeds) == graph.closure(seeds, up), seeds
        own = graph.closure(seeds, down)
        assert subtree_and_history_ids(seeds) == (own, graph.closure(seeds, down + back)), seeds
        found = units_and_upward_ids(seeds)
        assert set(found) == seeds
        for pk, (unit, ancestors, upward) in found.items():
            assert unit.pk == pk
            assert ancestors == graph.closure({pk}, up), pk
            assert upward == graph.closure({pk}, up + forward), pk
    unknown = 10**9
    assert subtree_ids([unknown]) == ancestor_ids([unknown]) == frozenset()
    assert subtree_and_history_ids([unknown]) == (frozenset(), frozenset())
    assert units_and_upward_ids([unknown]) == {}
    assert subtree_ids([]) == ancestor_ids([]) == frozenset()
    assert subtree_and_history_ids([]) == (frozenset(), frozenset())
    assert units_and_upward_ids([]) == {}


def test_the_walk_up_from_rows_finds_the_rows_in_the_home_or_history(lineage, world):
    graph = Graph()
    down, up, back = graph.down(), graph.up(), graph.backwards()
    memberships = dict(Membership.objects.values_list("id", "unit_id"))
    assert len(set(memberships.values())) > 5
    units = sorted(graph.parent)
    for roots, homes in [
        ({lineage.province.pk}, {world.commune1a.pk}),
        ({lineage.commune.pk}, {world.district2.pk}),
        ({world.other_province.pk}, {lineage.ban.pk, world.commune2a.pk}),
        (set(units[::3]), set(units[1::4])),
        ({10**9}, {10**9}),
    ]:
        reach = graph.closure(roots, down + back) | graph.closure(homes, up)
        expected = {pk for pk, unit in memberships.items() if unit in reach}
        for given in ((roots, homes), (IdList(sorted(roots)), IdList(sorted(homes)))):
            sql, params = rows_in_home_or_history_sql(Membership._meta.db_table, "unit_id", *given)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                assert {pk for (pk,) in cursor.fetchall()} == expected, (roots, homes)
