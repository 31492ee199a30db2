"""Administrators reach the units and accounts of their subtree in the admin."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    client.force_login(world.admin)
    return client


def test_admin_lists_units_within_reach_only(admin_client, world):
    html = admin_client.get("/admin/units/unit/").content.decode()
    assert "Xã Hai A" in html
    assert "Tỉnh ủy Khác" not in html


def test_admin_edits_a_unit_within_reach(admin_client, world):
    assert admin_client.get(f"/admin/units/unit/{world.commune1a.pk}/change/").status_code == 200


def test_admin_cannot_open_a_unit_outside_reach(admin_client, world):
    response = admin_client.get(f"/admin/units/unit/{world.other_province.pk}/change/")
    assert response.status_code in (302, 403, 404)


def test_admin_lists_accounts_within_reach(admin_client, world):
    html = admin_client.get("/admin/auth/user/").content.decode()
    assert "coordinator" in html
    assert "outsider" not in html


@pytest.mark.parametrize("persona", ["coordinator", "agency", "commune", "viewer"])
def test_other_roles_have_no_admin(client, world, persona):
    user = getattr(world, persona)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    assert client.get("/admin/units/unit/").status_code == 403
