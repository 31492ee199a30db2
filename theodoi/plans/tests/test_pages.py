from datetime import date

import pytest
import time_machine

from theodoi.plans.actions import WorkItemData, do_update_work_item
from theodoi.plans.models import Assignment
from theodoi.testing import make_plan, make_unit, make_work_item
from theodoi.units.models import Unit, UnitLineage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def plan(world):
    return make_plan(world, number="112-KH/TU")


@pytest.fixture
def item(world, plan):
    return make_work_item(plan, lead=world.bdv, coordinating=world.sotttt, title="Hội nghị")


def test_the_work_item_history_shows_who_what_when_and_why(client, world, item):
    data = WorkItemData(
        title="Hội nghị báo cáo viên",
        start=item.start,
        end=date(2018, 9, 30),
        leads=[world.bdv],
        coordinating=[world.district1],
    )
    do_update_work_item(item, data, version=item.version, by=world.coordinator, reason="Dời hạn")
    client.force_login(world.viewer)
    response = client.get(f"/plans/work-items/{item.pk}/history/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert "Dời hạn" in body
    assert "coordinator" in body
    assert "<del>30/06/2018</del> → <ins>30/09/2018</ins>" in body
    assert "<del>Hội nghị</del> → <ins>Hội nghị báo cáo viên</ins>" in body
    # Assignments name their units, not their ids.
    assert "Assignment: Huyện ủy Một (Coordinating)" in body
    assert "Assignment: Sở Thông tin và Truyền thông (Coordinating)" in body
    entries = response.context["entries"]
    assert {e.action for e in entries} >= {"created", "changed", "deleted"}


def test_history_pages_of_every_object(client, world, plan, item):
    client.force_login(world.coordinator)
    response = client.post(
        f"/plans/{plan.pk}/edit/",
        {
            "number": plan.number,
            "issued_on": "05/01/2018",
            "year": 2018,
            "title": "Mới",
            "issuer": world.province.pk,
            "owner": world.bdv.pk,
            "summary": "",
            "new_legal_bases": "25-KH/TU, 09/05/2016",
            "reason": "Đổi cơ quan",
        },
    )
    assert response.status_code == 302
    body = client.get(f"/plans/{plan.pk}/history/").content.decode()
    assert "<del>Ban Tuyên giáo Tỉnh ủy</del> → <ins>Ban Dân vận Tỉnh ủy</ins>" in body
    assert "25-KH/TU of 09/05/2016" in body
    assert "Đổi cơ quan" in body
    task, field = item.task, item.task.field
    for url in [
        f"/plans/programmes/{plan.programme_id}/history/",
        f"/plans/fields/{field.pk}/history/",
        f"/plans/tasks/{task.pk}/history/",
        f"/units/{world.bdv.pk}/history/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.count(b"<h1") == 1


def test_detail_pages_link_their_history(client, world, plan, item):
    client.force_login(world.viewer)
    programme = f"/plans/programmes/{plan.programme_id}/"
    pages = {
        f"/plans/{plan.pk}/": f"/plans/{plan.pk}/history/",
        programme: f"{programme}history/",
        f"/plans/tasks/{item.task_id}/": f"/plans/tasks/{item.task_id}/history/",
        f"/plans/work-items/{item.pk}/": f"/plans/work-items/{item.pk}/history/",
        f"/units/{world.bdv.pk}/": f"/units/{world.bdv.pk}/history/",
    }
    for page, link in pages.items():
        body = client.get(page).content.decode()
        assert f'href="{link}"' in body, page
        assert "/edit/" not in body, page  # A viewer gets no edit link.


def test_the_coordinator_sees_edit_links(client, world, plan, item):
    client.force_login(world.coordinator)
    body = client.get(f"/plans/{plan.pk}/").content.decode()
    assert f"/plans/{plan.pk}/edit/" in body
    assert f"/plans/{plan.pk}/import/" in body


@time_machine.travel("2018-06-27 09:00 +0700", tick=False)
def test_my_work_lists_by_due_date_with_badges_and_filters(client, world, plan):
    late = make_work_item(plan, lead=world.bdv, title="Trễ", end=date(2018, 3, 31))
    soon = make_work_item(plan, lead=world.bdv, title="Sắp đến hạn", end=date(2018, 6, 30))
    later = make_work_item(
        plan, lead=world.btg, coordinating=world.bdv, title="Phối hợp", end=date(2018, 12, 31)
    )
    other = make_plan(world, number="113-KH/TU")
    make_work_item(other, lead=world.bdv, title="Kế hoạch khác", end=date(2018, 12, 1))
    client.force_login(world.agency)
    response = client.get(f"/plans/units/{world.bdv.pk}/work/")
    groups = response.context["groups"]
    assert [r["a"].work_item.title for r in groups["lead"]] == [
        "Trễ",
        "Sắp đến hạn",
        "Kế hoạch khác",
    ]
    assert [r["status"] for r in groups["lead"]] == ["overdue", "due_soon", "not_due"]
    assert [r["a"].work_item for r in groups["coordinating"]] == [later]
    body = response.content.decode()
    assert '<span class="badge s-overdue">Overdue, not done</span>' in body
    response = client.get(f"/plans/units/{world.bdv.pk}/work/?plan={plan.pk}&status=overdue")
    assert [r["a"].work_item for r in response.context["groups"]["lead"]] == [late]
    assert response.context["groups"]["coordinating"] == []
    assert soon


@time_machine.travel("2018-06-27 09:00 +0700", tick=False)
def test_my_work_can_include_the_units_under_it(client, world, plan):
    own = make_work_item(plan, lead=world.district1, title="Của huyện", end=date(2018, 9, 30))
    communes = make_work_item(
        plan, lead=[world.commune1a, world.commune1b], title="Của các xã", end=date(2018, 3, 31)
    )
    make_work_item(plan, lead=world.btg, coordinating=world.commune1b, title="Phối hợp xã")
    make_work_item(plan, lead=world.commune2a, title="Huyện khác")
    client.force_login(world.district)
    url = f"/plans/units/{world.district1.pk}/work/"
    response = client.get(url)
    body = response.content.decode()
    assert 'name="sub" value="1"' in body and "checked" not in body.split('name="sub"')[1][:30]
    assert [r["a"].work_item for r in response.context["groups"]["lead"]] == [own]
    response = client.get(url, {"sub": "1"})
    lead = [(r["a"].work_item.title, r["a"].unit.name) for r in response.context["groups"]["lead"]]
    assert lead == [
        ("Của các xã", "Xã Một A"),
        ("Của các xã", "Xã Một B"),
        ("Của huyện", "Huyện ủy Một"),
    ]
    coordinating = response.context["groups"]["coordinating"]
    assert [(r["a"].work_item.title, r["a"].unit.name) for r in coordinating] == [
        ("Phối hợp xã", "Xã Một B")
    ]
    body = response.content.decode()
    assert f'<a href="/plans/units/{world.commune1a.pk}/work/">Xã Một A</a>' in body
    response = client.get(url, {"sub": "1", "status": "overdue"})
    assert [r["a"].work_item for r in response.context["groups"]["lead"]] == [communes] * 2
    # A commune has no units under it: no checkbox.
    client.force_login(world.commune)
    body = client.get(f"/plans/units/{world.commune1a.pk}/work/").content.decode()
    assert 'name="sub"' not in body


@pytest.mark.parametrize("size", [1, 6])
def test_my_work_with_the_units_under_it_has_constant_queries(
    client, world, plan, size, django_assert_num_queries
):
    for n in range(size):
        make_work_item(plan, lead=world.commune1a, coordinating=world.district1, title=f"V{n}")
        make_work_item(make_plan(world), lead=world.commune1b, title=f"K{n}")
    client.force_login(world.district)
    # 10: the work items' plans filtered by the caller's reach as a sub-query (not
    # the reach and the home units fetched first).
    with django_assert_num_queries(10):
        response = client.get(f"/plans/units/{world.district1.pk}/work/", {"sub": "1"})
    assert len(response.context["groups"]["lead"]) == 2 * size


def test_my_work_is_refused_outside_reach(client, world, plan):
    client.force_login(world.commune)
    assert client.get(f"/plans/units/{world.bdv.pk}/work/").status_code == 404
    client.force_login(world.outsider)
    assert client.get(f"/plans/units/{world.bdv.pk}/work/").status_code == 404


def test_the_home_page_links_my_work_for_each_membership(client, world):
    client.force_login(world.district)
    body = client.get("/").content.decode()
    assert f"/plans/units/{world.district1.pk}/work/" in body


def test_the_units_tree_searches_with_or_without_diacritics(client, world):
    client.force_login(world.viewer)
    names = lambda r: [u.name for u in r.context["units"]]  # noqa: E731
    assert names(client.get("/units/?q=Xa Mot")) == []
    assert names(client.get("/units/?q=Xa Mot&ignore_accents=1")) == ["Xã Một A", "Xã Một B"]
    response = client.get("/units/?q=xã một a")
    assert names(response) == ["Xã Một A"]
    assert "Huyện ủy Một ›" in response.content.decode()
    assert names(client.get(f"/units/?q={world.bdv.code}")) == ["Ban Dân vận Tỉnh ủy"]
    assert "Huyện ủy Một" in names(client.get("/units/?kind=district"))
    assert all(u.kind == "district" for u in client.get("/units/?kind=district").context["units"])


def test_the_units_tree_filters_by_active_date(client, world):
    world.district2.active_to = date(2025, 6, 30)
    world.district2.save(update_fields=["active_to"])
    client.force_login(world.viewer)
    on_2018 = [u.name for u in client.get("/units/?active_on=01/01/2018").context["units"]]
    on_2026 = [u.name for u in client.get("/units/?active_on=01/01/2026").context["units"]]
    assert "Huyện ủy Hai" in on_2018
    assert "Huyện ủy Hai" not in on_2026
    response = client.get("/units/?active_on=2026-01-01")
    assert "Enter a date as dd/mm/yyyy" in response.content.decode()


def test_unit_detail_shows_lineage_and_members_to_admins_only(client, world):
    merged = make_unit("Xã Một", Unit.Kind.COMMUNE, world.district1)
    UnitLineage.objects.create(
        predecessor=world.commune1a, successor=merged, event="merged", effective=date(2025, 7, 1)
    )
    client.force_login(world.admin)
    body = client.get(f"/units/{world.commune1a.pk}/").content.decode()
    assert "merged into" in body and "Xã Một</a>" in body
    assert "Commune reporter" in body  # the memberships table
    client.force_login(world.coordinator)
    body = client.get(f"/units/{world.commune1a.pk}/").content.decode()
    assert "merged into" in body
    assert "Commune reporter" not in body
    body = client.get(f"/units/{merged.pk}/").content.decode()
    assert "Xã Một A</a> merged into" in body


@pytest.mark.parametrize(
    "role", ["agency", "district", "commune", "viewer", "official", "coordinator"]
)
def test_read_pages_open_for_roles_that_see_the_plan(client, world, plan, item, role):
    client.force_login(getattr(world, role))
    for url in [
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/matrix/",
        f"/plans/tasks/{item.task_id}/",
        f"/plans/work-items/{item.pk}/",
        f"/plans/{plan.pk}/history/",
    ]:
        assert client.get(url).status_code == 200, url


def test_read_pages_refuse_the_outsider(client, world, plan, item):
    client.force_login(world.outsider)
    for url in [
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/matrix/",
        f"/plans/tasks/{item.task_id}/",
        f"/plans/work-items/{item.pk}/",
        f"/units/{world.bdv.pk}/",
        f"/units/{world.bdv.pk}/history/",
    ]:
        assert client.get(url).status_code == 404, url


# Query counts -----------------------------------------------------------------


def _grow(world, plan, n):
    units = [world.bdv, world.sotttt, world.district1, world.district2, world.commune1a]
    for i in range(n):
        make_work_item(
            plan,
            lead=[units[i % 5], world.btg],
            coordinating=units[(i + 1) % 5],
            field=f"Lĩnh vực {i % 3}",
            task=f"Nhiệm vụ {i % 4}",
        )


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/plans/{plan}/",
        "/plans/{plan}/matrix/",
        "/plans/units/{bdv}/work/",
        "/units/",
        "/units/?q=xa&ignore_accents=1",
    ],
)
def test_pages_use_a_constant_number_of_queries(
    client, world, plan, url, django_assert_num_queries
):
    client.force_login(world.coordinator)
    url = url.format(plan=plan.pk, bdv=world.bdv.pk)
    _grow(world, plan, 2)
    client.get(url)  # Warm the session and caches.
    small = _queries(client, url)
    _grow(world, plan, 12)
    for i in range(6):
        make_unit(f"Xã mới {i}", Unit.Kind.COMMUNE, world.district2)
    with django_assert_num_queries(small):
        client.get(url)
    assert Assignment.objects.count() > 40


