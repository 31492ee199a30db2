"""The tuyên vận chain in force: in 2018 the district scores its communes and the
Ban Tuyên giáo accepts; from 1/7/2025 (no district tier) the merged ban's staff
score the communes of the clusters they are assigned to and the merged ban accepts.
Who may score, approve and accept a month follows the chain in force for that month."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from theodoi.permissions import tuyenvan as access
from theodoi.testing import make_unit, make_user
from theodoi.tuyenvan import actions
from theodoi.tuyenvan.defaults import build_default_set
from theodoi.tuyenvan.models import (
    ClusterMonth,
    CommuneCluster,
    CommuneMonth,
    MonthlyResult,
    ScoreSheet,
    ScoringChain,
)
from theodoi.units.models import Membership, Unit

from .helpers import fill, hold_meeting, send

pytestmark = pytest.mark.django_db
R = Membership.Role
K = Unit.Kind
S = ScoreSheet.Source
JUNE = date(2025, 6, 1)
AUGUST = date(2025, 8, 1)
API = "/api/v1/tuyenvan"


class Reform:
    """The test world's province across the reform, and a second province."""

    def __init__(self, world) -> None:
        self.w = world
        p = world.province
        for unit in (world.district1, world.district2, world.commune1a, world.commune1b,
                     world.commune2a, world.btg, world.bdv):  # fmt: skip
            unit.active_to = date(2025, 6, 30)
            unit.save()
        self.ban = make_unit(
            "Ban Tuyên giáo và Dân vận Tỉnh ủy", K.PARTY_AGENCY, p, active_from=date(2025, 7, 1)
        )
        new = date(2025, 7, 1)
        self.x1 = make_unit("Xã Mới Một", K.COMMUNE, p, active_from=new)
        self.x2 = make_unit("Xã Mới Hai", K.COMMUNE, p, active_from=new)
        self.x3 = make_unit("Phường Mới Ba", K.COMMUNE, p, active_from=new)
        build_default_set(p, date(2018, 1, 1))
        ScoringChain.objects.create(
            province=p,
            valid_from=date(2018, 1, 1),
            valid_to=date(2025, 6, 30),
            level=ScoringChain.Level.DISTRICT,
            consolidator=world.btg,
        )
        ScoringChain.objects.create(
            province=p,
            valid_from=new,
            level=ScoringChain.Level.CLUSTER,
            scorer=self.ban,
            consolidator=self.ban,
        )
        self.scorer1 = make_user("ban.scorer1", R.DISTRICT_SCORER, self.ban)
        self.scorer2 = make_user("ban.scorer2", R.DISTRICT_SCORER, self.ban)
        self.ban_coordinator = make_user("ban.coordinator", R.COORDINATOR, self.ban)
        self.reporter = make_user("x1.reporter", R.COMMUNE_REPORTER, self.x1)
        self.cluster1 = CommuneCluster.objects.create(
            province=p, name="Cụm 1", valid_from=new, position=1
        )
        self.cluster1.communes.set([self.x1, self.x2])
        self.cluster1.scorers.set([self.scorer1])
        self.cluster2 = CommuneCluster.objects.create(
            province=p, name="Cụm 2", valid_from=new, position=2
        )
        self.cluster2.communes.set([self.x3])
        self.cluster2.scorers.set([self.scorer2])
        # The second province scores by cluster too, with its own ban and staff.
        q = world.other_province
        self.other_ban = make_unit("Ban TG-DV Khác", K.PARTY_AGENCY, q, active_from=new)
        self.other_commune = make_unit("Xã Khác", K.COMMUNE, q, active_from=new)
        build_default_set(q, date(2018, 1, 1))
        ScoringChain.objects.create(
            province=q,
            valid_from=new,
            level=ScoringChain.Level.CLUSTER,
            scorer=self.other_ban,
            consolidator=self.other_ban,
        )
        self.other_scorer = make_user("other.scorer", R.DISTRICT_SCORER, self.other_ban)
        self.other_cluster = CommuneCluster.objects.create(province=q, name="Cụm K", valid_from=new)
        self.other_cluster.communes.set([self.other_commune])
        self.other_cluster.scorers.set([self.other_scorer, self.scorer1])


@pytest.fixture
def reform(world, settings):
    settings.THEODOI_TODAY = date(2025, 9, 15)
    return Reform(world)


def fresh(user):
    """The same account as a new request sees it (per-request caches dropped)."""
    return type(user).objects.get(pk=user.pk)


