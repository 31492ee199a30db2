from datetime import date

import pytest

from theodoi.core.models import ApiToken
from theodoi.testing import make_unit
from theodoi.units.models import Unit, UnitLineage

pytestmark = pytest.mark.django_db


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def _names(response):
    assert response.status_code == 200, response.content
    return {u["name"] for u in response.json()["items"]}


def test_units_need_authentication(client, world):
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json()["message"]


def test_units_accept_a_bearer_token(client, world):
    _token, key = ApiToken.issue(world.agency)
    response = client.get("/api/v1/units", headers={"Authorization": f"Bearer {key}"})
    assert _names(response) == {"Ban Dân vận Tỉnh ủy"}


def test_coordinator_sees_the_province_but_not_another(client, world):
    names = _names(_get(client, world.coordinator, "/api/v1/units", page_size=100))
    assert "Tỉnh ủy Thử nghiệm" in names
    assert "Xã Hai A" in names
    assert "Tỉnh ủy Khác" not in names
    assert len(names) == 9


def test_district_scorer_sees_its_district_subtree(client, world):
    names = _names(_get(client, world.district, "/api/v1/units"))
    assert names == {"Huyện ủy Một", "Xã Một A", "Xã Một B"}


def test_outsider_cannot_see_other_province_units(client, world):
    names = _names(_get(client, world.outsider, "/api/v1/units"))
    assert "Tỉnh ủy Thử nghiệm" not in names
    response = client.get(f"/api/v1/units/{world.province.pk}")
    assert response.status_code == 404
    assert response.json()["message"]


def test_units_filter_by_kind_and_parent(client, world):
    client.force_login(world.coordinator)
    assert _names(client.get("/api/v1/units", {"kind": "district"})) == {
        "Huyện ủy Một",
        "Huyện ủy Hai",
    }
    assert _names(client.get("/api/v1/units", {"parent": world.district1.pk})) == {
        "Xã Một A",
        "Xã Một B",
    }


def test_units_search_by_name_code_and_without_accents(client, world):
    client.force_login(world.coordinator)
    assert _names(client.get("/api/v1/units", {"q": "một a"})) == {"Xã Một A"}
    assert _names(client.get("/api/v1/units", {"q": "Mot A"})) == set()
    assert _names(client.get("/api/v1/units", {"q": "MOT A", "ignore_accents": "true"})) == {
        "Xã Một A"
    }
    assert _names(client.get("/api/v1/units", {"q": "ban dan van", "ignore_accents": True})) == {
        "Ban Dân vận Tỉnh ủy"
    }
    assert _names(client.get("/api/v1/units", {"q": world.bdv.code})) == {"Ban Dân vận Tỉnh ủy"}


def test_units_filter_active_on(client, world):
    make_unit("Huyện cũ", Unit.Kind.DISTRICT, world.province, active_to=date(2025, 6, 30))
    make_unit("Xã mới", Unit.Kind.COMMUNE, world.province, active_from=date(2025, 7, 1))
    client.force_login(world.coordinator)
    old = _names(client.get("/api/v1/units", {"active_on": "2018-01-01", "page_size": 100}))
    new = _names(client.get("/api/v1/units", {"active_on": "2025-07-01", "page_size": 100}))
    assert "Huyện cũ" in old and "Xã mới" not in old
    assert "Xã mới" in new and "Huyện cũ" not in new


def test_units_paginate(client, world):
    client.force_login(world.coordinator)
    first = client.get("/api/v1/units", {"page_size": 4}).json()
    second = client.get("/api/v1/units", {"page_size": 4, "page": 3}).json()
    assert first["count"] == 9 and len(first["items"]) == 4
    assert len(second["items"]) == 1
    assert client.get("/api/v1/units", {"page_size": 1000}).status_code == 422


@pytest.mark.parametrize(
    "params",
    [
        {"active_on": "30/06/2025"},
        {"active_on": "0"},
        {"kind": "planet"},
        {"parent": "abc"},
        {"parent": "99999999999999999999999"},
        {"page": 0},
        {"page": "99999999999999999999"},
        {"ignore_accents": "perhaps"},
    ],
)
def test_units_refuse_bad_filters_with_json(client, world, params):
    response = _get(client, world.coordinator, "/api/v1/units", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "Dữ liệu nhập vào không hợp lệ."
    assert set(body["fields"]) == set(params)


def test_unit_detail_has_parent_ancestors_and_lineage(client, world):
    merged = make_unit("Xã Một", Unit.Kind.COMMUNE, world.district1)
    UnitLineage.objects.create(
        predecessor=world.commune1a,
        successor=merged,
        event=UnitLineage.Event.MERGED,
        effective=date(2025, 7, 1),
        basis="Nghị quyết 1/NQ-UBTVQH",
    )
    UnitLineage.objects.create(
        predecessor=world.commune1b,
        successor=world.other_province,
        event=UnitLineage.Event.TRANSFERRED,
        effective=date(2025, 7, 1),
    )
    client.force_login(world.coordinator)
    body = client.get(f"/api/v1/units/{world.commune1a.pk}").json()
    assert body["parent"] == {
        "id": world.district1.pk,
        "code": world.district1.code,
        "name": "Huyện ủy Một",
    }
    assert [a["name"] for a in body["ancestors"]] == ["Tỉnh ủy Thử nghiệm", "Huyện ủy Một"]
    assert body["successors"] == [
        {
            "unit": {"id": merged.pk, "code": merged.code, "name": "Xã Một"},
            "event": "merged",
            "effective": "2025-07-01",
            "basis": "Nghị quyết 1/NQ-UBTVQH",
        }
    ]
    body = client.get(f"/api/v1/units/{merged.pk}").json()
    assert [link["unit"]["name"] for link in body["predecessors"]] == ["Xã Một A"]
    # A link into a unit the caller may not see is left out.
    assert client.get(f"/api/v1/units/{world.commune1b.pk}").json()["successors"] == []


def test_unit_detail_refuses_out_of_reach_and_unknown(client, world):
    client.force_login(world.agency)
    assert client.get(f"/api/v1/units/{world.district1.pk}").status_code == 404
    assert client.get("/api/v1/units/999999").status_code == 404
    assert client.get("/api/v1/units/abc").status_code == 422
    assert client.get("/api/v1/units/99999999999999999999999").status_code == 422


@pytest.mark.parametrize("extra", [0, 12])
def test_unit_list_queries_do_not_grow(client, world, django_assert_num_queries, extra):
    for n in range(extra):
        make_unit(f"Xã thêm {n}", Unit.Kind.COMMUNE, world.district2)
    client.force_login(world.coordinator)
    with django_assert_num_queries(7):
        response = client.get("/api/v1/units", {"q": "xã"})
    assert response.json()["count"] == 3 + extra
