"""The 150-commune quarter with provincial officials following districts.

Run with ``-s`` to see the timing: ``python -m pytest -s -k bench_150``.
"""

from __future__ import annotations

import os
import time

import pytest

from theodoi.tuyenvan.people.models import OfficialProfile
from theodoi.tuyenvan.people.roster import generate_roster

from .factories import make_province, make_round
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