def can(user, perm, obj) -> bool:
    return fresh(user).has_perm(perm, obj)


def test_the_chain_in_force_switches_on_1_july_2025(reform):
    p = reform.w.province
    assert ScoringChain.objects.in_force(p, JUNE).level == "district"
    assert ScoringChain.objects.in_force(p, AUGUST).level == "cluster"
    assert ScoringChain.objects.in_force(p, date(2017, 12, 1)) is None


def test_june_2025_is_scored_by_the_district_august_by_the_cluster(reform):
    w = reform.w
    june = CommuneMonth(w.commune1a, JUNE)
    august = CommuneMonth(reform.x1, AUGUST)
    # June 2025: the district's scorer; not the merged ban's staff (the ban did not exist).
    assert can(w.district, "tuyenvan.approve_month", june)
    assert can(w.district, "tuyenvan.answer_appeal", june)
    assert not can(reform.scorer1, "tuyenvan.approve_month", june)
    # August 2025: the province officer assigned to the commune's cluster.
    assert can(reform.scorer1, "tuyenvan.approve_month", august)
    assert can(reform.scorer1, "tuyenvan.resolve_flag", august)
    assert not can(reform.scorer2, "tuyenvan.approve_month", august)  # another cluster
    assert can(reform.scorer2, "tuyenvan.approve_month", CommuneMonth(reform.x3, AUGUST))
    # Level 2: BTG in June, the merged ban in August.
    assert can(w.coordinator, "tuyenvan.accept_district", june)
    assert not can(reform.ban_coordinator, "tuyenvan.accept_district", june)
    assert can(
        reform.ban_coordinator, "tuyenvan.accept_cluster", ClusterMonth(reform.cluster1, AUGUST)
    )
    assert not can(w.coordinator, "tuyenvan.accept_cluster", ClusterMonth(reform.cluster1, AUGUST))


