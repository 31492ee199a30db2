import json
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from theodoi.core.models import ApiToken
from theodoi.plans.models import Assignment, LegalDocument, WorkItem
from theodoi.testing import make_plan, make_unit, make_work_item
from theodoi.units.models import Unit

pytestmark = pytest.mark.django_db

TODAY = "2018-06-25"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", TODAY)


@pytest.fixture
def plan(world):
    plan = make_plan(world, number="112-KH/TU")
    basis = LegalDocument.objects.create(number="25-KH/TU", issued_on=date(2016, 5, 9))
    plan.legal_bases.add(basis)
    return plan


@pytest.fixture
def item(world, plan):
    return make_work_item(
        plan,
        lead=world.bdv,
        coordinating=world.sotttt,
        title="Tuyên truyền trên báo Lào Cai",
        end=date(2018, 6, 30),
    )


@pytest.fixture
def other_plan(world):
    """A plan of another province, with its own units."""
    other_btg = Unit.objects.get(name="Ban Tuyên giáo Tỉnh ủy Khác")
    from theodoi.plans.models import Plan, Programme

    programme = Programme.objects.create(
        code="9-ĐA/TU",
        title="Đề án khác",
        issuer=world.other_province,
        start_year=2016,
        end_year=2020,
    )
    plan = Plan.objects.create(
        programme=programme,
        number="7-KH/TU",
        issued_on=date(2018, 1, 2),
        year=2018,
        title="Kế hoạch khác",
        issuer=world.other_province,
        owner=other_btg,
    )
    make_work_item(plan, lead=other_btg)
    return plan


def _login(client, user):
    client.force_login(user)
    return client


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def _body(world, item, **changes):
    body = {
        "task": item.task_id,
        "title": "Tổ chức hội nghị báo cáo viên",
        "start": "2018-02-01",
        "end": "2018-12-31",
        "number": "3",
        "expected_output": "Hội nghị",
        "coordination_note": "Phối hợp với Sở TT&TT",
        "leads": [world.btg.pk],
        "coordinating": [world.sotttt.pk, world.district1.pk],
        "reason": "Bổ sung theo chỉ đạo",
    }
    body.update(changes)
    return body


# Auth, OpenAPI ---------------------------------------------------------------


