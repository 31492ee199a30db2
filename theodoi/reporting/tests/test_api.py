from datetime import date

import pytest
import time_machine

from theodoi.reporting import actions
from theodoi.testing import make_work_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(setup):
    return actions.do_start_report(setup.h1, setup.world.bdv)


def _as(client, user):
    client.force_login(user)
    return client


def test_periods_by_plan_number_or_id(client, setup):
    _as(client, setup.world.agency)
    response = client.get("/api/v1/periods", {"plan": "112-KH/TU"})
    assert response.status_code == 200
    codes = [p["code"] for p in response.json()["items"]]
    assert codes == ["2018-H1", "2018-H2", "2018"]
    assert (
        client.get("/api/v1/periods", {"plan": setup.plan.pk}).json()["items"][0]["due"]
        == "2018-07-10"
    )
    _as(client, setup.world.outsider)
    assert client.get("/api/v1/periods", {"plan": "112-KH/TU"}).status_code == 404


def test_unauthenticated_is_refused(client, setup):
    assert client.get("/api/v1/periods", {"plan": "112-KH/TU"}).status_code == 401


def test_reports_list_is_scoped_and_constant(client, setup, django_assert_num_queries):
    w = setup.world
    actions.do_start_report(setup.h1, w.bdv)
    actions.do_start_report(setup.h1, w.commune1a)
    _as(client, w.agency)
    assert [r["unit"] for r in client.get("/api/v1/reports").json()["items"]] == [w.bdv.pk]
    _as(client, w.coordinator)
    assert client.get("/api/v1/reports", {"period": setup.h1.pk}).json()["count"] == 2
    assert client.get("/api/v1/reports", {"unit": w.commune1a.pk}).json()["count"] == 1
    _as(client, w.outsider)
    assert client.get("/api/v1/reports").json() == {"count": 0, "items": []}
    _as(client, w.coordinator)
    client.get("/api/v1/reports")
    # The page and its count.
    with django_assert_num_queries(6):
        client.get("/api/v1/reports")
    actions.do_start_report(setup.h1, w.sotttt)
    with django_assert_num_queries(6):
        assert client.get("/api/v1/reports").json()["count"] == 3


