"""A commune reporter sees where it stands among its district's communes, and no more."""

from decimal import Decimal

import pytest

from theodoi.testing import make_criteria_set
from theodoi.tuyenvan.models import ScoreSheet

from .helpers import fill, hold_meeting

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source


@pytest.fixture
def ranked(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    for commune in (world.commune1a, world.commune1b, world.commune2a):
        hold_meeting(commune, world.commune)
    fill(world.commune1a, S.SELF, world.commune, _5_1=Decimal(2))
    fill(world.commune1a, S.DISTRICT, world.district, _5_1=Decimal(6))
    fill(world.commune1b, S.DISTRICT, world.district)
    fill(world.commune2a, S.DISTRICT, world.district)
    return world


def test_commune_reporter_opens_its_districts_commune_ranking(client, ranked):
    client.force_login(ranked.commune)
    page = client.get("/tuyenvan/rankings/?period=2018-03")
    assert page.status_code == 200
    html = page.content.decode()
    assert page.context["within"] == ranked.district1
    assert [r.name for r in page.context["ranked"]] == ["Xã Một B", "Xã Một A"]
    assert "Xã Hai A" not in html
    assert [r.name for r in page.context["standing"]] == ["Xã Một A"]
    assert "rank 2 of 2 communes in the district" in html or "hạng 2/2" in html
    # Its own row opens its trend; the other commune's row is a name only.
    assert f"/tuyenvan/trend/{ranked.commune1a.pk}/" in html
    assert f"/tuyenvan/trend/{ranked.commune1b.pk}/" not in html
    # No work queue of other communes' discrepancies or missing sources.
    assert page.context.get("attention") is None and "Open discrepancies" not in html
    assert html.count("<h1") == 1
    assert client.get("/tuyenvan/rankings.xlsx?period=2018-Q1").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/tuyenvan/rankings/?period=2018-03&within={district2}",
        "/tuyenvan/rankings/?period=2018-03&within={province}",
        "/tuyenvan/rankings/?period=2018-03&level=district&within={district1}",
        "/tuyenvan/rankings.xlsx?period=2018-03&within={province}",
        "/tuyenvan/trend/{commune1b}/",
        "/tuyenvan/communes/{commune1b}/2018-03/",
        "/tuyenvan/communes/{commune1b}/2018-03/explain/",
        "/tuyenvan/bulletin/2018-03.docx",
    ],
)
def test_commune_reporter_reaches_no_other_commune(client, ranked, url):
    client.force_login(ranked.commune)
    ids = {k: getattr(ranked, k).pk for k in ("district1", "district2", "province", "commune1b")}
    assert client.get(url.format(**ids)).status_code == 404


@pytest.mark.parametrize(
    ("who", "district1", "province"),
    [
        ("commune", 200, 404),
        ("district", 200, 404),
        ("coordinator", 200, 200),
        ("viewer", 200, 200),
        ("official", 404, 404),
        ("agency", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_ranking_pages_for_every_role(client, ranked, who, district1, province):
    client.force_login(getattr(ranked, who))
    for unit, status in ((ranked.district1, district1), (ranked.province, province)):
        url = f"/tuyenvan/rankings/?period=2018-03&within={unit.pk}"
        assert client.get(url).status_code == status, (who, unit)


@pytest.mark.parametrize(
    ("who", "status", "names"),
    [
        ("commune", 200, ["Xã Một B", "Xã Một A"]),
        ("district", 200, ["Xã Một B", "Xã Một A"]),
        ("coordinator", 200, ["Xã Một B", "Xã Một A"]),
        ("official", 404, None),
        ("outsider", 404, None),
    ],
)
def test_ranking_api_for_every_role(client, ranked, who, status, names):
    client.force_login(getattr(ranked, who))
    url = f"/api/v1/tuyenvan/rankings?period=2018-03&within={ranked.district1.pk}"
    response = client.get(url)
    assert response.status_code == status
    if names:
        assert [r["name"] for r in response.json()["ranking"]] == names


def test_ranking_api_default_scope_and_limits_for_a_commune(client, ranked):
    client.force_login(ranked.commune)
    response = client.get("/api/v1/tuyenvan/rankings?period=2018-03")
    assert response.status_code == 200 and response.json()["within"] == ranked.district1.pk
    district_level = "/api/v1/tuyenvan/rankings?period=2018-03&level=district"
    assert client.get(district_level).status_code == 404
    other = f"/api/v1/tuyenvan/rankings?period=2018-03&within={ranked.district2.pk}"
    assert client.get(other).status_code == 404
    # The results list stays the commune's own.
    results = client.get("/api/v1/tuyenvan/results?month=2018-03").json()["items"]
    assert [r["commune"] for r in results] == [ranked.commune1a.pk]


@pytest.mark.parametrize(
    ("who", "within"),
    [("commune", "district1"), ("district", "district1"), ("coordinator", "province"),
     ("viewer", "province")],
)  # fmt: skip
def test_ranking_api_default_scope_per_role(client, ranked, who, within):
    client.force_login(getattr(ranked, who))
    response = client.get("/api/v1/tuyenvan/rankings?period=2018-03")
    assert response.status_code == 200
    assert response.json()["within"] == getattr(ranked, within).pk


def test_the_month_page_links_the_commune_to_its_ranking(client, ranked):
    client.force_login(ranked.commune)
    page = client.get(f"/tuyenvan/communes/{ranked.commune1a.pk}/2018-03/").content.decode()
    link = f"/tuyenvan/rankings/?period=2018-03&amp;within={ranked.district1.pk}"
    assert link in page
    assert client.get(link.replace("&amp;", "&")).status_code == 200
