"""The screens speak of the chain in force for the month shown: a 2018 month of the
district (“Huyện chấm”, the district approves), a month after 1/7/2025 of the
province's ban scoring by cluster (“Cụm chấm”, “Cán bộ chấm điểm (cụm xã)”)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from theodoi.tuyenvan.wording import BY_CLUSTER, BY_DISTRICT, wording_for
from theodoi.units.models import Membership, Unit, role_label

from .test_chain import AUGUST, JUNE, Reform

pytestmark = pytest.mark.django_db
R = Membership.Role


@pytest.fixture
def reform(world, settings):
    settings.THEODOI_TODAY = date(2025, 9, 15)
    return Reform(world)


def test_the_wording_follows_the_chain_of_the_month(reform):
    w = reform.w
    assert wording_for(w.commune1a, JUNE) is BY_DISTRICT
    assert wording_for(reform.x1, AUGUST) is BY_CLUSTER
    assert wording_for(reform.x1.pk, AUGUST, reform.scorer1) is BY_CLUSTER
    assert wording_for(w.commune1a, JUNE, w.district) is BY_DISTRICT
    # A province with no chain recorded keeps the district's words.
    assert wording_for(w.commune1a, date(2017, 1, 1)) is BY_DISTRICT
    with translation.override("vi"):
        assert str(BY_DISTRICT.scorer) == "Huyện chấm"
        assert str(BY_CLUSTER.scorer) == "Cụm chấm"
        assert str(BY_DISTRICT.scorer_role) == "Cán bộ chấm điểm cấp huyện"
        assert str(BY_CLUSTER.scorer_role) == "Cán bộ chấm điểm (cụm xã)"
        assert str(BY_CLUSTER.status_label("approved")) == "Cụm đã duyệt"
        assert str(BY_DISTRICT.status_label("approved")) == "Huyện đã duyệt"
    with translation.override("en"):
        assert str(BY_CLUSTER.scorer) == "Cluster scorer"
        assert str(BY_CLUSTER.approve) == "The ban approves the month (cluster)"


def test_a_scorer_outside_a_district_is_labelled_a_cluster_scorer(reform):
    w = reform.w
    in_ban = Membership.objects.get(user=reform.scorer1, unit=reform.ban)
    in_district = Membership.objects.filter(role=R.DISTRICT_SCORER, unit=w.district1).first()
    with translation.override("vi"):
        assert in_ban.get_role_display() == "Cán bộ chấm điểm (cụm xã)"
        assert in_district.get_role_display() == "Cán bộ chấm điểm cấp huyện"
        assert str(role_label(R.COORDINATOR, Unit.Kind.PARTY_AGENCY)) == "Cán bộ điều phối"
    with translation.override("en"):
        assert in_ban.get_role_display() == "Scorer (cluster of communes)"
        assert in_district.get_role_display() == "District scorer"


def _page(client, user, commune, month) -> str:
    client.force_login(user)
    url = reverse("tuyenvan:month", args=[commune.pk, f"{month:%Y-%m}"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    return response.content.decode()


def test_a_2018_era_month_speaks_of_the_district(client, reform):
    w = reform.w
    with translation.override("vi"):
        page = _page(client, w.district, w.commune1a, JUNE)
    assert "Huyện chấm điểm" in page  # the scorer's sheet
    assert "Huyện chấm" in page  # the missing source
    assert "Cụm chấm" not in page and "cụm xã" not in page


def test_a_month_after_the_reform_speaks_of_the_cluster(client, reform):
    with translation.override("vi"):
        page = _page(client, reform.scorer1, reform.x1, AUGUST)
    assert "Ban chấm điểm (cụm xã)" in page
    assert "Cụm chấm" in page
    assert "Huyện chấm" not in page
    assert "trong huyện" not in page


def test_2026_rankings_show_the_cluster_or_directly_under_the_province(reform):
    from theodoi.tuyenvan import results

    from .test_chain import _ready

    for commune in (reform.x1, reform.x3):
        _ready(commune, reform)
    reform.cluster2.communes.clear()  # Phường Mới Ba in no cluster
    ranked = results.rank_communes(reform.w.province, results.month_period(AUGUST))
    parents = {r.name: r.parent_name for r in ranked}
    assert parents["Xã Mới Một"] == "Cụm 1"
    with translation.override("vi"):
        ranked = results.rank_communes(reform.w.province, results.month_period(AUGUST))
    assert {r.name: r.parent_name for r in ranked}["Phường Mới Ba"] == "trực thuộc tỉnh"


def test_the_2026_bulletin_ranks_clusters_not_districts(reform, settings):
    import io

    from docx import Document

    from theodoi.tuyenvan.documents import bulletin_docx

    from .test_chain import _ready

    for commune in (reform.x1, reform.x3):
        _ready(commune, reform)
    new = Document(io.BytesIO(bulletin_docx(reform.w.province, AUGUST)))
    text = " ".join(
        [p.text for p in new.paragraphs]
        + [c.text for t in new.tables for row in t.rows for c in row.cells]
    )
    assert "XẾP HẠNG CÁC CỤM XÃ" in text and "HUYỆN, THÀNH PHỐ" not in text
    assert "Cụm 1" in text and "Cụm 2" in text
    assert "Các huyện ủy" not in text and "Các đảng ủy xã, phường" in text
    assert "cấp huyện" not in text


def test_a_report_sent_to_the_province_names_its_committee():
    from theodoi.tuyenvan.templatetags.tuyenvan import recipient_label

    assert recipient_label(Unit(name="Tỉnh Lào Cai", kind=Unit.Kind.PROVINCE)) == "Tỉnh ủy Lào Cai"
    assert recipient_label(Unit(name="Tỉnh ủy Lào Cai", kind=Unit.Kind.PROVINCE)) == (
        "Tỉnh ủy Lào Cai"
    )
    district = Unit(name="Huyện ủy Bát Xát", short_name="HU Bát Xát", kind=Unit.Kind.DISTRICT)
    assert recipient_label(district) == "HU Bát Xát"
