"""The roster without a district tier prefers each province official's clusters of
communes (cụm xã), says which assignments kept to it and why the others did not,
and labels the communes by cluster, never by district."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User

from theodoi.tuyenvan.models import CommuneCluster, ScoringChain
from theodoi.tuyenvan.roster.models import RosterRound, Unavailability
from theodoi.tuyenvan.roster.roster import generate_roster, round_grouping, violations
from theodoi.units.models import Membership, Unit

pytestmark = pytest.mark.django_db
NEW = date(2025, 7, 1)


@pytest.fixture
def province():
    """24 communes directly under a province in 4 clusters of 6, one official each."""
    province = Unit.objects.create(name="Tỉnh Cụm", kind=Unit.Kind.PROVINCE, key="cl:p")
    ban = Unit.objects.create(
        name="Ban TG&DV", kind=Unit.Kind.PARTY_AGENCY, parent=province, key="cl:ban",
        active_from=NEW,
    )  # fmt: skip
    communes = Unit.objects.bulk_create(
        Unit(name=f"Xã Cụm {i + 1:02d}", kind=Unit.Kind.COMMUNE, parent=province,
             key=f"cl:c{i}", position=i, active_from=NEW)
        for i in range(24)
    )  # fmt: skip
    users = User.objects.bulk_create(
        User(username=f"cl.o{i}", last_name=f"Cán bộ {i}") for i in range(4)
    )
    Membership.objects.bulk_create(
        Membership(user=u, unit=ban, role=Membership.Role.OFFICIAL) for u in users
    )
    ScoringChain.objects.create(
        province=province, valid_from=NEW, level=ScoringChain.Level.CLUSTER, scorer=ban,
        consolidator=ban,
    )  # fmt: skip
    clusters = []
    for n in range(4):
        cluster = CommuneCluster.objects.create(
            province=province, name=f"Cụm số {n + 1}", valid_from=NEW, position=n
        )
        cluster.communes.set(communes[n * 6 : (n + 1) * 6])
        cluster.officials.add(users[n])
        clusters.append(cluster)
    return province, communes, users, clusters


def _round(province: Unit) -> RosterRound:
    return RosterRound.objects.create(
        province=province,
        period="month",
        start=date(2026, 2, 1),
        provincial_frequency=RosterRound.Frequency.MONTHLY,
        provincial_monthly_limit=8,
    )


def _pairs(rnd: RosterRound) -> list[tuple[int, int, date]]:
    return sorted(rnd.entries.values_list("official_id", "commune_id", "day"))


def test_each_official_attends_its_own_clusters_communes(province):
    _p, _communes, users, clusters = province
    rnd = _round(_p)
    result = generate_roster(rnd)
    assert result.ok, result.problems
    cluster_of = {c.pk: n for n, cl in enumerate(clusters) for c in cl.communes.all()}
    for official_id, commune_id, _day in _pairs(rnd):
        assert users[cluster_of[commune_id]].pk == official_id
    report = rnd.preference_report()
    assert report.by_cluster and (report.respected, report.total) == (24, 24)
    assert report.misses == []
    assert "cụm" in rnd.entries.first().explanation.lower()


def test_an_absent_official_leaves_its_cluster_to_others_and_the_report_says_why(province):
    _p, communes, users, _clusters = province
    Unavailability.objects.create(
        user=users[0], start=date(2026, 2, 1), end=date(2026, 2, 28), reason="Học lớp"
    )
    rnd = _round(_p)
    assert generate_roster(rnd).ok
    assert violations(rnd) == []  # the hard rules hold
    report = rnd.preference_report()
    assert (report.respected, report.total) == (18, 24)
    assert {m.entry.commune_id for m in report.misses} == {c.pk for c in communes[:6]}
    miss = report.misses[0]
    assert miss.preferred == "Cụm số 1"
    assert "Cán bộ 0" in miss.reasons[0] and "bận" in miss.reasons[0].lower()


def test_the_roster_is_the_same_on_every_generation(province):
    _p, _communes, users, _clusters = province
    # Tight enough that the solver, not only the flow, has choices to make.
    Unavailability.objects.create(user=users[1], start=date(2026, 2, 1), end=date(2026, 2, 28))
    rnd = _round(_p)
    assert generate_roster(rnd).ok
    first = _pairs(rnd)
    assert generate_roster(rnd).ok
    assert _pairs(rnd) == first


def test_the_round_page_labels_by_cluster_not_district(
    province, client, django_assert_max_num_queries
):
    _p, communes, users, clusters = province
    Unavailability.objects.create(user=users[0], start=date(2026, 2, 1), end=date(2026, 2, 28))
    rnd = _round(_p)
    assert generate_roster(rnd).ok
    grouping = round_grouping(rnd)
    assert grouping.by_cluster and grouping.name_of(communes[7]) == "Cụm số 2"
    client.force_login(User.objects.create_superuser("cl.admin", "a@example.invalid", "x"))
    with django_assert_max_num_queries(50):
        page = client.get(f"/tuyenvan/people/roster/{rnd.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Cụm số 2" in text and 'id="preference"' in text
    assert "huyện" not in text.lower()
    for path in ("print/", "dates/", f"?cluster={clusters[1].pk}&group=commune"):
        other = client.get(f"/tuyenvan/people/roster/{rnd.pk}/{path}")
        assert other.status_code == 200, path
        assert "huyện" not in other.content.decode().lower(), path


def test_settings_officials_and_boards_pages_speak_of_clusters(province, client, settings):
    _p, communes, _users, _clusters = province
    settings.THEODOI_TODAY = date(2026, 2, 10)
    rnd = _round(_p)
    client.force_login(User.objects.create_superuser("cl.admin", "a@example.invalid", "x"))
    pages = {
        "settings": f"/tuyenvan/people/roster/{rnd.pk}/settings/",
        "officials": "/tuyenvan/people/roster/officials/",
        "boards": "/tuyenvan/people/boards/",
        "rounds": "/tuyenvan/people/roster/",
    }
    for what, url in pages.items():
        response = client.get(url)
        text = response.content.decode()
        assert response.status_code == 200, what
        assert "huyện" not in text.lower(), what
    officials = client.get(pages["officials"]).content.decode()
    assert "Cụm số 1" in officials
    boards = client.get(pages["boards"]).content.decode()
    assert "Cụm số 4" in boards and communes[23].name in boards
    # Saving the officials page leaves the cluster province's officials alone.
    response = client.post(pages["officials"], {"reason": "Kiểm tra"})
    assert response.status_code == 302
