"""The permission module, role by role: own unit allowed, other unit refused."""

import pytest

from theodoi import permissions
from theodoi.testing import make_plan, make_work_item

pytestmark = pytest.mark.django_db


def test_coordinator_reaches_the_whole_committee_subtree(world):
    ids = permissions.reach(world.coordinator)
    assert world.province.pk in ids
    assert world.commune2a.pk in ids
    assert world.other_province.pk not in ids


def test_agency_reporter_reaches_only_its_own_unit(world):
    ids = permissions.reach(world.agency)
    assert ids == {world.bdv.pk}


def test_district_scorer_reaches_its_district_and_communes(world):
    ids = permissions.reach(world.district)
    assert ids == {world.district1.pk, world.commune1a.pk, world.commune1b.pk}


def test_commune_reporter_reaches_only_its_commune(world):
    assert permissions.reach(world.commune) == {world.commune1a.pk}


@pytest.mark.parametrize(
    ("persona", "own", "other"),
    [
        ("coordinator", "commune1a", "other_province"),
        ("agency", "bdv", "btg"),
        ("district", "commune1b", "commune2a"),
        ("commune", "commune1a", "commune1b"),
        ("viewer", "district2", "other_province"),
        ("admin", "sotttt", "other_province"),
    ],
)
def test_view_unit_is_allowed_inside_reach_and_refused_outside(world, persona, own, other):
    user = getattr(world, persona)
    assert user.has_perm("units.view_unit", getattr(world, own))
    assert not user.has_perm("units.view_unit", getattr(world, other))


@pytest.mark.parametrize(
    ("persona", "may_change"),
    [
        ("coordinator", True),
        ("agency", False),
        ("district", False),
        ("commune", False),
        ("official", False),
        ("viewer", False),
        ("admin", False),
        ("outsider", False),
    ],
)
def test_only_the_plans_coordinators_change_it(world, persona, may_change):
    plan = make_plan(world)
    item = make_work_item(plan, lead=world.bdv)
    user = getattr(world, persona)
    assert user.has_perm("plans.change_plan", plan) is may_change
    assert user.has_perm("plans.change_workitem", item) is may_change


@pytest.mark.parametrize(
    ("persona", "may_view"),
    [
        ("coordinator", True),
        ("agency", True),
        ("district", True),
        ("commune", True),
        ("official", True),
        ("viewer", True),
        ("admin", True),
        ("outsider", False),
    ],
)
def test_a_plan_is_visible_inside_its_province_only(world, persona, may_view):
    plan = make_plan(world)
    user = getattr(world, persona)
    assert user.has_perm("plans.view_plan", plan) is may_view
    assert permissions.plans.visible_plans(user).filter(pk=plan.pk).exists() is may_view


# begin perf
@pytest.mark.parametrize("persona", ["coordinator", "agency", "district", "commune"])
def test_visible_units_by_id_is_visible_units(world, persona):
    """The API's unit lookup checks ids against the reach in Python: the same units
    as the visible_units scope, of either province, with no query for none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from theodoi.units.models import Unit

    user = getattr(world, persona)
    ids = [world.commune1a.pk, world.bdv.pk, world.other_province.pk, world.commune2a.pk, 10**12]
    expected = permissions.visible_units(user, Unit.objects.filter(pk__in=ids)).in_bulk()
    assert permissions.visible_units_by_id(user, ids) == expected
    permissions.reach(user)
    with CaptureQueriesContext(connection) as queries:
        assert permissions.visible_units_by_id(user, []) == {}
        assert permissions.visible_units_by_id(user, [world.other_province.pk]) == {}
    assert not queries.captured_queries


# end perf
