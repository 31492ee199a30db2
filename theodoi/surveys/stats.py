"""The statistics of the survey, pure functions of counts and sums (no Django).

Method (stated on the results page):

- A Likert answer 1…5 maps to 0…100: ``(x − 1) × 25``.
- An index is the mean of those mapped answers over the answers counted by
  the survey's rule; its 95% confidence interval is ``mean ± t(0.975, n−1) ×
  s / √n`` with ``s`` the sample standard deviation (Student's t).
- Below ``min_n`` answers (or with n < 2) there is no figure: "n too small".
- Two periods compared: the difference of means with Welch's interval
  (unequal variances, Welch–Satterthwaite degrees of freedom).

The t quantile is computed here (no SciPy): the t distribution's CDF through
the regularized incomplete beta function (Lentz's continued fraction), then
inverted by bisection; tests check it against printed tables.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass

CONFIDENCE = 0.95


def to_index(likert: float) -> float:
    """A point of the 1…5 scale on the 0…100 index scale."""
    return (likert - 1.0) * 25.0


def _betacf(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


@functools.lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (0 < p < 1)."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be between 0 and 1")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
        if high > 1e12:
            return math.inf
    for _ in range(200):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0


@dataclass(frozen=True)
class Moments:
    """What an aggregate query returns for one group: n, Σx, Σx² (on the index scale)."""

    n: int = 0
    total: float = 0.0
    squares: float = 0.0

    @classmethod
    def of(cls, values: Iterable[float]) -> Moments:
        items = list(values)
        return cls(len(items), sum(items), sum(v * v for v in items))

    @classmethod
    def from_likert(cls, n: int, total: float, squares: float) -> Moments:
        """Moments of (x − 1)·25 from the moments of Likert answers x."""
        # Σ(25x − 25) = 25Σx − 25n; Σ(25x − 25)² = 625(Σx² − 2Σx + n).
        return cls(n, 25.0 * total - 25.0 * n, 625.0 * (squares - 2.0 * total + n))

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """The sample variance (n − 1 in the denominator)."""
        if self.n < 2:
            return None
        value = (self.squares - self.total * self.total / self.n) / (self.n - 1)
        return max(value, 0.0)


@dataclass(frozen=True)
class Estimate:
    n: int
    mean: float | None
    low: float | None
    high: float | None
    too_small: bool

    @property
    def half_width(self) -> float | None:
        if self.low is None or self.high is None:
            return None
        return (self.high - self.low) / 2.0


def estimate(moments: Moments, min_n: int = 2, confidence: float = CONFIDENCE) -> Estimate:
    """The mean with its t interval; no figure below ``min_n`` (or below 2)."""
    n = moments.n
    if n < max(2, min_n):
        return Estimate(n, None, None, None, True)
    mean = moments.mean
    variance = moments.variance
    assert mean is not None and variance is not None
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * math.sqrt(variance / n)
    return Estimate(n, mean, mean - half, mean + half, False)


@dataclass(frozen=True)
class Difference:
    n_a: int
    n_b: int
    difference: float | None
    low: float | None
    high: float | None
    df: float | None
    too_small: bool


def difference(
    a: Moments, b: Moments, min_n: int = 2, confidence: float = CONFIDENCE
) -> Difference:
    """Mean of ``b`` minus mean of ``a`` with Welch's interval."""
    if a.n < max(2, min_n) or b.n < max(2, min_n):
        return Difference(a.n, b.n, None, None, None, None, True)
    va, vb = a.variance, b.variance
    assert va is not None and vb is not None and a.mean is not None and b.mean is not None
    diff = b.mean - a.mean
    sa, sb = va / a.n, vb / b.n
    se2 = sa + sb
    if se2 == 0.0:
        return Difference(a.n, b.n, diff, diff, diff, None, False)
    df = se2 * se2 / (sa * sa / (a.n - 1) + sb * sb / (b.n - 1))
    half = t_quantile(0.5 + confidence / 2.0, df) * math.sqrt(se2)
    return Difference(a.n, b.n, diff, diff - half, diff + half, df, False)


def shares(counts: dict[str, int], base: int) -> dict[str, float]:
    """Each count as a percentage of ``base`` (the respondents who answered)."""
    if base <= 0:
        return dict.fromkeys(counts, 0.0)
    return {key: 100.0 * value / base for key, value in counts.items()}
