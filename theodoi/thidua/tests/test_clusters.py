"""The province's coordinators define the emulation clusters on a page: members of the
right kind, one cluster per unit in any year, years in force, history, version check."""

import pytest

from theodoi.core.clock import fixed_today
from theodoi.thidua import actions
from theodoi.thidua.models import Cluster, Level
from theodoi.thidua.ranking import compute, parse_period

pytestmark = pytest.mark.django_db


def _data(world, **over):
    data = {
        "name": "Khối các huyện",
        "members_kind": "district",
        "members": [world.district1.pk, world.district2.pk],
        "year_from": "2018",
        "year_to": "",
        "position": "1",
    }
    data.update(over)
    return data


def test_a_coordinator_defines_a_cluster_and_it_is_ranked(client, world):
    client.force_login(world.coordinator)
    url = f"/thidua/clusters/new/?province={world.province.pk}&year=2018"
    assert client.get(url).status_code == 200
    response = client.post(url, _data(world))
    assert response.status_code == 302, response.content.decode()[:3000]
    cluster = Cluster.objects.get()
    assert set(cluster.members.all()) == {world.district1, world.district2}
    assert cluster.province == world.province and cluster.year_from == 2018
    assert cluster.history.first().history_user == world.coordinator
    page = client.get(f"/thidua/clusters/?province={world.province.pk}&year=2018")
    assert "Khối các huyện" in page.content.decode()
    with fixed_today(__import__("datetime").date(2018, 7, 20)):
        found = compute(world.province, parse_period("2018-H1"), Level.CLUSTER)
        assert [r.key for r in found.rows] == [cluster.pk]
        # Not in force before 2018: not ranked in 2017.
        assert compute(world.province, parse_period("2017"), Level.CLUSTER).rows == []


def test_members_must_be_of_the_clusters_kind_and_errors_are_at_the_field(client, world):
    client.force_login(world.coordinator)
    url = f"/thidua/clusters/new/?province={world.province.pk}"
    response = client.post(url, _data(world, members=[world.district1.pk, world.btg.pk]))
    assert response.status_code == 200
    assert "members" in response.context["form"].errors
    response = client.post(url, _data(world, members=[]))
    assert "members" in response.context["form"].errors
    response = client.post(url, _data(world, year_from="2019", year_to="2018"))
    assert response.context["form"].errors
    assert not Cluster.objects.exists()


def test_a_unit_is_in_one_cluster_in_any_year(client, world):
    client.force_login(world.coordinator)
    url = f"/thidua/clusters/new/?province={world.province.pk}"
    assert client.post(url, _data(world, year_to="2018")).status_code == 302
    response = client.post(url, _data(world, name="Khối mới", members=[world.district1.pk]))
    assert response.status_code == 200 and "members" in response.context["form"].errors
    # From 2019 on, a new cluster may hold it.
    again = _data(world, name="Khối mới", members=[world.district1.pk], year_from="2019")
    assert client.post(url, again).status_code == 302
    assert Cluster.objects.count() == 2


def test_an_edit_is_versioned_and_kept_in_history(client, world):
    cluster = actions.do_save_cluster(
        Cluster(province=world.province, name="Khối A", members_kind="agency"),
        [world.btg, world.bdv],
        by=world.coordinator,
    )
    client.force_login(world.coordinator)
    url = f"/thidua/clusters/{cluster.pk}/edit/"
    assert "Khối A" in client.get(url).content.decode()
    data = {"name": "Khối A", "members_kind": "agency", "members": [world.btg.pk,
            world.bdv.pk, world.sotttt.pk], "position": "0", "version": "1",
            "reason": "Thêm Sở TT&TT"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    cluster.refresh_from_db()
    assert cluster.version == 2 and cluster.members.count() == 3
    assert "Thêm Sở TT&TT" in [h.history_change_reason for h in cluster.history.all()]
    stale = {**data, "members": [world.btg.pk], "version": "1"}
    response = client.post(url, stale)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert cluster.members.count() == 3


@pytest.mark.parametrize(
    "who", ["agency", "district", "commune", "official", "viewer", "admin", "outsider"]
)
def test_only_the_provinces_coordinators_define_clusters(client, world, who):
    cluster = actions.do_save_cluster(
        Cluster(province=world.province, name="Khối A", members_kind="agency"),
        [world.btg],
        by=world.coordinator,
    )
    client.force_login(getattr(world, who))
    new = client.post(f"/thidua/clusters/new/?province={world.province.pk}", _data(world))
    edit = client.post(
        f"/thidua/clusters/{cluster.pk}/edit/",
        {"name": "Đổi", "members_kind": "agency", "members": [world.btg.pk], "version": "1"},
    )
    expected = 404 if who == "outsider" else 403
    assert new.status_code == expected and edit.status_code == expected
    assert Cluster.objects.count() == 1 and Cluster.objects.get().name == "Khối A"
    listing = client.get(f"/thidua/clusters/?province={world.province.pk}")
    assert listing.status_code == (404 if who == "outsider" else 200)
