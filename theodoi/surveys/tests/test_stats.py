"""The statistics against printed tables and hand-computed values."""

import math

import pytest

from theodoi.surveys import stats

# Student's t quantiles as printed in statistical tables (4 decimals).
T_TABLE = [
    (0.975, 1, 12.7062),
    (0.975, 2, 4.3027),
    (0.975, 3, 3.1824),
    (0.975, 4, 2.7764),
    (0.975, 5, 2.5706),
    (0.975, 7, 2.3646),
    (0.975, 10, 2.2281),
    (0.975, 30, 2.0423),
    (0.975, 120, 1.9799),
    (0.95, 10, 1.8125),
    (0.995, 20, 2.8453),
    (0.9, 3, 1.6377),
]


@pytest.mark.parametrize(("p", "df", "expected"), T_TABLE)
def test_t_quantile_matches_the_tables(p, df, expected):
    assert stats.t_quantile(p, df) == pytest.approx(expected, abs=5e-5)


def test_t_quantile_is_symmetric_and_tends_to_the_normal():
    assert stats.t_quantile(0.025, 9) == pytest.approx(-stats.t_quantile(0.975, 9))
    assert stats.t_quantile(0.975, 1_000_000) == pytest.approx(1.95996, abs=1e-4)
    assert stats.t_cdf(stats.t_quantile(0.975, 6.5), 6.5) == pytest.approx(0.975, abs=1e-10)


def test_likert_maps_to_0_100():
    assert [stats.to_index(x) for x in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]
    # Moments from SQL sums of the raw Likert values equal those of the mapped values.
    raw = [4, 4, 5, 3, 4, 5, 4, 4]
    from_sql = stats.Moments.from_likert(len(raw), sum(raw), sum(x * x for x in raw))
    direct = stats.Moments.of(stats.to_index(x) for x in raw)
    assert from_sql.n == direct.n
    assert from_sql.total == pytest.approx(direct.total)
    assert from_sql.squares == pytest.approx(direct.squares)


def test_index_and_interval_by_hand():
    # Answers 1..5 → 0, 25, 50, 75, 100: mean 50, s² = 6250 / 4 = 1562.5,
    # s / √n = 17.6777, t(0.975; 4) = 2.7764 → 50 ± 49.08.
    e = stats.estimate(stats.Moments.from_likert(5, 15, 55), min_n=2)
    assert e.mean == pytest.approx(50.0)
    assert e.low == pytest.approx(0.919, abs=0.01)
    assert e.high == pytest.approx(99.081, abs=0.01)
    # 4,4,5,3,4,5,4,4 → mean 78.125, s² = 1796.875 / 7 = 256.696, s/√n = 5.6646,
    # t(0.975; 7) = 2.3646 → 78.125 ± 13.395.
    raw = [4, 4, 5, 3, 4, 5, 4, 4]
    e = stats.estimate(stats.Moments.from_likert(8, sum(raw), sum(x * x for x in raw)), 2)
    assert e.mean == pytest.approx(78.125)
    assert e.half_width == pytest.approx(13.395, abs=0.01)


def test_n_too_small_gives_no_figure():
    moments = stats.Moments.of([50.0, 75.0, 100.0])
    assert stats.estimate(moments, min_n=30).too_small
    assert stats.estimate(moments, min_n=30).mean is None
    assert stats.estimate(stats.Moments.of([50.0]), min_n=1).too_small  # n < 2 always
    assert not stats.estimate(moments, min_n=3).too_small


def test_all_equal_answers_have_a_zero_width_interval():
    e = stats.estimate(stats.Moments.of([75.0] * 10), 2)
    assert (e.low, e.mean, e.high) == (75.0, 75.0, 75.0)


def test_welch_difference_by_hand():
    a = stats.Moments.of([0, 25, 50, 75, 100])
    b = stats.Moments.of([75, 75, 100, 50, 75, 100, 75, 75])
    d = stats.difference(a, b, min_n=2)
    # B − A = 28.125; se² = 1562.5/5 + 256.696/8 = 344.587;
    # df = 344.587² / ((312.5²)/4 + (32.087²)/7) = 4.834.
    assert d.difference == pytest.approx(28.125)
    assert d.df == pytest.approx(4.834, abs=0.005)
    half = (d.high - d.low) / 2
    assert half == pytest.approx(stats.t_quantile(0.975, d.df) * math.sqrt(344.587), rel=1e-4)
    # t(0.975; 4.834) lies between the table's 2.7764 (4 df) and 2.5706 (5 df).
    assert 2.5706 * 18.563 < half < 2.7764 * 18.563
    assert stats.difference(a, stats.Moments.of([50.0]), min_n=2).too_small


def test_shares():
    assert stats.shares({"a": 1, "b": 3}, 4) == {"a": 25.0, "b": 75.0}
    assert stats.shares({"a": 0}, 0) == {"a": 0.0}
