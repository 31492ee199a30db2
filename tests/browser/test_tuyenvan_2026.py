"""Tuyên vận after the 2025 reform in Chromium on a phone: a cluster's scorer of the
merged ban scores a commune directly under the province, and the roster round of
the province's officials reads by cluster (never by district) at 360 px."""

from datetime import date

import pytest

from theodoi.testing import PASSWORD, make_unit, make_user, make_world

from .conftest import login, screenshot
from .test_tuyenvan import fill_sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW = date(2025, 7, 1)


def no_sideways_scroll(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page is {scroll}px wide on a {width}px screen"
    wide = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')]"
        ".filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.innerText.slice(0, 60))"
    )
    assert not wide, f"tables wider than the screen: {wide}"


def test_the_2026_cluster_scorer_and_roster_on_a_phone(live_server, page, monkeypatch):
    from theodoi.tuyenvan.defaults import build_default_set
    from theodoi.tuyenvan.models import CommuneCluster, ScoreSheet, ScoringChain
    from theodoi.tuyenvan.roster.models import RosterRound, Unavailability
    from theodoi.tuyenvan.roster.roster import generate_roster
    from theodoi.units.models import Membership, Unit

    R, K = Membership.Role, Unit.Kind
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2025-09-15")
    world = make_world()
    p = world.province
    for unit in (world.district1, world.district2, world.commune1a, world.commune1b,
                 world.commune2a, world.btg, world.bdv):  # fmt: skip
        unit.active_to = date(2025, 6, 30)
        unit.save()
    ban = make_unit("Ban Tuyên giáo và Dân vận Tỉnh ủy", K.PARTY_AGENCY, p, active_from=NEW)
    communes = [
        make_unit(f"Xã Mới {n:02d}", K.COMMUNE, p, active_from=NEW, position=n)
        for n in range(1, 9)
    ]
    build_default_set(p, date(2018, 1, 1))
    ScoringChain.objects.create(
        province=p, valid_from=NEW, level=ScoringChain.Level.CLUSTER, scorer=ban,
        consolidator=ban,
    )  # fmt: skip
    scorer = make_user("ban.scorer", R.DISTRICT_SCORER, ban)
    make_user("ban.coordinator", R.COORDINATOR, ban)
    officials = [
        make_user(f"ban.official{n}", R.OFFICIAL, ban, first_name="Cán bộ", last_name=str(n))
        for n in (1, 2)
    ]
    for n, (members, official) in enumerate(
        zip((communes[:4], communes[4:]), officials, strict=True), start=1
    ):
        cluster = CommuneCluster.objects.create(
            province=p, name=f"Cụm số {n}", valid_from=NEW, position=n
        )
        cluster.communes.set(members)
        cluster.officials.add(official)
        if n == 1:
            cluster.scorers.add(scorer)
    # The first cluster's official is away in August: its communes go to the other.
    Unavailability.objects.create(
        user=officials[0], start=date(2025, 8, 1), end=date(2025, 8, 31), reason="Nghỉ phép"
    )
    rnd = RosterRound.objects.create(
        province=p, period="month", start=date(2025, 8, 1),
        provincial_frequency=RosterRound.Frequency.MONTHLY, provincial_monthly_limit=10,
    )  # fmt: skip
    assert generate_roster(rnd).ok
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 780})

    # 1. The cluster's scorer scores a commune directly under the province.
    month_url = f"{base}/tuyenvan/communes/{communes[0].pk}/2025-08/"
    login(page, base, "ban.scorer", PASSWORD)
    page.goto(month_url)
    no_sideways_scroll(page, 360)
    page.click("a.button[href$='/sheet/district/']")
    fill_sheet(page, "district")
    no_sideways_scroll(page, 360)
    screenshot(page, "tuyenvan-2026-1-cluster-sheet")
    page.click("button[name=submit]")
    page.wait_for_url(month_url)
    assert ScoreSheet.objects.filter(
        commune=communes[0], month=date(2025, 8, 1), source="district", state="submitted"
    ).exists()

    # 2. The roster round reads by cluster, with the preference report.
    page.context.clear_cookies()
    login(page, base, "ban.coordinator", PASSWORD)
    page.goto(f"{base}/tuyenvan/people/roster/{rnd.pk}/")
    text = page.locator("main").inner_text()
    assert "Cụm số 1" in text and "huyện" not in text.lower()
    report = page.locator("#preference")
    assert "4 trong 8" in report.inner_text()
    report.locator("summary").click()
    assert "Nghỉ phép" not in report.inner_text() and "bận ngày đó" in report.inner_text()
    no_sideways_scroll(page, 360)
    screenshot(page, "tuyenvan-2026-2-roster-round")
