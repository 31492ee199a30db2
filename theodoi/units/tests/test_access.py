"""The units access helpers: in reach returns, outside reach 404, a role that sees the
unit but may not do the action 403; page and API answer alike."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from theodoi.permissions.units import access_membership, access_unit
from theodoi.units.models import Membership

pytestmark = pytest.mark.django_db


IN_REACH = [
    ("coordinator", "commune2a"),
    ("viewer", "bdv"),
    ("admin", "district1"),
    ("district", "commune1b"),
    ("commune", "commune1a"),
    ("agency", "bdv"),
]
OUTSIDE = [
    ("outsider", "province"),
    ("outsider", "commune1a"),
    ("commune", "commune1b"),
    ("district", "district2"),
    ("agency", "btg"),
    ("coordinator", "other_province"),
]


def test_in_reach_returns_the_unit_and_outside_is_404(world):
    for persona, name in IN_REACH:
        unit = getattr(world, name)
        assert access_unit(getattr(world, persona), unit.pk) == unit
        assert access_unit(getattr(world, persona), unit.pk, "view_work_of_unit") == unit
    for persona, name in OUTSIDE:
        with pytest.raises(Http404):
            access_unit(getattr(world, persona), getattr(world, name).pk)


def test_who_works_where_is_for_administrators(world):
    for persona in ["coordinator", "viewer", "district", "commune", "agency"]:
        user = getattr(world, persona)
        unit = world.commune1a if persona in ("district", "commune") else world.bdv
        with pytest.raises(PermissionDenied):
            access_unit(user, unit.pk, "view_memberships")
        with pytest.raises(PermissionDenied):
            access_unit(user, unit.pk, "change")
        assert access_unit(world.admin, unit.pk, "view_memberships") == unit


def test_a_membership_is_the_administrators(world):
    membership = Membership.objects.get(user=world.commune)
    assert access_membership(world.admin, membership.pk, "change") == membership
    with pytest.raises(Http404):
        access_membership(world.coordinator, membership.pk)
    with pytest.raises(Http404):
        access_membership(world.outsider, membership.pk)


def test_a_malformed_id_is_404(world):
    for pk in [0, "³", 2**63, "x", None]:
        with pytest.raises(Http404):
            access_unit(world.admin, pk)


def test_page_and_api_answer_alike(client, world):
    unit = world.bdv
    for persona, expected in [("coordinator", 200), ("commune", 404), ("outsider", 404)]:
        client.force_login(getattr(world, persona))
        for url in [f"/units/{unit.pk}/", f"/units/{unit.pk}/history/", f"/api/v1/units/{unit.pk}"]:
            assert client.get(url).status_code == expected, (persona, url)


def test_a_unit_page_links_only_to_the_units_its_reader_may_open(client, world):
    """The crumbs name the province and district above a commune; a commune's staff
    may not open those pages, so they are named, not linked (a link would be a 404)."""
    client.force_login(world.commune)
    html = client.get(f"/units/{world.commune1a.pk}/").content.decode()
    assert world.district1.name in html
    assert f'href="/units/{world.district1.pk}/"' not in html
    assert f'href="/units/{world.province.pk}/"' not in html
    client.force_login(world.coordinator)
    html = client.get(f"/units/{world.commune1a.pk}/").content.decode()
    assert f'href="/units/{world.district1.pk}/"' in html