def test_get_and_patch_with_version(client, setup, report):
    _as(client, setup.world.agency)
    data = client.get(f"/api/v1/reports/{report.pk}").json()
    assert [e["work_item"] for e in data["entries"]] == [setup.item1.pk, setup.item2.pk]
    body = {
        "version": data["version"],
        "entries": [{"work_item": setup.item2.pk, "status": "in_progress", "percent": 20}],
    }
    response = client.patch(f"/api/v1/reports/{report.pk}", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["version"] == data["version"] + 1
    assert response.json()["entries"][1]["percent"] == 20
    # The same version again: refused with the newer report.
    body["entries"][0]["percent"] = 25
    response = client.patch(f"/api/v1/reports/{report.pk}", body, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["current"]["entries"][1]["percent"] == 20


def test_field_errors_are_422_json(client, setup, report):
    _as(client, setup.world.agency)
    body = {"version": report.version, "entries": [{"work_item": setup.item1.pk, "percent": 101}]}
    response = client.patch(f"/api/v1/reports/{report.pk}", body, content_type="application/json")
    assert response.status_code == 422
    assert "percent" in next(iter(response.json()["fields"]))
    body = {
        "version": report.version,
        "entries": [{"work_item": setup.item1.pk, "status": "done_on_time", "percent": 50}],
    }
    response = client.patch(f"/api/v1/reports/{report.pk}", body, content_type="application/json")
    assert response.status_code == 422
    assert f"entries.{setup.item1.pk}.percent" in response.json()["fields"]
    response = client.patch(
        f"/api/v1/reports/{report.pk}", {"entries": []}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "version" in response.json()["fields"]
    response = client.patch(f"/api/v1/reports/{report.pk}", "nope", content_type="application/json")
    assert response.status_code in (400, 422)


@pytest.mark.parametrize(
    ("who", "status"), [("coordinator", 403), ("viewer", 403), ("outsider", 404), ("commune", 404)]
)
def test_patch_and_submit_are_for_the_unit_only(client, setup, report, who, status):
    _as(client, getattr(setup.world, who))
    body = {"version": report.version, "entries": []}
    assert (
        client.patch(
            f"/api/v1/reports/{report.pk}", body, content_type="application/json"
        ).status_code
        == status
    )
    assert client.post(f"/api/v1/reports/{report.pk}/submit").status_code == status


def test_workflow_through_the_api(client, setup, report):
    w = setup.world
    _as(client, w.agency)
    entries = [
        {"work_item": setup.item1.pk, "status": "done_on_time", "percent": 100, "results": "Xong"},
        {"work_item": setup.item2.pk, "status": "in_progress", "percent": 10, "results": "Đang"},
    ]
    with time_machine.travel(date(2018, 7, 12)):
        response = client.post(
            f"/api/v1/reports/{report.pk}/submit",
            {"entries": entries},
            content_type="application/json",
        )
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    assert client.post(f"/api/v1/reports/{report.pk}/submit").status_code == 409
    bad = client.post(
        f"/api/v1/reports/{report.pk}/submit", {"version": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert "version" in bad.json()["fields"]
    assert client.post(f"/api/v1/reports/{report.pk}/accept").status_code == 403
    _as(client, w.viewer)
    assert client.post(f"/api/v1/reports/{report.pk}/accept").status_code == 403
    _as(client, w.coordinator)
    response = client.post(
        f"/api/v1/reports/{report.pk}/return", {}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "comment" in response.json()["fields"]
    response = client.post(
        f"/api/v1/reports/{report.pk}/return",
        {"comment": "Bổ sung"},
        content_type="application/json",
    )
    assert response.json()["state"] == "returned"
    _as(client, w.agency)
    assert client.post(f"/api/v1/reports/{report.pk}/submit").json()["state"] == "submitted"
    _as(client, w.coordinator)
    assert client.post(f"/api/v1/reports/{report.pk}/accept").json()["state"] == "accepted"
    response = client.post(
        f"/api/v1/reports/{report.pk}/reopen", {"reason": ""}, content_type="application/json"
    )
    assert response.status_code == 422
    response = client.post(
        f"/api/v1/reports/{report.pk}/reopen",
        {"reason": "Sửa kinh phí"},
        content_type="application/json",
    )
    assert response.json()["state"] == "returned"
    _as(client, w.agency)
    body = {"version": response.json()["version"], "entries": []}
    assert (
        client.patch(
            f"/api/v1/reports/{report.pk}", body, content_type="application/json"
        ).status_code
        == 200
    )


def test_rates_never_exceed_100_percent(client, setup, report):
    w = setup.world
    with time_machine.travel(date(2018, 7, 5)):
        actions.do_submit_report(
            report,
            by=w.agency,
            data={
                setup.item1.pk: {"status": "in_progress", "percent": 50, "results": "x"},
                setup.item2.pk: {"status": "in_progress", "percent": 50, "results": "x"},
            },
        )
    # A report from a unit that owes nothing does not count.
    stray = actions.do_start_report(setup.h1, w.district2)
    actions.do_submit_report(stray, by=w.coordinator)
    with time_machine.travel(date(2018, 7, 15)):
        commune = actions.do_start_report(setup.h1, w.commune1a)
        actions.do_submit_report(
            commune,
            by=w.commune,
            data={setup.item3.pk: {"status": "done_late", "percent": 100, "results": "x"}},
        )
        _as(client, w.coordinator)
        data = client.get(f"/api/v1/periods/{setup.h1.pk}/rates").json()
    assert (data["expected"], data["received"], data["on_time"]) == (3, 2, 1)
    assert data["completeness"] == 66.7
    assert data["timeliness"] == 33.3
    states = {u["unit"]: u["state"] for u in data["units"]}
    assert states == {w.bdv.pk: "on_time", w.commune1a.pk: "late", w.sotttt.pk: "missing"}
    _as(client, w.agency)
    assert client.get(f"/api/v1/periods/{setup.h1.pk}/rates").status_code == 404


def test_export_starts_and_can_be_polled(client, setup, report):
    w = setup.world
    _as(client, w.agency)
    assert (
        client.post(
            f"/api/v1/periods/{setup.h1.pk}/exports",
            {"format": "docx"},
            content_type="application/json",
        ).status_code
        == 404
    )
    _as(client, w.viewer)
    assert (
        client.post(
            f"/api/v1/periods/{setup.h1.pk}/exports",
            {"format": "docx"},
            content_type="application/json",
        ).status_code
        == 403
    )
    _as(client, w.coordinator)
    response = client.post(
        f"/api/v1/periods/{setup.h1.pk}/exports", {"format": "pdf"}, content_type="application/json"
    )
    assert response.status_code == 422
    response = client.post(
        f"/api/v1/periods/{setup.h1.pk}/exports",
        {"format": "xlsx", "number": "15-BC/BTGTU"},
        content_type="application/json",
    )
    assert response.status_code == 202
    export = client.get(f"/api/v1/exports/{response.json()['id']}").json()
    assert export["state"] == "done"
    assert export["progress"] == 100
    download = client.get(export["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
    _as(client, w.outsider)
    assert client.get(f"/api/v1/exports/{export['id']}").status_code == 404
    assert client.get(export["download"]).status_code == 404


def test_reopen_wraps_more_work_items(client, setup):
    make_work_item(setup.plan, lead=setup.world.bdv)
    assert actions.do_start_report(setup.h1, setup.world.bdv).entries.count() == 3


def test_rates_over_a_range_of_periods(client, setup):
    w = setup.world
    with time_machine.travel(date(2018, 7, 5)):
        report = actions.do_start_report(setup.h1, w.bdv)
        actions.do_submit_report(report, by=w.agency)
    with time_machine.travel(date(2019, 1, 20)):
        _as(client, w.coordinator)
        data = client.get("/api/v1/rates", {"plan": "112-KH/TU"}).json()
        # H1 and the year: 3 expected each; H2: BDV alone. Only H1 of BDV came.
        assert data["periods"] == ["2018-H1", "2018-H2", "2018"]
        assert (data["expected"], data["received"], data["on_time"]) == (7, 1, 1)
        half = client.get("/api/v1/rates", {"plan": "112-KH/TU", "end": "2018-06-30"}).json()
        assert half["periods"] == ["2018-H1"]
        assert half["completeness"] == 33.3
        _as(client, w.agency)
        assert client.get("/api/v1/rates", {"plan": "112-KH/TU"}).status_code == 404


def test_the_openapi_document_lists_the_reporting_endpoints(client, setup):
    client.force_login(setup.world.coordinator)
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/periods",
        "/api/v1/reports",
        "/api/v1/reports/{report_id}",
        "/api/v1/reports/{report_id}/submit",
        "/api/v1/periods/{period_id}/rates",
        "/api/v1/periods/{period_id}/exports",
        "/api/v1/exports/{export_id}",
        "/api/v1/rates",
        "/api/v1/plans/{plan_id}/schedule",
        "/api/v1/reports/{report_id}/entries/{entry_id}/evidence",
        "/api/v1/evidence/{evidence_id}",
        "/api/v1/inspections",
        "/api/v1/inspections/{inspection_id}",
        "/api/v1/inspections/{inspection_id}/follow-ups",
        "/api/v1/follow-ups/{follow_up_id}/close",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/periods"]) == {"get", "post"}
    upload = paths["/api/v1/reports/{report_id}/entries/{entry_id}/evidence"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
