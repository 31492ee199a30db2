from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from theodoi.core.clock import fixed_today
from theodoi.core.workflow import TransitionRefused
from theodoi.thidua import actions, components
from theodoi.thidua.components import MINMAX, SHARE, Raw
from theodoi.thidua.models import Cluster, EmulationYear, Snapshot
from theodoi.thidua.ranking import (
    Line,
    Row,
    assign_ranks,
    compute,
    normalise,
    parse_period,
    ranking,
    score,
)

pytestmark = pytest.mark.django_db
H1 = parse_period("2018-H1")


def scores(found):
    return [(r.name, r.rank, r.score) for r in found.rows]


# Pure arithmetic ---------------------------------------------------------------------


def test_periods_are_halves_and_years_only():
    assert (H1.start, H1.end) == (date(2018, 1, 1), date(2018, 6, 30))
    assert parse_period("2018-H2").start == date(2018, 7, 1)
    assert parse_period("2018").end == date(2018, 12, 31)
    for bad in ("2018-Q1", "2018-H3", "18", "", None, "2018-06"):
        with pytest.raises(ValueError):
            parse_period(bad)


def test_a_share_is_kept_and_min_max_spreads_the_range():
    raws = {1: Raw(Decimal("60")), 2: Raw(Decimal("70")), 3: Raw(Decimal("90"))}
    assert normalise(raws, SHARE) == {1: Decimal("60.00"), 2: Decimal("70.00"), 3: Decimal("90.00")}
    # 100 × (70 − 60) / (90 − 60) = 33.333… → 33.33
    assert normalise(raws, MINMAX) == {
        1: Decimal("0.00"),
        2: Decimal("33.33"),
        3: Decimal("100.00"),
    }
    same = {1: Raw(Decimal("5")), 2: Raw(Decimal("5"))}
    assert normalise(same, MINMAX) == {1: Decimal("100.00"), 2: Decimal("100.00")}
    assert normalise({}, MINMAX) == {}


def test_the_score_rescales_weights_over_the_components_with_a_value():
    weights = {"a": 50, "b": 30, "c": 20}
    assert score({"a": Decimal(80), "b": Decimal(60), "c": Decimal(100)}, weights) == Decimal(
        "78.00"
    )  # (4000 + 1800 + 2000) / 100
    # c missing: (4000 + 1800) / 80 = 72.5
    assert score({"a": Decimal(80), "b": Decimal(60)}, weights) == Decimal("72.50")
    # 2/3 rounds half up to two decimals: (50 × 1 + 30 × 0 + 20 × 0) … = 0.5 → 0.50
    assert score({"a": Decimal(1), "b": Decimal(0), "c": Decimal(0)}, weights) == Decimal("0.50")
    assert score({}, weights) is None
    assert score({"z": Decimal(100)}, weights) is None


def _row(name, total, a, b):
    lines = [Line("a", value=a, weight=50), Line("b", value=b, weight=30)]
    return Row(key=hash(name), name=name, score=total, rank=None, lines=lines)


def test_ties_are_broken_by_the_heaviest_component_then_shared():
    rows = [
        _row("An", "70.00", "80.00", "60.00"),
        _row("Bình", "70.00", "90.00", "40.00"),  # same score, higher on a (weight 50)
        _row("Dung", "65.00", "70.00", "50.00"),
        _row("Chi", "65.00", "70.00", "50.00"),  # equal in everything: shares the rank
        _row("Em", "10.00", "10.00", None),
        _row("Giang", None, None, None),  # nothing to count: not ranked
    ]
    ranked = assign_ranks(rows, ["a", "b"])
    assert [(r.name, r.rank) for r in ranked] == [
        ("Bình", 1),
        ("An", 2),
        ("Chi", 3),
        ("Dung", 3),
        ("Em", 5),
        ("Giang", None),
    ]


def test_a_missing_value_ranks_lowest_in_a_tie():
    rows = [_row("A", "50.00", None, "50.00"), _row("B", "50.00", "10.00", "50.00")]
    assert [r.name for r in assign_ranks(rows, ["a", "b"])] == ["B", "A"]


# Computed from the data ----------------------------------------------------------------


def test_agencies_hand_computed(setup):
    found = compute(setup.world.province, H1, "agency", today=date(2018, 7, 20))
    w = setup.world
    assert scores(found) == [
        (w.bdv.name, 1, "80.00"),
        (w.sotttt.name, 2, "75.00"),
        (w.btg.name, 3, "0.00"),
    ]
    bdv = found.row(w.bdv.pk)
    lines = {x.key: (x.numerator, x.denominator, x.value) for x in bdv.lines}
    assert lines == {
        "report_completeness": (1, 1, "100.00"),
        "report_timeliness": (1, 1, "100.00"),
        "work_on_time": (1, 2, "50.00"),
        "findings_closed": (1, 1, "100.00"),
    }
    so = {x.key: x.value for x in found.row(w.sotttt.pk).lines}
    assert so["findings_closed"] is None and so["report_timeliness"] == "0.00"
    assert found.weights == {
        "report_completeness": 20,
        "report_timeliness": 20,
        "work_on_time": 40,
        "findings_closed": 20,
    }
    assert not found.final and not found.weights_set
    assert all(line.link for line in bdv.lines)
    assert "Σ" in found.score_rule and "(1, 2, 2, 4)" in found.tie_rule


