"""Ids the database cannot hold are field errors, never a 500 (each case was a 500)."""

import pytest

from theodoi.reporting.models import Inspection, ReportingPeriod

pytestmark = pytest.mark.django_db
JSON = "application/json"
SUPERSCRIPT = "³"  # "³".isdigit() is true, int("³") fails
PAST_64_BITS = "18446744073709551616"  # 2⁶⁴: SQLite overflows

PERIOD = {
    "code": "2018-GK",
    "title": "Giữa kỳ",
    "start": "2018-01-01",
    "end": "2018-03-31",
    "due": "2018-04-10",
}


@pytest.fixture
def coordinator(client, setup):
    client.force_login(setup.world.coordinator)
    return client


@pytest.mark.parametrize("url", ["/api/v1/periods", "/api/v1/rates", "/api/v1/inspections"])
@pytest.mark.parametrize("plan", [SUPERSCRIPT, "1²", PAST_64_BITS])
def test_a_plan_id_that_is_not_one_is_a_field_error(coordinator, url, plan):
    response = coordinator.get(url, {"plan": plan})
    assert response.status_code == 422, response.content
    assert set(response.json()["fields"]) == {"plan"}


@pytest.mark.parametrize("plan", [SUPERSCRIPT, PAST_64_BITS, int(PAST_64_BITS)])
def test_adding_a_period_with_such_a_plan_is_a_field_error(coordinator, plan):
    response = coordinator.post("/api/v1/periods", {**PERIOD, "plan": plan}, content_type=JSON)
    assert response.status_code == 422, response.content
    assert "plan" in response.json()["fields"]
    assert not ReportingPeriod.objects.filter(code="2018-GK").exists()


def test_recording_an_inspection_with_such_a_plan_is_a_field_error(coordinator, setup):
    body = {
        "plan": SUPERSCRIPT,
        "unit": setup.world.bdv.pk,
        "held_on": "2018-04-01",
        "team": "Đoàn",
        "scope": "Dân vận",
    }
    response = coordinator.post("/api/v1/inspections", body, content_type=JSON)
    assert response.status_code == 422
    assert "plan" in response.json()["fields"]
    response = coordinator.post(
        "/api/v1/inspections", {**body, "plan": setup.plan.pk, "unit": PAST_64_BITS},
        content_type=JSON,
    )  # fmt: skip
    assert response.status_code == 422
    assert "unit" in response.json()["fields"]
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("name", ["period", "unit"])
@pytest.mark.parametrize("value", [PAST_64_BITS, SUPERSCRIPT, "0"])
def test_report_filters_past_64_bits_are_field_errors(coordinator, name, value):
    response = coordinator.get("/api/v1/reports", {name: value})
    assert response.status_code == 422, response.content
    assert set(response.json()["fields"]) == {name}


def test_the_plan_number_still_finds_the_plan(coordinator, setup):
    for plan in ("112-KH/TU", str(setup.plan.pk), f" {setup.plan.pk} "):
        response = coordinator.get("/api/v1/periods", {"plan": plan})
        assert response.status_code == 200, plan
        assert response.json()["count"] == 3
    assert coordinator.get("/api/v1/periods", {"plan": "999-KH/TU"}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/reporting/plans/{SUPERSCRIPT}/",
        f"/reporting/periods/{PAST_64_BITS}/",
        f"/reporting/reports/{PAST_64_BITS}/",
        f"/reporting/inspections/{PAST_64_BITS}/",
        f"/reporting/exports/{PAST_64_BITS}/",
        f"/reporting/evidence/{PAST_64_BITS}/",
        f"/api/v1/reports/{PAST_64_BITS}",
        f"/api/v1/periods/{PAST_64_BITS}/rates",
        f"/api/v1/plans/{PAST_64_BITS}/schedule",
    ],
)
def test_pages_and_objects_past_64_bits_are_not_found(coordinator, url):
    assert coordinator.get(url).status_code == 404
