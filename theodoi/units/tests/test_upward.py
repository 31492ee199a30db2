"""Walking up from a few units answers the reach questions as walking down does."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from theodoi import permissions
from theodoi.permissions import Role
from theodoi.units.models import Unit, units_and_upward_ids

pytestmark = pytest.mark.django_db

ROLE_SETS = [(), (Role.COORDINATOR,), (Role.VIEWER, Role.COORDINATOR), (Role.COMMUNE_REPORTER,)]


def test_the_units_with_those_above_them_and_where_they_went(reform, world):
    found = units_and_upward_ids([world.commune1a.pk, reform.ban.pk, 10**9])
    unit, ancestors, upward = found[world.commune1a.pk]
    assert unit == world.commune1a and unit.name == world.commune1a.name
    assert unit.active_to == world.commune1a.active_to  # a date, on every engine
    assert ancestors == {world.commune1a.pk, world.district1.pk, world.province.pk}
    # The commune became Xã Một Mới, under the new Tỉnh ủy; the old Tỉnh ủy too.
    assert upward == ancestors | {reform.commune.pk, reform.province.pk}
    assert found[reform.ban.pk][1] == found[reform.ban.pk][2] == {reform.ban.pk, reform.province.pk}
    assert 10**9 not in found


def test_looked_up_units_answer_as_the_reach_does(reform, world):
    units = list(Unit.objects.all())
    superuser = User.objects.create_superuser("root", "root@example.com", "x")
    for user in [*User.objects.filter(is_superuser=False), superuser]:
        walked = {
            roles: (permissions.reach(user, *roles), permissions.history_reach(user, *roles))
            for roles in ROLE_SETS
        }
        home = permissions.home_ids(user)
        fresh = User.objects.get(pk=user.pk)
        found = permissions.look_up_units(fresh, [u.pk for u in units])
        assert set(found) == {u.pk for u in units}
        assert permissions.home_ids(fresh) == home, user
        for roles, (own, history) in walked.items():
            for unit in units:
                assert permissions.reaches(fresh, unit.pk, *roles) == (unit.pk in own)
                assert permissions.reaches_history(fresh, unit.pk, *roles) == (
                    unit.pk in own or unit.pk in history
                ), (user, roles, unit)
        # Answered from the units looked up: the reach itself was never walked.
        assert "_theodoi_subtrees" not in permissions.user_cache(fresh)


def test_units_named_beforehand_come_with_the_next_look_up(world, django_assert_num_queries):
    user = User.objects.get(pk=world.coordinator.pk)
    permissions.memberships(user)
    permissions.expect_units(user, [world.btg.pk, world.district2.pk])
    with django_assert_num_queries(1):
        assert set(permissions.look_up_units(user, [world.province.pk])) == {world.province.pk}
    with django_assert_num_queries(0):
        visible = permissions.visible_units_by_id(user, [world.btg.pk, world.district2.pk])
    assert visible == {world.btg.pk: world.btg, world.district2.pk: world.district2}
    with django_assert_num_queries(1):
        assert permissions.visible_units_by_id(user, [world.other_province.pk]) == {}
