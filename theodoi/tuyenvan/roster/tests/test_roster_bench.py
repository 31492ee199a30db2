"""The roster's speed: the 150-commune quarter with provincial officials
following districts, and the min-cost flow shortcut against the solver.

Run with ``-s`` to see the timing: ``python -m pytest -s -k bench_150``.
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter

import pytest
from ortools.sat.python import cp_model

from theodoi.tuyenvan.roster.models import OfficialProfile, RosterEntry
from theodoi.tuyenvan.roster.roster import (
    Conference,
    _Problem,
    conference_days,
    generate_roster,
    needs_of,
    round_communes,
    round_officials,
)

from .factories import make_province, make_round, random_unavailability
from .test_roster_generation import assert_guarantees

pytestmark = pytest.mark.django_db


def test_bench_150_communes_with_followers():
    p = make_province(
        districts=9,
        communes_per_district=[17, 23, 16, 13, 21, 15, 18, 10, 18],
        provincial=12,
        per_district=2,
    )
    # Nine provincial officials each follow a district; three follow none.
    OfficialProfile.objects.bulk_create(
        OfficialProfile(user=user, follows_district=district)
        for user, district in zip(p.provincial, p.districts, strict=False)
    )
    rnd = make_round(p, provincial_monthly_limit=5, district_monthly_limit=12)
    started = time.perf_counter()
    result = generate_roster(rnd)
    elapsed = time.perf_counter() - started
    assert result.ok, result.problems
    entries = assert_guarantees(rnd, p)
    provincial = [e for e in entries if e.kind == "provincial"]
    followed = {u.pk: d.pk for u, d in zip(p.provincial, p.districts, strict=False)}
    district_of = {c.pk: c.parent_id for c in p.communes}
    away = sum(1 for e in provincial if followed.get(e.official_id) != district_of[e.commune_id])
    print(
        f"\nbench 150: {elapsed:.2f}s status={result.status} entries={len(entries)} "
        f"provincial away from followed district={away} load={os.getloadavg()[0]:.2f}"
    )
    assert elapsed < 10


def _objective(problem, chosen) -> int:
    """The solver's objective of a roster: assignment costs plus 2 per
    conference above an official's fair share in a month."""
    share = problem._fair_share()
    load = Counter((oi, problem.conferences[ci].month) for oi, ci in chosen)
    over = sum(max(0, n - share.get(key, 0)) for key, n in load.items())
    return sum(problem._cost(oi, ci) for oi, ci in chosen) + 2 * over


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_flow_shortcut_is_as_good_as_the_solver(seed, monkeypatch):
    """Where the min-cost flow answers (no repeat to repair), its roster costs
    exactly what the solver's optimum costs, with every rule met."""
    rng = random.Random(seed)
    p = make_province(
        districts=3,
        communes_per_district=[rng.randrange(4, 9) for _ in range(3)],
        provincial=4,
        per_district=3,
    )
    OfficialProfile.objects.bulk_create(
        OfficialProfile(user=user, follows_district=rng.choice(p.districts))
        for user in p.provincial[:3]
    )
    rnd = make_round(p, provincial_monthly_limit=3, district_monthly_limit=6)
    random_unavailability(p, rnd, seed, share=0.3)
    communes = round_communes(rnd)
    officials = round_officials(rnd)
    days = conference_days(rnd, communes)
    conferences = [Conference(c, m, days[(c.pk, m)]) for m in rnd.months for c in communes]
    needs = needs_of(rnd, communes, conferences, [])
    problem = _Problem(rnd, officials, conferences, needs, [])
    if problem.precheck():
        pytest.skip("an impossible case")
    pool = (RosterEntry.Kind.PROVINCIAL, None)
    status, by_flow = problem.solve_pool(pool)
    assert status == cp_model.OPTIMAL
    monkeypatch.setattr(_Problem, "_flow", lambda self, pool, keys: None)
    status, by_solver = problem.solve_pool(pool)
    assert status == cp_model.OPTIMAL
    assert _objective(problem, by_flow) == _objective(problem, by_solver)
    assert generate_roster(rnd).ok
    assert_guarantees(rnd, p)