def test_report_shares_follow_the_rate_table_of_reporting(setup):
    from theodoi.reporting.rates import rate_table

    w = setup.world
    for today in (date(2018, 7, 1), date(2018, 7, 20)):
        table = rate_table([setup.h1], today)
        found = compute(w.province, H1, "agency", today=today)
        for unit in (w.bdv, w.sotttt, w.btg):
            rate = table.by_unit[unit.pk]
            line = found.row(unit.pk).line("report_timeliness")
            expected = (rate.on_time, rate.expected) if rate.expected else (None, None)
            assert (line.numerator, line.denominator) == expected


def test_before_the_due_date_only_reports_received_count(setup):
    found = compute(setup.world.province, H1, "agency", today=date(2018, 7, 1))
    keys = {x.key for x in found.row(setup.world.btg.pk).lines if x.value is not None}
    assert keys == {"work_on_time", "findings_closed"}
    bdv = found.row(setup.world.bdv.pk).line("report_completeness")
    assert (bdv.numerator, bdv.denominator) == (1, 1)


def test_districts_and_clusters_by_tuyen_van(setup):
    w = setup.world
    setup.tuyenvan()
    found = compute(w.province, H1, "district", today=date(2018, 7, 20))
    # District 1: mean of 80 and 90 (70 not eligible) = 85; district 2: 60; min-max.
    assert scores(found) == [(w.district1.name, 1, "100.00"), (w.district2.name, 2, "0.00")]
    assert found.row(w.district1.pk).line("tuyenvan").raw == "85.00"
    cluster = Cluster.objects.create(province=w.province, name="Cụm 1", members_kind="district")
    cluster.members.set([w.district1, w.district2])
    # The cluster's communes taken together: (80 + 90 + 60) / 3 = 76.67.
    weights = {"tuyenvan": 100}
    clusters = compute(w.province, H1, "cluster", weights=weights, today=date(2018, 7, 20))
    assert clusters.rows[0].line("tuyenvan").raw == "76.67"
    assert clusters.rows[0].members == sorted([w.district1.name, w.district2.name])
    # Clusters of agencies and of district committees are ranked apart.
    agencies = Cluster.objects.create(province=w.province, name="Khối", members_kind="agency")
    agencies.members.set([w.bdv, w.sotttt])
    found = compute(w.province, H1, "cluster", today=date(2018, 7, 20))
    assert [(r.name, r.group, r.rank) for r in found.rows] == [
        ("Khối", "agency", 1),
        ("Cụm 1", "district", 1),
    ]
    # BDV and Sở together: work items 2 of 3 on time.
    assert found.rows[0].line("work_on_time").numerator == 2


def test_weights_must_add_up_to_100(setup):
    w = setup.world
    with pytest.raises(ValidationError) as error:
        actions.do_save_weights(w.province, 2018, "agency", {"work_on_time": 90}, by=w.coordinator)
    assert "100" in str(error.value)
    with pytest.raises(ValidationError):
        actions.do_save_weights(w.province, 2018, "agency", {"tuyenvan": 100}, by=w.coordinator)
    with pytest.raises(ValidationError):
        actions.do_save_weights(
            w.province, 2018, "agency", {"work_on_time": 100.0}, by=w.coordinator
        )


def test_the_year_weights_change_the_draft(setup):
    w = setup.world
    actions.do_save_weights(
        w.province, 2018, "agency", {"report_timeliness": 50, "work_on_time": 50},
        by=w.coordinator, note="Quyết định 01",
    )  # fmt: skip
    with fixed_today(date(2018, 7, 20)):
        found = ranking(w.province, H1, "agency")
    # BDV (100 + 50) / 2 = 75; Sở (0 + 100) / 2 = 50; BTG 0.
    assert scores(found) == [(w.bdv.name, 1, "75.00"), (w.sotttt.name, 2, "50.00"),
                             (w.btg.name, 3, "0.00")]  # fmt: skip
    assert found.weights_set and found.note == "Quyết định 01"


# Closing, later years, reopening -------------------------------------------------------------


