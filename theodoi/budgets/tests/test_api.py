import pytest

from theodoi.budgets.models import DetailedPlan

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_file_return_fix_approve_through_the_api(client, setup):
    w = setup.world
    url = f"/api/v1/plans/{setup.plan.pk}/budgets"
    _as(client, w.agency)
    response = _post(client, url, {"lines": [
        {"work_item": setup.item1.pk, "activity": "In tờ rơi", "amount": "12.500.000",
         "source": "provincial", "timing": "Quý II", "output": "5.000 tờ"},
    ]})  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["unit"]["name"] == "Ban Dân vận Tỉnh ủy"
    assert body["total"] == 12_500_000 and body["lines"][0]["amount"] == 12_500_000
    dp_id, version = body["id"], body["version"]
    response = _post(client, f"/api/v1/budgets/{dp_id}/submit", {"version": version})
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    version = response.json()["version"]
    # The agency may not decide on its own plan.
    assert _post(client, f"/api/v1/budgets/{dp_id}/approve", {}).status_code == 403
    _as(client, w.coordinator)
    response = _post(client, f"/api/v1/budgets/{dp_id}/return", {"version": version})
    assert response.status_code == 422 and "comment" in response.json()["fields"]
    response = _post(client, f"/api/v1/budgets/{dp_id}/approve", {"version": version - 1})
    assert response.status_code == 409 and response.json()["current"]["version"] == version
    response = _post(client, f"/api/v1/budgets/{dp_id}/return",
                     {"version": version, "comment": "Thiếu hội nghị báo cáo viên"})  # fmt: skip
    assert response.json()["state"] == "returned"
    version = response.json()["version"]
    _as(client, w.agency)
    response = client.put(f"/api/v1/budgets/{dp_id}/lines", {"version": version, "lines": [
        {"work_item": setup.item1.pk, "activity": "In tờ rơi", "amount": 12_500_000},
        {"work_item": setup.item2.pk, "activity": "Hội nghị", "amount": "20.000.000"},
    ]}, content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["total"] == 32_500_000
    version = response.json()["version"]
    assert _post(client, f"/api/v1/budgets/{dp_id}/submit", {"version": version}).status_code == 200
    _as(client, w.coordinator)
    response = _post(client, f"/api/v1/budgets/{dp_id}/approve", {})
    assert response.json()["state"] == "approved"
    response = client.get(f"/api/v1/plans/{setup.plan.pk}/budget-summary", {"by": "field"})
    assert response.status_code == 200
    assert {r["label"]: r["estimate"] for r in response.json()["rows"]} == {
        "Công tác tuyên truyền": 12_500_000, "Công tác dân vận": 20_000_000}  # fmt: skip
    _as(client, w.agency)  # an agency reads its own plan, not the plan-wide summary
    assert client.get(f"/api/v1/budgets/{dp_id}").status_code == 200
    assert client.get(f"/api/v1/plans/{setup.plan.pk}/budget-summary").status_code == 403


def test_bad_input_is_refused_at_the_field(client, setup):
    w = setup.world
    _as(client, w.agency)
    url = f"/api/v1/plans/{setup.plan.pk}/budgets"
    response = _post(client, url, {"lines": [
        {"work_item": setup.item3.pk, "activity": "Việc của xã", "amount": 1000}]})  # fmt: skip
    assert response.status_code in (400, 422)
    assert "lines.0.work_item" in response.json()["fields"]
    response = _post(client, url, {"lines": [
        {"work_item": setup.item1.pk, "activity": "X", "amount": "12,5"}]})  # fmt: skip
    assert response.status_code == 422
    response = _post(client, url, {"unit": w.commune1a.pk})
    assert response.status_code == 422 and "unit" in response.json()["fields"]
    assert not DetailedPlan.objects.exists()
    _as(client, w.outsider)
    assert _post(client, url, {}).status_code == 404


def test_list_is_scoped_and_constant(client, setup, django_assert_max_num_queries):
    w = setup.world
    setup.approved(w.bdv, setup.bdv_lines())
    _as(client, w.coordinator)
    url = f"/api/v1/plans/{setup.plan.pk}/budgets"
    with django_assert_max_num_queries(12):
        first = client.get(url).json()
    from theodoi.budgets.actions import LineIn

    setup.approved(w.commune1a, [LineIn(setup.item3.pk, "Tuyên truyền", 5_000_000)])
    with django_assert_max_num_queries(12):
        second = client.get(url).json()
    assert (first["count"], second["count"]) == (1, 2)
    assert second["items"][0]["total"] == 32_500_000
    _as(client, w.commune)
    assert [i["unit"]["name"] for i in client.get(url).json()["items"]] == ["Xã Một A"]
