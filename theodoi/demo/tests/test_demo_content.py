"""The demo's content, loaded once for this module: the seed's counts, accounts, progress."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from theodoi.plans.matrix import build_matrix
from theodoi.plans.models import Plan, Task, WorkItem
from theodoi.units.models import Membership, Unit, UnitGroup

pytestmark = pytest.mark.django_db

PASSWORD = "demo-test-password"


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the read-only tests of this module.

    It is loaded inside a transaction that is rolled back at the end, and each
    test runs in a savepoint within it (pytest-django's ``db``).
    """
    data = tmp_path_factory.mktemp("demo-data")
    with (
        django_db_blocker.unblock(),
        override_settings(
            DATA_DIR=data,
            THEODOI_DEMO=True,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        patch.setenv("DEMO_PASSWORD", PASSWORD)
        patch.setattr("django.conf.settings.THEODOI_TODAY", "2018-07-15")
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _rows(plan: Plan) -> dict[str, object]:
    return {row.unit.key: row for row in build_matrix(plan).rows}


def test_matrix_reproduces_the_seed_counts(loaded):
    plan = Plan.objects.get(number="112-KH/TU")
    rows = _rows(plan)
    btg = rows["lc2018:agency:BTG"]
    assert (btg.tasks_led, btg.work_items_led) == (7, 20)
    assert rows["lc2018:agency:BDV"].work_items_led == 5
    districts = Unit.objects.filter(key__startswith="lc2018:", kind="district")
    assert districts.count() == 9
    for district in districts:
        assert rows[district.key].work_items_led == 6, district.name
    # BTG's work items lie in the three fields the seed names.
    btg_fields = set(
        Task.objects.filter(
            plan=plan,
            work_items__assignments__unit__key="lc2018:agency:BTG",
            work_items__assignments__role="lead",
        ).values_list("field__name", flat=True)
    )
    assert btg_fields == {
        "Đổi mới công tác tư tưởng, chính trị",
        "Công tác tuyên truyền, vận động",
        "Công tác tổng hợp, báo cáo",
    }


def test_the_other_agencies_carry_eight_task_groups(loaded):
    plan = Plan.objects.get(number="112-KH/TU")
    excluded = {"lc2018:agency:BTG", "lc2018:agency:BDV"}
    other_tasks = []
    for task in plan.tasks.prefetch_related("work_items__assignments__unit"):
        leads = {
            a.unit
            for item in task.work_items.all()
            for a in item.assignments.all()
            if a.role == "lead"
        }
        assert len({u.kind == "district" for u in leads}) == 1, task.title
        if all(u.key not in excluded and u.kind != "district" for u in leads):
            assert len(leads) == 1, task.title
            assert 1 <= task.work_items.count() <= 3
            other_tasks.append(next(iter(leads)).code)
    assert len(other_tasks) == 8
    assert {"BTC", "STTTT", "SVHTTDL", "HVHNT", "SKHDT", "STC", "MTTQ"} <= set(other_tasks)


def test_no_unit_both_leads_and_coordinates_and_dates_in_2018(loaded):
    plan = Plan.objects.get(number="112-KH/TU")
    for task in plan.tasks.prefetch_related("work_items__assignments"):
        for item in task.work_items.all():
            item.full_clean()
            assert item.start.year == item.end.year == 2018
            assert item.expected_output
            units = [a.unit_id for a in item.assignments.all()]
            assert len(units) == len(set(units))
    assert {str(d.number) for d in plan.legal_bases.all()} == {"25-KH/TU", "11-QĐ/TU"}
    assert plan.issuer.key == "lc2018:10" and plan.owner.key == "lc2018:agency:BTG"
    assert plan.programme.code == "17-ĐA/TU"
    assert 3 <= plan.programme.objectives.count() <= 5


def test_units_and_groups(loaded):
    province = Unit.objects.get(key="lc2018:10")
    assert province.children.filter(kind="district").count() == 9
    communes = Unit.objects.filter(parent__kind="district", parent__parent=province)
    assert communes.count() == 151
    btg = Unit.objects.get(key="lc2018:agency:BTG")
    assert (btg.name, btg.kind, btg.symbol, btg.parent_id) == (
        "Ban Tuyên giáo Tỉnh ủy",
        "party_agency",
        "BTGTU",
        province.pk,
    )
    assert Unit.objects.get(key="lc2018:agency:DUKDN").kind == "party_committee"
    assert UnitGroup.objects.get(name="Các huyện ủy, thành ủy").units.count() == 9
    wider = UnitGroup.objects.get(name="Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy")
    assert wider.units.count() == 11


def test_one_account_per_role_with_the_demo_password(loaded):
    expected = {
        "coordinator": ("coordinator", "lc2018:agency:BTG"),
        "agency": ("agency", "lc2018:agency:BDV"),
        "district": ("district", "lc2018:082"),
        "commune": ("commune", "lc2018:02734"),
        "official": ("official", "lc2018:082"),
        "viewer": ("viewer", "lc2018:10"),
        "admin": ("admin", "lc2018:10"),
    }
    for username, (role, key) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(PASSWORD), username
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.unit.key) == (role, key)
        assert user.get_full_name()
        assert username in loaded
    assert User.objects.get(username="admin").is_staff
    assert Membership.objects.filter(is_head=True).count() >= 3
    assert PASSWORD in loaded
    assert "http://127.0.0.1:" in loaded
    assert [u.username for u in User.objects.exclude(email__endswith="@demo.theodoi.invalid")] == []


def test_matrix_page_as_coordinator(loaded, client):
    plan = Plan.objects.get(number="112-KH/TU")
    response = client.post("/accounts/login/", {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(f"/plans/{plan.pk}/matrix/")
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r"Ban Tuyên giáo Tỉnh ủy.*?</tr>", html, re.S)
    assert row, "BTG row missing"
    numbers = re.findall(r'<td class="num">(\d+)</td>', row.group(0))
    assert numbers[:2] == ["7", "20"]


def test_progress_on_the_demo_day_is_varied(loaded):
    from theodoi.plans.models import Assignment

    # The 2018 plan's (the 2026 era has its own plan, at its own clock).
    leads = Assignment.objects.filter(role="lead", work_item__task__plan__year=2018)
    statuses = set(leads.values_list("status", flat=True))
    assert {"done", "in_progress", "not_started"} <= statuses
    overdue = WorkItem.objects.overdue()
    assert overdue.exists()
    # Done work has a completion date no later than the demo's day.
    for a in leads.filter(status="done"):
        assert a.completed_on is not None and a.completed_on.isoformat() <= "2018-07-15"


LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?"')
NOT_PAGES = ("/admin/", "/api/", "/accounts/logout", "/i18n/", "/jsi18n/", "/static/", "/media/")
NOT_HTML = (".xlsx", ".docx", ".pdf", "/download/", "/file/", "/evidence/")


@pytest.mark.parametrize(
    ("persona", "budget"),
    [("coordinator", 100), ("commune", 30), ("district", 30), ("official", 25), ("viewer", 30)],
)
def test_every_linked_page_of_the_demo_renders(loaded, client, persona, budget):
    """Follow the links a user sees from the home page: no page fails, each has one h1."""
    client.force_login(User.objects.get(username=persona))
    seen, queue = set(), ["/"]
    while queue and len(seen) < budget:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        assert len(re.findall(r"<h1[ >]", html)) == 1, url
        for link in LINK.findall(html):
            if (
                link.startswith(NOT_PAGES)
                or link.endswith(NOT_HTML)
                or any(part in link for part in NOT_HTML)
            ):
                continue
            if link not in seen:
                queue.append(link)
    assert len(seen) >= min(budget, 10)


# begin proposals
def test_the_2018_plan_lived_through_proposals_and_versions(loaded):
    from theodoi.plans.models import ChangeProposal, IndicatorValue, PlanVersion
    from theodoi.reporting.models import ProgressReport

    plan = Plan.objects.get(number="112-KH/TU")
    states = sorted(plan.proposals.values_list("state", flat=True))
    assert states == ["approved", "approved", "consulting", "rejected"]
    for proposal in plan.proposals.filter(state="approved"):
        answers = {c.answer for c in proposal.consultations.all()}
        assert answers == {"agree"}, proposal  # the coordinating agencies agreed
    assert [v.number for v in PlanVersion.objects.filter(plan=plan)] == [1, 2, 3]
    postponed = plan.proposals.get(state="approved", kind=ChangeProposal.Kind.POSTPONE)
    # Reports filed before the postponement still show the work item as it was.
    filed = ProgressReport.objects.filter(
        entries__work_item=postponed.work_item, plan_version__number=2
    )
    assert filed.exists()
    version = filed.first().plan_version
    assert version.work_item(postponed.work_item_id)["end"] != postponed.work_item.end.isoformat()
    # The programme over its years: 2017's results below 2018's.
    for indicator_id in IndicatorValue.objects.values_list("indicator", flat=True).distinct():
        values = dict(
            IndicatorValue.objects.filter(indicator=indicator_id).values_list("year", "value")
        )
        if 2017 in values and 2018 in values:
            assert values[2017] < values[2018]


def test_the_programme_follows_its_years(loaded, client):
    """The 2017 plan, smaller than 2018's, issued and reported on at year end; the
    programme page shows both years' plans and values from records or a cited source."""
    from theodoi.reporting.models import ProgressReport

    plan_2017 = Plan.objects.get(number="74-KH/TU")
    plan_2018 = Plan.objects.get(number="112-KH/TU")
    assert plan_2017.year == 2017 and plan_2017.versions.get().number == 1
    items_2017 = WorkItem.objects.filter(task__plan=plan_2017).count()
    assert 0 < items_2017 < WorkItem.objects.filter(task__plan=plan_2018).count() // 3
    reports = ProgressReport.objects.filter(period__plan=plan_2017)
    assert reports.count() >= 4 and set(reports.values_list("state", flat=True)) == {"accepted"}
    assert reports.count() < ProgressReport.objects.filter(period__plan=plan_2018).count()
    client.post("/accounts/login/", {"username": "coordinator", "password": PASSWORD})
    page = client.get(f"/plans/programmes/{plan_2018.programme_id}/").content.decode()
    section = page[page.index('id="programme-years"') :]
    assert "74-KH/TU" in section and "112-KH/TU" in section
    assert 'data-plan-progress="2017">4/5' in section
    assert "data-from-records" in section and "data-typed" in section
    assert "Báo cáo sơ kết 2 năm thực hiện Đề án 17-ĐA/TU" in section
    reviews = section[section.index('id="programme-reviews"') :]
    assert "310-BC/TU" in reviews
    assert "years 2016–2017" in reviews or "năm 2016–2017" in reviews
    assert "112-KH/TU" in reviews  # the 2018 plan, built on the review of 2016–2017


# end proposals
# begin budgets
def test_detailed_plans_and_directions(loaded):
    from collections import Counter
    from io import BytesIO

    from docx import Document

    from theodoi.budgets.models import DetailedPlan
    from theodoi.directions.models import Matter
    from theodoi.reporting.consolidation import render
    from theodoi.reporting.models import ReportingPeriod

    plan = Plan.objects.get(number="112-KH/TU")
    states = Counter(DetailedPlan.objects.filter(plan=plan).values_list("state", flat=True))
    assert states["finance"] == 1 and states["submitted"] == 1  # two still waiting
    assert states["approved"] >= 15
    bdv = DetailedPlan.objects.get(plan=plan, unit__key="lc2018:agency:BDV")
    assert bdv.history.filter(state="returned").exists()  # returned once, then approved
    matters = dict(Matter.objects.values_list("title", "state"))
    assert sorted(matters.values()) == ["awaiting", "directed", "directed"]
    assert any("hai chức danh" in t and s == "awaiting" for t, s in matters.items())
    h1 = ReportingPeriod.objects.get(plan=plan, code="2018-H1")
    text = "\n".join(p.text for p in Document(BytesIO(render(h1, "docx"))).paragraphs)
    assert "Dự toán kinh phí theo kế hoạch chi tiết đã được phê duyệt" in text
    assert "Các nội dung đã xin ý kiến, đang chờ chỉ đạo" in text


# end budgets


# begin era 2026
def test_the_2026_era_beside_2018(loaded, client, settings):
    """The new Lào Cai: 99 communes directly under the province, the merged ban
    succeeding both bans, the chain of each period, clusters covering every commune
    once, January 2026 closed and February open, a 2026 plan, and lineage."""
    from datetime import date

    from theodoi.tuyenvan.models import CommuneCluster, MonthlyResult, ScoringChain
    from theodoi.units.models import UnitLineage

    province = Unit.objects.get(key="vn2025:15")
    communes = Unit.objects.filter(parent=province, kind="commune").active_on(date(2025, 8, 1))
    assert communes.count() == 99
    assert not Unit.objects.filter(parent=province, kind="district").exists()
    ban = Unit.objects.get(key="vn2025:15:agency:BTGDV")
    assert set(
        UnitLineage.objects.filter(successor=ban).values_list("predecessor__key", flat=True)
    ) == {"lc2018:agency:BTG", "lc2018:agency:BDV"}
    old = Unit.objects.get(key="lc2018:10")
    assert ScoringChain.objects.in_force(old, date(2018, 6, 1)).level == "district"
    assert ScoringChain.objects.in_force(province, date(2026, 2, 1)).level == "cluster"
    members = list(
        CommuneCluster.communes.through.objects.filter(
            communecluster__province=province
        ).values_list("unit_id", flat=True)
    )
    assert sorted(members) == sorted(communes.values_list("pk", flat=True))
    assert all(c.scorers.exists() for c in CommuneCluster.objects.filter(province=province))
    statuses = set(
        MonthlyResult.objects.filter(province=province).values_list("month", "status").distinct()
    )
    assert statuses == {(date(2026, 1, 1), "closed"), (date(2026, 2, 1), "open")}
    assert Plan.objects.get(number="12-KH/BTGDVTU").owner == ban
    # The 2018 demo is untouched: its plan, its months, its clock.
    assert MonthlyResult.objects.filter(province=old).count() == 6 * 151
    assert "2026 era" in loaded and "tgdv.scorer" in loaded
    # begin handover
    assert "quantri.2026" in loaded
    admin = User.objects.get(username="quantri.2026")
    client.force_login(admin)
    old_ban = Unit.objects.get(key="lc2018:agency:BTG")
    page = client.get(f"/units/{old_ban.pk}/handover/")
    assert page.status_code == 200 and "Ban Tuyên giáo và Dân vận" in page.content.decode()
    client.logout()
    # end handover
    # The commune reporter's 2026 commune shows its 2018 predecessors' months.
    reporter = User.objects.get(username="xa.2026")
    commune = reporter.memberships.get().unit
    settings.THEODOI_TODAY = date(2026, 3, 16)
    client.force_login(reporter)
    page = client.get(f"/tuyenvan/trend/{commune.pk}/?year=2018")
    assert page.status_code == 200
    earlier = list(page.context["earlier"])
    assert earlier and {r.commune.name for r in earlier} >= {"Xã Phú Nhuận"}
    home = client.get("/")
    assert home.status_code == 200
    # The cluster scorer's home names its cluster and what waits in it.
    client.force_login(User.objects.get(username="tgdv.scorer"))
    home = client.get("/").content.decode()
    assert "Cụm Bảo Thắng" in home


# end era 2026


# begin era 2026 roster
def test_the_2026_roster_prefers_each_officials_clusters(loaded, client):
    """Q1 2026: twelve province officials rostered to the 99 communes, published,
    every hard rule kept, most assignments within the official's own clusters."""
    from datetime import date

    from theodoi.tuyenvan.roster.models import RosterRound
    from theodoi.tuyenvan.roster.roster import violations

    rnd = RosterRound.objects.get(province__key="vn2025:15", start=date(2026, 1, 1))
    assert rnd.status == RosterRound.Status.PUBLISHED
    assert rnd.entries.values("commune").distinct().count() == 99
    assert rnd.entries.values("official").distinct().count() == 12
    assert violations(rnd) == []
    report = rnd.preference_report()
    assert report.by_cluster and report.total == 99
    assert report.respected >= 80 and report.misses
    assert all(miss.reasons for miss in report.misses)
    client.force_login(User.objects.get(username="tgdv.coordinator"))
    page = client.get(rnd.get_absolute_url()).content.decode()
    assert "Cụm" in page and "huyện" not in page.lower()
# end era 2026 roster
