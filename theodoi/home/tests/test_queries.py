"""The home's queries do not grow with the reach: the same count with more communes,
reports and results."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from theodoi.home import todo
from theodoi.testing import make_criteria_set, make_unit
from theodoi.tuyenvan.models import CriteriaSet, MonthlyResult
from theodoi.units.models import Unit

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "agency", "district", "commune", "official", "viewer", "admin"]


def _count(user) -> int:
    user = type(user).objects.get(pk=user.pk)  # no cached reach
    with CaptureQueriesContext(connection) as queries:
        todo.sections(user, date(2018, 4, 15))
    return len(queries)


def _grow(world, n: int) -> None:
    """``n`` more communes in the district, each with its month's result."""
    for i in range(n):
        commune = make_unit(f"Xã Thêm {i}", Unit.Kind.COMMUNE, world.district1)
        MonthlyResult.objects.create(
            commune=commune,
            district=world.district1,
            province=world.province,
            month=date(2018, 3, 1),
            criteria_set=CriteriaSet.objects.first(),
            open_flags=i % 2,
        )


@pytest.mark.parametrize("role", ROLES)
def test_the_homes_queries_do_not_grow(world, role, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-15")
    make_criteria_set(world)
    _grow(world, 1)
    user = getattr(world, role)
    before = _count(user)
    _grow(world, 6)
    assert _count(user) == before
