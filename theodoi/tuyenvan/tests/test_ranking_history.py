"""A ranking of 2025 communes beside the results their predecessors earned."""

from datetime import date
from decimal import Decimal

from theodoi.testing import make_criteria_set, make_reform
from theodoi.tuyenvan import results
from theodoi.tuyenvan.models import MonthlyResult


def _result(world, commune, month, total, criteria_set, province=None, district=None):
    return MonthlyResult.objects.create(
        commune=commune, district=district or commune.parent, province=province or world.province,
        month=month, criteria_set=criteria_set, total=Decimal(total), band_label="Tốt",
    )  # fmt: skip


def test_each_row_carries_its_predecessors_results_under_their_names(world):
    reform = make_reform(world)
    cset = make_criteria_set(world)
    for commune, total in ((world.commune1a, 90), (world.commune1b, 80), (world.commune2a, 70)):
        _result(world, commune, date(2024, 6, 1), total, cset)
        _result(world, commune, date(2023, 6, 1), total - 5, cset)  # outside the history
    _result(world, reform.commune, date(2025, 6, 1), 88, cset, reform.province, reform.province)
    ranked = results.rank_communes(reform.province, results.month_period(date(2025, 6, 1)))
    assert [r.unit_id for r in ranked] == [reform.commune.pk]
    results.with_predecessors(ranked, results.month_period(date(2024, 6, 1)))
    earlier = ranked[0].extra["earlier"]
    assert [(e.name, e.total) for e in earlier] == [("Xã Một A", 90), ("Xã Một B", 80)]
    assert ranked[0].score == Decimal("88.00")  # its own score, nothing combined in