def test_openapi_is_valid_json_listing_the_paths_and_docs_render(client, world):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for path in (
        "/api/v1/units",
        "/api/v1/units/{id}",
        "/api/v1/plans",
        "/api/v1/plans/{id}",
        "/api/v1/plans/{id}/matrix",
        "/api/v1/work-items",
        "/api/v1/work-items/{id}",
    ):
        assert path in paths
    assert {"get", "patch"} <= set(paths["/api/v1/work-items/{id}"])
    assert "post" in paths["/api/v1/work-items"]
    assert client.get("/api/docs").status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/v1/plans", "/api/v1/plans/1", "/api/v1/plans/1/matrix", "/api/v1/work-items"]
)
def test_every_endpoint_needs_authentication(client, world, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response.json()["message"] == "Hãy đăng nhập hoặc gửi mã truy cập (bearer token)."


def test_create_needs_authentication(client, world, item):
    assert _post(client, "/api/v1/work-items", _body(world, item)).status_code == 401
    assert _patch(client, f"/api/v1/work-items/{item.pk}", {"version": 1}).status_code == 401


def test_a_bearer_token_works_for_writes(client, world, item):
    _token, key = ApiToken.issue(world.coordinator)
    response = client.post(
        "/api/v1/work-items",
        json.dumps(_body(world, item)),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.content


def test_session_writes_need_the_csrf_token_and_bearer_writes_do_not(world, item):
    url = f"/api/v1/work-items/{item.pk}"
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.coordinator)
    response = _patch(browser, url, {"version": 1, "title": "Không có CSRF"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    _token, key = ApiToken.issue(world.coordinator)
    response = Client(enforce_csrf_checks=True).patch(
        url,
        json.dumps({"version": 1, "title": "Bằng mã truy cập"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200


# Plans -----------------------------------------------------------------------


def test_plans_list_visible_plans_with_counts(client, world, item, other_plan):
    make_work_item(item.task.plan, lead=world.btg, task="Nhiệm vụ hai")
    body = _login(client, world.commune).get("/api/v1/plans").json()
    assert body["count"] == 1
    (found,) = body["items"]
    assert found["number"] == "112-KH/TU"
    assert found["task_count"] == 2 and found["work_item_count"] == 2
    assert found["owner"]["name"] == "Ban Tuyên giáo Tỉnh ủy"
    body = _login(client, world.outsider).get("/api/v1/plans").json()
    assert [p["number"] for p in body["items"]] == ["7-KH/TU"]


def test_plans_filter_by_year(client, world, plan):
    make_plan(world, year=2019)
    client.force_login(world.coordinator)
    assert client.get("/api/v1/plans").json()["count"] == 2
    body = client.get("/api/v1/plans", {"year": 2018}).json()
    assert [p["number"] for p in body["items"]] == ["112-KH/TU"]


def test_plan_detail_has_programme_bases_and_the_tree(client, world, plan, item):
    body = _login(client, world.viewer).get(f"/api/v1/plans/{plan.pk}").json()
    assert body["programme"]["code"] == "17-ĐA/TU"
    assert body["issuer"]["name"] == "Tỉnh ủy Thử nghiệm"
    assert body["legal_bases"][0]["number"] == "25-KH/TU"
    (field,) = body["fields"]
    (task,) = field["tasks"]
    (work_item,) = task["work_items"]
    assert work_item["title"] == "Tuyên truyền trên báo Lào Cai"
    assert [u["name"] for u in work_item["leads"]] == ["Ban Dân vận Tỉnh ủy"]
    assert [u["name"] for u in work_item["coordinating"]] == ["Sở Thông tin và Truyền thông"]
    assert work_item["version"] == 1


def test_outsider_gets_404_on_another_provinces_plan(client, world, plan, item):
    client.force_login(world.outsider)
    for url in (f"/api/v1/plans/{plan.pk}", f"/api/v1/plans/{plan.pk}/matrix"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["message"] == "Không tìm thấy, hoặc nằm ngoài phạm vi bạn được xem."
    assert client.get("/api/v1/plans/424242").status_code == 404


def test_matrix_has_the_required_shape(client, world, plan, item):
    make_work_item(plan, lead=world.bdv, task="Nhiệm vụ hai", coordinating=[world.btg])
    make_work_item(plan, lead=world.bdv, task="Nhiệm vụ hai")
    body = _login(client, world.coordinator).get(f"/api/v1/plans/{plan.pk}/matrix").json()
    rows = {r["unit"]["name"]: r for r in body["units"]}
    bdv = rows["Ban Dân vận Tỉnh ủy"]
    assert bdv["unit"] == {"id": world.bdv.pk, "code": world.bdv.code, "name": world.bdv.name}
    assert (bdv["tasks_led"], bdv["work_items_led"], bdv["work_items_coordinated"]) == (2, 3, 0)
    assert rows["Ban Tuyên giáo Tỉnh ủy"]["work_items_coordinated"] == 1
    assert rows["Sở Thông tin và Truyền thông"]["work_items_coordinated"] == 1
    assert len(body["tasks"]) == 2


# Work items: reading ---------------------------------------------------------


def test_work_item_detail(client, world, item):
    body = _login(client, world.agency).get(f"/api/v1/work-items/{item.pk}").json()
    assert body["plan"] == item.task.plan_id
    assert body["task"]["id"] == item.task_id
    assert body["field"]["name"] == "Công tác tuyên truyền"
    assert (body["start"], body["end"], body["version"]) == ("2018-01-15", "2018-06-30", 1)
    assert body["deadline_status"] == "due_soon"
    assert body["assignments"][0]["status"] == "not_started"


def test_outsider_gets_404_on_a_work_item(client, world, item):
    client.force_login(world.outsider)
    assert client.get(f"/api/v1/work-items/{item.pk}").status_code == 404
    assert client.get("/api/v1/work-items").json()["count"] == 0
    assert client.get("/api/v1/work-items", {"view": "summary"}).json() == {"items": [], "count": 0}
    response = _patch(client, f"/api/v1/work-items/{item.pk}", {"version": 1, "title": "x"})
    assert response.status_code == 404


@pytest.fixture
def items(world, plan):
    """Four work items with different leads, ends and statuses (today is 25/06/2018)."""
    late = make_work_item(plan, lead=world.bdv, title="Quá hạn", end=date(2018, 3, 31))
    soon = make_work_item(
        plan,
        lead=world.district1,
        coordinating=world.bdv,
        title="Sắp đến hạn",
        end=date(2018, 6, 30),
    )
    done = make_work_item(plan, lead=world.bdv, title="Đã xong", end=date(2018, 4, 30))
    done.assignments.update(status=Assignment.Status.DONE, completed_on=date(2018, 4, 20))
    later = make_work_item(
        plan, lead=[world.district1, world.district2], title="Cuối năm", end=date(2018, 12, 31)
    )
    Assignment.objects.filter(work_item=later, unit=world.district2).update(
        status=Assignment.Status.IN_PROGRESS
    )
    return {"late": late, "soon": soon, "done": done, "later": later}


def _titles(response):
    assert response.status_code == 200, response.content
    return [i["title"] for i in response.json()["items"]]


def test_work_items_filters(client, world, items, other_plan):
    client.force_login(world.coordinator)
    get = lambda **p: _titles(client.get("/api/v1/work-items", p))  # noqa: E731
    assert get() == ["Quá hạn", "Đã xong", "Sắp đến hạn", "Cuối năm"]
    assert get(unit=world.bdv.pk) == ["Quá hạn", "Đã xong", "Sắp đến hạn"]
    assert get(unit=world.bdv.pk, status="done") == ["Đã xong"]
    assert get(status="overdue") == ["Quá hạn"]
    assert get(status="due_soon") == ["Sắp đến hạn"]
    assert get(unit=world.bdv.pk, status="due_soon") == []  # BDV only coordinates it
    assert get(status="in_progress") == ["Cuối năm"]
    assert get(unit=world.district1.pk, status="in_progress") == []
    assert get(unit=world.district2.pk, status="in_progress") == ["Cuối năm"]
    assert get(due_before="2018-04-30") == ["Quá hạn", "Đã xong"]
    assert get(plan=other_plan.pk) == []
    assert get(plan=items["late"].task.plan_id, due_before="2018-03-31") == ["Quá hạn"]


def test_work_items_paginate(client, world, items):
    client.force_login(world.coordinator)
    body = client.get("/api/v1/work-items", {"page_size": 3}).json()
    assert body["count"] == 4 and len(body["items"]) == 3
    body = client.get("/api/v1/work-items", {"page_size": 3, "page": 2}).json()
    assert [i["title"] for i in body["items"]] == ["Cuối năm"]
    assert client.get("/api/v1/work-items", {"page": 5}).json()["items"] == []
    assert client.get("/api/v1/work-items", {"page_size": 101}).status_code == 422


@pytest.mark.parametrize(
    "params",
    [
        {"status": "late"},
        {"due_before": "31/12/2018"},
        {"due_before": "0"},
        {"due_before": "20181231"},
        {"unit": "BDV"},
        {"plan": -1},
        {"page": "x"},
    ],
)
def test_work_items_refuse_bad_filters(client, world, params):
    response = _login(client, world.coordinator).get("/api/v1/work-items", params)
    assert response.status_code == 422
    assert set(response.json()["fields"]) == set(params)


@pytest.mark.parametrize("size", [2, 10])
def test_list_queries_do_not_grow(client, world, plan, django_assert_num_queries, size):
    for n in range(size):
        make_work_item(
            plan,
            lead=[world.bdv, world.district1],
            coordinating=world.btg,
            task=f"Nhiệm vụ {n % 3}",
        )
    client.force_login(world.coordinator)
    # 5: the session, its account, the memberships, the page with its count (a window
    # count; the caller's reach a sub-query of it), the assignments.
    with django_assert_num_queries(5):
        assert client.get("/api/v1/work-items").json()["count"] == size
    with django_assert_num_queries(5):  # the count and the page, the reach in each
        assert client.get("/api/v1/plans").json()["count"] == 1
    with django_assert_num_queries(10):
        client.get(f"/api/v1/plans/{plan.pk}")
    with django_assert_num_queries(9):
        client.get(f"/api/v1/plans/{plan.pk}/matrix")


@pytest.mark.parametrize("size", [2, 10])
def test_token_requests_take_three_queries(client, world, plan, django_assert_num_queries, size):
    """With a bearer token: the token with its account, memberships and units (one
    query), the work items with the caller's reach as a sub-query, their assignments
    (for one work item, in the same query)."""
    for _n in range(size):
        make_work_item(plan, lead=[world.bdv, world.district1], coordinating=world.btg)
    item = WorkItem.objects.filter(task__plan=plan).first()
    ApiToken.objects.all().delete()
    _token, key = ApiToken.issue(world.coordinator)
    headers = {"Authorization": f"Bearer {key}"}
    client.get("/api/v1/work-items", headers=headers)  # records the token's first use
    with django_assert_num_queries(3):
        body = client.get("/api/v1/work-items", {"unit": world.bdv.pk}, headers=headers).json()
    assert body["count"] == size
    with django_assert_num_queries(3):
        params = {"unit": world.bdv.pk, "view": "summary"}
        body = client.get("/api/v1/work-items", params, headers=headers).json()
    assert body["count"] == size and "assignments" not in body["items"][0]
    with django_assert_num_queries(2):
        got = client.get(f"/api/v1/work-items/{item.pk}", headers=headers)
    assert got.json()["id"] == item.pk
    assert len(got.json()["assignments"]) == 3
    # Outside the caller's reach: 404 in as many queries.
    _token, outsider = ApiToken.issue(world.outsider)
    headers = {"Authorization": f"Bearer {outsider}"}
    client.get("/api/v1/work-items", headers=headers)
    with django_assert_num_queries(2):
        assert client.get(f"/api/v1/work-items/{item.pk}", headers=headers).status_code == 404


def test_a_token_of_an_account_without_memberships_still_signs_in(client, world):
    from django.contrib.auth.models import User

    lonely = User.objects.create_user("lonely", password="x-password-123")
    _token, key = ApiToken.issue(lonely)
    response = client.get("/api/v1/auth/whoami", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.json()["roles"] == []
    assert (
        client.get("/api/v1/work-items", headers={"Authorization": f"Bearer {key}"}).json()["count"]
        == 0
    )
    lonely.is_active = False
    lonely.save()
    assert (
        client.get("/api/v1/auth/whoami", headers={"Authorization": f"Bearer {key}"}).status_code
        == 401
    )


# Work items: writing -----------------------------------------------------------


def test_coordinator_creates_a_work_item(client, world, item):
    response = _post(_login(client, world.coordinator), "/api/v1/work-items", _body(world, item))
    assert response.status_code == 201, response.content
    body = response.json()
    assert [u["id"] for u in body["leads"]] == [world.btg.pk]
    assert {u["id"] for u in body["coordinating"]} == {world.sotttt.pk, world.district1.pk}
    assert body["version"] == 1
    created = WorkItem.objects.get(pk=body["id"])
    record = created.history.first()
    assert record.history_user == world.coordinator
    assert record.history_change_reason == "Bổ sung theo chỉ đạo"


@pytest.mark.parametrize("persona", ["agency", "district", "commune", "viewer", "official"])
def test_other_roles_get_403_on_create_and_update(client, world, item, persona):
    client.force_login(getattr(world, persona))
    response = _post(client, "/api/v1/work-items", _body(world, item))
    assert response.status_code == 403
    assert response.json()["message"] == (
        "Chỉ cán bộ đầu mối theo dõi kế hoạch mới được thêm nhóm đầu công việc."
    )
    response = _patch(client, f"/api/v1/work-items/{item.pk}", {"version": 1, "title": "Đổi"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title == "Tuyên truyền trên báo Lào Cai"


def test_outsider_cannot_create_in_another_province(client, world, item):
    response = _post(_login(client, world.outsider), "/api/v1/work-items", _body(world, item))
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"task"}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"start": "2018-13-01"}, {"start"}),
        ({"end": 20181231}, {"end"}),
        ({"end": 0}, {"end"}),
        ({"start": "2018-02-01T00:00:00"}, {"start"}),
        ({"leads": "BTG"}, {"leads"}),
        ({"task": "một"}, {"task"}),
        ({"title": ["x"]}, {"title"}),
        ({"end": "2018-01-01"}, {"end"}),
        ({"start": "2017-12-01"}, {"start"}),
        ({"end": "2019-01-31"}, {"end"}),
        ({"leads": [], "coordinating": []}, {"leads"}),
        ({"coordinating": ["__BTG__"]}, {"coordinating"}),
        ({"leads": [999999]}, {"leads"}),
        ({"coordinating": [2**70]}, {"coordinating.0"}),
        ({"task": 999999}, {"task"}),
        ({"title": "x" * 501}, {"title"}),
        ({"reason": "x" * 101}, {"reason"}),
        ({"title": "nul\x00char"}, {"title"}),
    ],
)
def test_create_refuses_bad_input_with_field_errors(client, world, item, changes, fields):
    body = _body(world, item, **changes)
    if changes.get("coordinating") == ["__BTG__"]:
        body["coordinating"] = [world.btg.pk]  # both lead and coordinator
    response = _post(_login(client, world.coordinator), "/api/v1/work-items", body)
    assert response.status_code == 422, response.content
    assert set(response.json()["fields"]) == fields
    assert WorkItem.objects.count() == 1


def test_error_messages_are_vietnamese_and_precise(client, world, item):
    body = _body(world, item, end="2018-01-01", coordinating=[world.btg.pk, 888888])
    response = _post(_login(client, world.coordinator), "/api/v1/work-items", body)
    fields = response.json()["fields"]
    assert response.json()["message"] == "Dữ liệu nhập vào không hợp lệ."
    assert fields["end"] == "Ngày kết thúc không được trước ngày bắt đầu."
    assert "888888" in fields["coordinating"]
    assert "Ban Tuyên giáo Tỉnh ủy" in fields["coordinating"]


def test_a_unit_of_another_province_is_unknown(client, world, item, other_plan):
    other = Unit.objects.get(name="Ban Tuyên giáo Tỉnh ủy Khác")
    body = _body(world, item, leads=[other.pk])
    response = _post(_login(client, world.coordinator), "/api/v1/work-items", body)
    assert response.status_code == 422
    assert str(other.pk) in response.json()["fields"]["leads"]


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", ""])
def test_create_refuses_malformed_bodies(client, world, raw):
    client.force_login(world.coordinator)
    response = client.post("/api/v1/work-items", raw, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["message"]


def test_coordinator_updates_with_version_and_reason(client, world, item):
    client.force_login(world.coordinator)
    response = _patch(
        client,
        f"/api/v1/work-items/{item.pk}",
        {"version": 1, "title": "Tên mới", "leads": [world.btg.pk], "reason": "Điều chỉnh"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert body["title"] == "Tên mới"
    assert [u["id"] for u in body["leads"]] == [world.btg.pk]
    # Fields left out keep their values.
    assert [u["id"] for u in body["coordinating"]] == [world.sotttt.pk]
    assert body["end"] == "2018-06-30"
    item.refresh_from_db()
    assert item.history.first().history_change_reason == "Điều chỉnh"


def test_update_with_a_stale_version_is_409_with_the_newer_values(client, world, item):
    client.force_login(world.coordinator)
    url = f"/api/v1/work-items/{item.pk}"
    assert _patch(client, url, {"version": 1, "title": "Bản thứ nhất"}).status_code == 200
    response = _patch(client, url, {"version": 1, "title": "Bản thứ hai"})
    assert response.status_code == 409
    body = response.json()
    assert body["message"].startswith("Người khác đã lưu")
    assert body["current"]["title"] == "Bản thứ nhất"
    assert body["current"]["version"] == 2
    item.refresh_from_db()
    assert item.title == "Bản thứ nhất"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"title": "Không có phiên bản"}, {"version"}),
        ({"version": "một"}, {"version"}),
        ({"version": 1, "title": None}, {"title"}),
        ({"version": 1, "end": "2018-01-01"}, {"end"}),
        ({"version": 1, "start": "2019-01-01", "end": "2019-02-01"}, {"start", "end"}),
        ({"version": 1, "coordinating": [0]}, {"coordinating.0"}),
        ({"version": 1, "coordinating": []}, set()),
        ({"version": 1, "leads": [-7]}, {"leads.0"}),
    ],
)
def test_update_refuses_bad_input(client, world, item, body, fields):
    client.force_login(world.coordinator)
    response = _patch(client, f"/api/v1/work-items/{item.pk}", body)
    if not fields:
        assert response.status_code == 200
        return
    assert response.status_code == 422, response.content
    assert set(response.json()["fields"]) == fields
    item.refresh_from_db()
    assert item.version == 1


def test_update_refuses_a_unit_both_lead_and_coordinator(client, world, item):
    client.force_login(world.coordinator)
    response = _patch(
        client, f"/api/v1/work-items/{item.pk}", {"version": 1, "coordinating": [world.bdv.pk]}
    )
    assert response.status_code == 422
    assert "Ban Dân vận Tỉnh ủy" in response.json()["fields"]["coordinating"]


def test_english_when_chosen(client, world, item, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.coordinator)
    response = _patch(client, f"/api/v1/work-items/{item.pk}", {"version": 1, "end": "2018-01-01"})
    assert response.json()["message"] == "The input is not valid."
    assert response.json()["fields"]["end"] == "The end date cannot be before the start date."


def test_a_unit_added_later_can_be_assigned(client, world, item):
    commune = make_unit("Xã Hai B", Unit.Kind.COMMUNE, world.district2)
    client.force_login(world.coordinator)
    response = _patch(
        client, f"/api/v1/work-items/{item.pk}", {"version": 1, "coordinating": [commune.pk]}
    )
    assert response.status_code == 200
    assert [u["name"] for u in response.json()["coordinating"]] == ["Xã Hai B"]


def test_input_errors_are_translated_per_field(client, world, item):
    body = _body(world, item, start="05/01/2018", end=0, title="x" * 600, leads=["BTG"])
    del body["task"]
    response = _post(_login(client, world.coordinator), "/api/v1/work-items", body)
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "task": "Trường này là bắt buộc.",
        "start": "Nhập ngày hợp lệ theo dạng YYYY-MM-DD.",
        "end": "Nhập ngày hợp lệ theo dạng YYYY-MM-DD.",
        "title": "Nhập tối đa 500 ký tự.",
        "leads.0": "Nhập một số nguyên.",
    }


def test_a_unit_that_did_not_exist_during_the_work_item_is_refused(client, world, item):
    world.district1.active_to = date(2018, 3, 31)
    world.district1.save()
    client.force_login(world.coordinator)
    body = _body(world, item, start="2018-05-01", end="2018-12-31")
    response = _post(client, "/api/v1/work-items", body)
    assert response.status_code == 422, response.content
    assert response.json()["fields"] == {
        "coordinating": "Huyện ủy Một không tồn tại trong thời gian của nhóm đầu công việc này "
        "(01/05/2018–31/12/2018): đơn vị chỉ tồn tại đến 31/03/2018."
    }
    assert WorkItem.objects.count() == 1
    # Within its lifetime it is accepted; moving the dates past it is refused.
    response = _post(client, "/api/v1/work-items", _body(world, item, end="2018-03-31"))
    assert response.status_code == 201, response.content
    url = f"/api/v1/work-items/{response.json()['id']}"
    response = _patch(client, url, {"version": 1, "start": "2018-04-01", "end": "2018-04-30"})
    assert response.status_code == 422
    assert "Huyện ủy Một" in response.json()["fields"]["coordinating"]


def test_api_changes_record_who_and_why_on_the_assignments(client, world, item):
    client.force_login(world.coordinator)
    body = {"version": 1, "leads": [world.btg.pk], "reason": "Đổi chủ trì"}
    assert _patch(client, f"/api/v1/work-items/{item.pk}", body).status_code == 200
    records = Assignment.history.filter(work_item_id=item.pk, history_user__isnull=False)
    assert {(r.history_type, r.unit_id) for r in records} == {
        ("-", world.bdv.pk),
        ("+", world.btg.pk),
    }
    assert {(r.history_user, r.history_change_reason) for r in records} == {
        (world.coordinator, "Đổi chủ trì")
    }


# begin perf
def test_work_items_answer_what_the_schema_makes_of_them(client, world, items):
    """The list and the item endpoint build their JSON by hand (no per-row
    validation): it is exactly what WorkItemOut makes of the same work items."""
    from theodoi.plans.api import WorkItemOut, _work_items

    client.force_login(world.coordinator)
    Assignment.objects.filter(work_item=items["done"]).update(completed_on=date(2018, 5, 2))
    body = client.get("/api/v1/work-items").json()
    assert body["count"] == 4
    for got in body["items"]:
        expected = WorkItemOut.from_orm(_work_items().get(pk=got["id"])).model_dump(mode="json")
        assert got == expected
        assert list(got) == list(expected)  # the schema's order too
        assert client.get(f"/api/v1/work-items/{got['id']}").json() == expected


def test_the_summary_view_answers_what_its_schema_makes_of_them(client, world, items):
    """``view=summary``: what WorkItemBrief makes of each work item, in the full
    list's order and with its count, a subset of the full shape, and smaller."""
    from theodoi.plans.api import WorkItemBrief, _work_items

    client.force_login(world.coordinator)
    Assignment.objects.filter(work_item=items["done"]).update(completed_on=date(2018, 5, 2))
    full = client.get("/api/v1/work-items", {"page_size": 3, "page": 2})
    summary = client.get("/api/v1/work-items", {"page_size": 3, "page": 2, "view": "summary"})
    assert summary.status_code == 200
    body = summary.json()
    assert body["count"] == full.json()["count"] == 4
    assert [i["id"] for i in body["items"]] == [i["id"] for i in full.json()["items"]]
    for got, whole in zip(body["items"], full.json()["items"], strict=True):
        expected = WorkItemBrief.from_orm(_work_items().get(pk=got["id"])).model_dump(mode="json")
        assert got == expected
        assert list(got) == list(expected)  # the schema's order too
        assert {key: whole[key] for key in got} == got
    every = client.get("/api/v1/work-items", {"view": "summary"}).json()["items"]
    assert {i["deadline_status"] for i in every} == {"overdue", "due_soon", "done_late", "not_due"}
    assert len(summary.content) < len(full.content) / 2
    assert client.get("/api/v1/work-items", {"view": "all"}).status_code == 422


def test_the_list_documents_both_views():
    from theodoi.api import api

    document = api.get_openapi_schema()
    operation = document["paths"]["/api/v1/work-items"]["get"]
    view = next(p for p in operation["parameters"] if p["name"] == "view")
    assert view["schema"]["enum"] == ["full", "summary"]
    answers = operation["responses"][200]["content"]["application/json"]["schema"]["anyOf"]
    assert {a["$ref"].rsplit("/", 1)[1] for a in answers} == {
        "PagedWorkItemOut",
        "PagedWorkItemBrief",
    }


def test_writes_answer_what_the_schema_makes_of_the_saved_work_item(client, world, item):
    """Create and update answer from what they wrote (not a second read of the
    work item): the same JSON as WorkItemOut of the work item read back, and
    no query for the assignments a new work item cannot have yet."""
    from theodoi.plans.api import WorkItemOut, _work_items

    client.force_login(world.coordinator)
    with CaptureQueriesContext(connection) as queries:
        created = _post(client, "/api/v1/work-items", _body(world, item))
    assert created.status_code == 201, created.content
    assert not [
        q
        for q in queries.captured_queries
        if 'FROM "plans_assignment"' in q["sql"]
        and "INSERT" not in q["sql"]
        and "JOIN" not in q["sql"]
    ]
    got = created.json()
    expected = WorkItemOut.from_orm(_work_items().get(pk=got["id"])).model_dump(mode="json")
    assert got == expected and list(got) == list(expected)
    body = {
        "version": 1,
        "title": "  Hội nghị (sửa)  ",
        "leads": [world.sotttt.pk],
        "coordinating": [world.btg.pk],
    }
    updated = _patch(client, f"/api/v1/work-items/{got['id']}", body)
    assert updated.status_code == 200, updated.content
    expected = WorkItemOut.from_orm(_work_items().get(pk=got["id"])).model_dump(mode="json")
    assert updated.json() == expected and expected["version"] == 2
    assert expected["title"] == "Hội nghị (sửa)"


def test_api_json_is_utf8_not_escaped(client, world, items):
    client.force_login(world.coordinator)
    response = client.get("/api/v1/work-items")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Quá hạn".encode() in response.content and b"\\u" not in response.content
    assert "Tuyên giáo".encode() in client.get("/api/v1/plans").content  # the renderer
    # pydantic-core writes the bytes json.dumps would (no spaces, UTF-8 as it is).
    assert (
        response.content
        == json.dumps(response.json(), ensure_ascii=False, separators=(",", ":")).encode()
    )


# end perf


# begin perf
def test_a_repeat_list_costs_a_304_and_never_crosses_users(client, world, items):
    client.force_login(world.coordinator)
    first = client.get("/api/v1/work-items")
    assert first.status_code == 200 and first["ETag"]
    assert "private" in first["Cache-Control"]
    assert "Authorization" in first["Vary"] and "Cookie" in first["Vary"]
    again = client.get("/api/v1/work-items", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    # A change is a new answer.
    items["late"].title = "Quá hạn (sửa)"
    items["late"].save()
    assert client.get("/api/v1/work-items", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    # Another caller's copy is not this caller's: an outsider sees no work item.
    client.force_login(world.outsider)
    other = client.get("/api/v1/work-items", HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200 and other.json()["count"] == 0


# end perf


@pytest.mark.parametrize("positions", ["distinct", "shared"])
def test_a_create_answers_its_units_in_the_list_order(
    client, world, item, positions, django_assert_num_queries
):
    """A create answers from what it wrote without reading its assignments back when
    the units' positions order them; units sharing a position (the database's
    collation of names decides) are read back. Either way: what WorkItemOut makes
    of the work item read again."""
    from theodoi.plans.api import WorkItemOut, _work_items

    units = [world.btg, world.bdv, world.sotttt, world.district1, world.district2]
    for n, unit in enumerate(units):
        unit.position = (len(units) - n) if positions == "distinct" else 7
        unit.save()
    body = _body(
        world,
        item,
        leads=[world.sotttt.pk, world.btg.pk],
        coordinating=[world.district1.pk, world.bdv.pk, world.district2.pk],
    )
    client.force_login(world.coordinator)
    # The session, its account and memberships; the task with its plan and whether
    # the plan is issued; the units named, the plan's issuer and owner and the user's
    # own units, each with the units above it (one query); the work item's number; the
    # work item, its history row, its assignments and theirs (4 inserts for 5 units);
    # the assignments read back only when positions are shared.
    with django_assert_num_queries(12 if positions == "distinct" else 13):
        created = _post(client, "/api/v1/work-items", body)
    assert created.status_code == 201, created.content
    got = created.json()
    expected = WorkItemOut.from_orm(_work_items().get(pk=got["id"])).model_dump(mode="json")
    assert got == expected and list(got) == list(expected)
    assert [u["id"] for u in got["leads"]] == (
        [world.sotttt.pk, world.btg.pk]
        if positions == "distinct"
        else [u["id"] for u in got["leads"]]
    )