def test_a_2018_district_scorer_has_no_rights_on_2026_communes(client, reform):
    w = reform.w
    urls = (
        reverse("tuyenvan:month", args=[reform.x1.pk, "2026-01"]),
        f"/tuyenvan/trend/{reform.x1.pk}/?year=2026",
    )
    client.force_login(reform.scorer1)  # the pages exist for the commune's chain
    assert [client.get(url).status_code for url in urls] == [200, 200]
    client.force_login(w.district)
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert not can(w.district, "tuyenvan.approve_month", CommuneMonth(reform.x1, date(2026, 1, 1)))
    assert not can(w.district, "tuyenvan.view_month", CommuneMonth(reform.x1, date(2026, 1, 1)))
    answer = client.post(
        f"{API}/clusters/approve", {"cluster": reform.cluster1.pk, "month": "2026-01"},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 404


def _ready(commune, reform, month=AUGUST):
    hold_meeting(commune, reform.reporter, month=month)
    fill(commune, S.DISTRICT, reform.scorer1, month=month)
    send(commune, "report", 5, month=month)
    send(commune, "documents", 5, month=month)


def test_the_cluster_chain_from_sheet_to_acceptance(client, reform):
    for commune in (reform.x1, reform.x2):
        _ready(commune, reform)
    # The scorer's sheet was written under its cluster's right (fill checks nothing):
    sheet = ScoreSheet.objects.get(commune=reform.x1, month=AUGUST, source=S.DISTRICT)
    assert can(reform.scorer1, "tuyenvan.change_sheet", sheet)
    assert not can(reform.scorer2, "tuyenvan.change_sheet", sheet)
    body = {"cluster": reform.cluster1.pk, "month": "2025-08", "close_window": True}

    def post(user, action):
        client.force_login(user)
        return client.post(f"{API}/clusters/{action}", body, content_type="application/json")

    # Refusals per role: another cluster's scorer and the BTG coordinator read but may not;
    # the commune reads no cluster; the other province's staff see nothing.
    assert post(reform.scorer2, "approve").status_code == 403
    assert post(reform.w.coordinator, "accept").status_code == 403
    assert post(reform.reporter, "approve").status_code == 404
    assert post(reform.other_scorer, "approve").status_code == 404
    # Accepting before the scorers approved is refused at the field, nothing moves.
    assert post(reform.ban_coordinator, "accept").status_code == 422
    approved = post(reform.scorer1, "approve")
    assert approved.status_code == 200, approved.content
    assert {r["status"] for r in approved.json()} == {"approved"}
    accepted = post(reform.ban_coordinator, "accept")
    assert accepted.status_code == 200, accepted.content
    assert set(
        MonthlyResult.objects.filter(commune__in=[reform.x1, reform.x2]).values_list(
            "status", flat=True
        )
    ) == {"accepted"}
    # The results of the new communes sit directly under the province.
    assert set(MonthlyResult.objects.values_list("district_id", flat=True)) == {
        reform.w.province.pk
    }
    # Cluster 2 untouched.
    assert not MonthlyResult.objects.filter(commune=reform.x3, status="accepted").exists()


def test_the_page_offers_the_clusters_steps_to_their_scorers_only(client, reform):
    client.force_login(reform.scorer1)
    page = client.get("/tuyenvan/?month=2025-08")
    assert page.status_code == 200
    # The board opens on the scorer's own cluster; "All" (cluster=) shows every commune.
    assert {c.name for c, *_ in page.context["rows"]} == {"Xã Mới Một", "Xã Mới Hai"}
    everything = client.get("/tuyenvan/?month=2025-08&cluster=")
    assert len(everything.context["rows"]) == 3
    offered = {c.name: allowed for c, allowed in page.context["cluster_actions"]}
    assert offered == {"Cụm 1": ["approve", "close"], "Cụm 2": []}
    filtered = client.get(f"/tuyenvan/?month=2025-08&cluster={reform.cluster2.pk}")
    assert [c.name for c, *_ in filtered.context["rows"]] == ["Phường Mới Ba"]
    client.force_login(reform.ban_coordinator)
    page = client.get("/tuyenvan/?month=2025-08")
    assert {c.name: a for c, a in page.context["cluster_actions"]}["Cụm 1"] == ["accept", "close"]


def test_a_cluster_scorer_of_one_province_has_no_rights_in_another(reform):
    # scorer1 is listed on the other province's cluster, but is not of its scoring body.
    other = CommuneMonth(reform.other_commune, AUGUST)
    assert not can(reform.scorer1, "tuyenvan.approve_month", other)
    assert not can(reform.scorer1, "tuyenvan.view_month", other)
    assert can(reform.other_scorer, "tuyenvan.approve_month", other)
    assert not can(reform.other_scorer, "tuyenvan.approve_month", CommuneMonth(reform.x1, AUGUST))


def test_a_cluster_assignment_counts_only_while_the_cluster_is_in_force(reform):
    reform.cluster1.valid_to = date(2025, 12, 31)
    reform.cluster1.save()
    assert can(reform.scorer1, "tuyenvan.approve_month", CommuneMonth(reform.x1, AUGUST))
    assert not can(
        reform.scorer1, "tuyenvan.approve_month", CommuneMonth(reform.x1, date(2026, 1, 1))
    )


def test_a_province_without_a_chain_keeps_the_district_chain(world, settings):
    settings.THEODOI_TODAY = date(2018, 4, 2)
    build_default_set(world.province, date(2018, 1, 1))
    march = CommuneMonth(world.commune1a, date(2018, 3, 1))
    assert can(world.district, "tuyenvan.approve_month", march)
    assert can(world.coordinator, "tuyenvan.accept_district", march)
    assert access.chain_for(fresh(world.district), world.commune1a.pk, date(2018, 3, 1)) is None


def test_approving_a_cluster_names_each_commune_it_refuses(reform):
    _ready(reform.x1, reform)  # Xã Mới Hai has no district sheet yet
    rows = actions.do_cluster_step(
        ClusterMonth(reform.cluster1, AUGUST), "approve", by=reform.scorer1, close_window=True
    )
    by_name = {row.commune.name: row for row in rows}
    assert by_name["Xã Mới Một"].approved
    assert not by_name["Xã Mới Hai"].approved and by_name["Xã Mới Hai"].message


def test_rankings_after_the_reform_group_by_cluster_and_former_district(client, reform):
    from theodoi.tuyenvan import results, scoring
    from theodoi.units.models import UnitLineage

    w = reform.w
    for old, new in ((w.commune1a, reform.x1), (w.commune1b, reform.x1), (w.commune2a, reform.x3)):
        UnitLineage.objects.create(
            predecessor=old, successor=new, event="merged", effective=date(2025, 7, 1)
        )
    for commune in (reform.x1, reform.x2, reform.x3):
        _ready(commune, reform)
    scoring.compute_month(w.province, AUGUST)
    totals = dict(MonthlyResult.objects.filter(month=AUGUST).values_list("commune_id", "total"))
    period = results.month_period(AUGUST)
    assert results.levels_for(w.province, period) == ["commune", "cluster", "former_district"]
    # "district" asked where there is none is answered by the province's clusters.
    level, ranked = results.rank(w.province, period, "district")
    assert level == "cluster"
    by_name = {r.name: r for r in ranked}
    expected = (totals[reform.x1.pk] + totals[reform.x2.pk]) / 2
    assert by_name["Cụm 1"].score == expected.quantize(by_name["Cụm 1"].score)
    assert by_name["Cụm 1"].months == 2  # communes in the group
    assert by_name["Cụm 2"].score == totals[reform.x3.pk]
    with translation.override("en"):
        level, ranked = results.rank(w.province, period, "former_district")
    names = {r.name: r for r in ranked}
    assert set(names) == {"Huyện ủy Một (until 30/06/2025)", "Huyện ủy Hai (until 30/06/2025)"}
    assert names["Huyện ủy Một (until 30/06/2025)"].score == totals[reform.x1.pk]
    # The page and the API say which grouping they ranked.
    client.force_login(reform.ban_coordinator)
    page = client.get(f"/tuyenvan/rankings/?period=2025-08&level=district&within={w.province.pk}")
    assert page.status_code == 200 and page.context["level"] == "cluster"
    answer = client.get(
        f"{API}/rankings?period=2025-08&level=former_district&within={w.province.pk}"
    )
    assert answer.status_code == 200 and answer.json()["level"] == "former_district"
    assert len(answer.json()["ranking"]) == 2
    # In June 2025 the same province still ranks its districts.
    hold_meeting(w.commune1a, w.commune, month=JUNE)
    fill(w.commune1a, S.DISTRICT, w.district, month=JUNE)
    scoring.compute_month(w.province, JUNE)
    june = results.month_period(JUNE)
    assert results.levels_for(w.province, june) == ["commune", "district"]
    level, ranked = results.rank(w.province, june, "district")
    assert level == "district" and [r.name for r in ranked] == ["Huyện ủy Một"]


def test_a_cluster_scorer_works_the_reports_of_its_clusters_communes_only(client, reform):
    from theodoi.tuyenvan.models import Submission

    mine = send(reform.x1, "report", 5, month=AUGUST)
    other = send(reform.x3, "report", 5, month=AUGUST)
    assert mine.recipient_id == reform.w.province.pk
    inbox = access.visible_tuyenvan_inbox(fresh(reform.scorer1), Submission.objects.all())
    assert set(inbox) == {mine}
    assert can(reform.scorer1, "tuyenvan.open_submission", mine)
    assert not can(reform.scorer1, "tuyenvan.open_submission", other)
    assert can(reform.scorer2, "tuyenvan.open_submission", other)


def test_a_june_2025_district_month_is_accepted_by_btg_after_the_switch(client, reform):
    """In September 2025 (cluster chain) BTG still accepts the district months of June."""
    w = reform.w
    for commune in (w.commune1a, w.commune1b):
        hold_meeting(commune, w.commune, month=JUNE)
        fill(commune, S.DISTRICT, w.district, month=JUNE)
        send(commune, "report", 5, month=JUNE)
        send(commune, "documents", 5, month=JUNE)
        actions.do_approve_month(commune, JUNE, by=w.district, close_window=True)
    body = {"district": w.district1.pk, "month": "2025-06"}
    client.force_login(reform.ban_coordinator)
    refused = client.post(f"{API}/districts/accept", body, content_type="application/json")
    assert refused.status_code == 403
    client.force_login(w.coordinator)
    answer = client.post(f"{API}/districts/accept", body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert MonthlyResult.objects.get(commune=w.commune1a, month=JUNE).status == "accepted"


def test_a_provinces_administrator_sets_its_chain_and_clusters_only(client, reform):
    w = reform.w
    w.admin.is_staff = True
    w.admin.save(update_fields=["is_staff"])
    client.force_login(w.admin)
    clusters = client.get("/admin/tuyenvan/communecluster/").content.decode()
    assert "Cụm 1" in clusters and "Cụm 2" in clusters
    assert "Cụm K" not in clusters
    assert client.get(
        f"/admin/tuyenvan/communecluster/{reform.other_cluster.pk}/change/"
    ).status_code in (302, 403, 404)
    chains = client.get("/admin/tuyenvan/scoringchain/")
    assert chains.status_code == 200
    # The province's two chains (until and from 1/7/2025), not the other province's.
    assert {c.province_id for c in chains.context["cl"].result_list} == {w.province.pk}
    assert chains.context["cl"].result_count == 2