def test_a_closed_year_is_not_rewritten_by_later_weights_or_data(setup):
    w = setup.world
    year = actions.emulation_year(w.province, 2018)
    with fixed_today(date(2019, 1, 20)):
        before = ranking(w.province, H1, "agency")
        year = actions.do_close_year(year, by=w.coordinator, version=year.version)
        assert Snapshot.objects.filter(emulation_year=year).count() == 9  # 3 periods × 3 levels
        final = ranking(w.province, H1, "agency")
        assert final.final and scores(final) == scores(before)
        # A later year's weights, and data corrected after the close, change nothing.
        actions.do_save_weights(w.province, 2019, "agency", {"work_on_time": 100}, by=w.coordinator)
        setup.btg_follow_up.closed_on = date(2018, 6, 1)
        setup.btg_follow_up.save()
        assert scores(ranking(w.province, H1, "agency")) == scores(before)
        assert compute(w.province, H1, "agency").row(w.btg.pk).score != "0.00"
        # The closed year's own weights are refused.
        with pytest.raises(ValidationError):
            actions.do_save_weights(
                w.province, 2018, "agency", {"work_on_time": 100}, by=w.coordinator
            )
        with pytest.raises(TransitionRefused):
            actions.do_close_year(year, by=w.coordinator)


def test_reopening_needs_a_reason_and_makes_the_ranking_a_draft_again(setup):
    w = setup.world
    year = actions.emulation_year(w.province, 2018)
    with fixed_today(date(2019, 1, 20)):
        year = actions.do_close_year(year, by=w.coordinator)
        with pytest.raises(ValidationError):
            actions.do_reopen_year(year, by=w.coordinator, reason="  ")
        year = actions.do_reopen_year(year, by=w.coordinator, reason="Sai số liệu Sở TT&TT")
        assert year.state == EmulationYear.State.OPEN
        assert not ranking(w.province, H1, "agency").final
        assert not Snapshot.objects.filter(superseded_at__isnull=True).exists()
        assert Snapshot.objects.count() == 9  # kept as records
        last = year.history.order_by("-history_id").first()
        assert last.history_change_reason == "Sai số liệu Sở TT&TT"
        assert last.history_user == w.coordinator
        year = actions.do_close_year(year, by=w.coordinator)
        assert ranking(w.province, H1, "agency").final


def test_proposals_come_from_the_final_ranking(setup):
    w = setup.world
    year = actions.emulation_year(w.province, 2018)
    with fixed_today(date(2019, 1, 20)):
        with pytest.raises(ValidationError):
            actions.do_propose_commendations(year, by=w.coordinator)
        year = actions.do_close_year(year, by=w.coordinator)
        proposals = actions.do_propose_commendations(year, by=w.coordinator)
    agencies = [(p.name, p.award, p.rank) for p in proposals if p.level == "agency"]
    assert agencies[0] == (w.bdv.name, "bang_khen", 1)
    assert agencies[1][2] == 2
    assert all(p.reason for p in proposals)
    from theodoi.thidua.documents import proposals_docx

    data = proposals_docx(year, proposals)
    assert data[:2] == b"PK"


# The registry ---------------------------------------------------------------------------------


class Fake:
    key = "fake"
    label = "Fake component"
    rule = "Counts nothing real."
    normalise = SHARE
    levels = frozenset({"agency"})

    def raw(self, ctx, groups):
        return {key: Raw(Decimal(len(str(key)) * 10)) for key in groups}

    def link(self, ctx, unit_ids):
        return "/fake/"


@pytest.fixture
def fake():
    components.register(Fake())
    yield
    components.unregister("fake")


def test_a_registered_component_is_ranked_on(setup, fake):
    w = setup.world
    found = compute(w.province, H1, "agency", weights={"fake": 100}, today=date(2018, 7, 20))
    assert [c.key for c in found.components] == ["fake"]
    row = found.row(w.bdv.pk)
    assert row.line("fake").value == f"{len(str(w.bdv.pk)) * 10}.00"
    assert row.line("fake").link == "/fake/"
    actions.do_save_weights(w.province, 2018, "agency", {"fake": 60, "work_on_time": 40},
                            by=w.coordinator)  # fmt: skip


def test_targets_met_is_registered_only_when_the_activities_contract_exists(monkeypatch):
    import importlib.machinery
    import sys
    import types

    assert ("targets_met" in components.REGISTRY) == components.activities_available()
    module = types.ModuleType(components.TARGETS_MODULE)
    module.__spec__ = importlib.machinery.ModuleSpec(components.TARGETS_MODULE, None)
    module.targets_met = lambda unit_ids, start, end: dict.fromkeys(unit_ids, (1, 2))
    monkeypatch.setitem(sys.modules, components.TARGETS_MODULE, module)
    monkeypatch.setattr(components, "activities_available", lambda: True)
    saved = dict(components.REGISTRY)
    try:
        components.register_builtin()
        targets = components.REGISTRY["targets_met"]
        ctx = components.Context(None, H1.start, H1.end, date(2018, 7, 20), [], H1.key)
        assert targets.raw(ctx, {1: frozenset({5, 6})}) == {1: Raw(Decimal("50.00"), 2, 4)}
    finally:
        components.REGISTRY.clear()
        components.REGISTRY.update(saved)