def test_long_unit_lists_fold_into_a_details_element(client, world, plan):
    many = [world.btg, world.bdv, world.sotttt, world.district1, world.district2]
    make_work_item(plan, lead=many[:3], coordinating=many[3:], title="Năm đơn vị")
    extra = [make_unit(f"Xã Thêm {n}", Unit.Kind.COMMUNE, world.district2) for n in range(3)]
    folded = make_work_item(plan, lead=many, coordinating=extra, title="Tám đơn vị")
    client.force_login(world.viewer)
    for url in (f"/plans/{plan.pk}/", f"/plans/tasks/{folded.task_id}/"):
        body = client.get(url).content.decode()
        assert body.count('<details class="more-units">') == 1
        assert '<summary aria-label="4 more units">+4</summary>' in body
        # Every unit is still on the page, the folded ones inside the details.
        details = body.split('<details class="more-units">')[1].split("</details>")[0]
        # Leads first, each role by unit name.
        assert "Sở TT&amp;TT" in details and "Xã Thêm 2" in details
        assert "Huyện ủy Một" not in details and "Huyện ủy Một" in body
        assert '<h3 class="sticky-head">' in body or url.startswith("/plans/tasks/")


def test_the_plan_list_labels_its_counts_for_phones(client, world, plan):
    make_work_item(plan, lead=world.btg)
    client.force_login(world.viewer)
    body = client.get("/plans/").content.decode()
    assert '<table class="stack">' in body
    assert '<td class="num" data-label="Tasks">1</td>' in body
