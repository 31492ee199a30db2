import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from theodoi.core.clock import fixed_today
from theodoi.testing import make_unit, make_work_item
from theodoi.thidua import actions
from theodoi.units.models import Unit

from .conftest import TODAY

pytestmark = pytest.mark.django_db
URL = "/api/v1/thidua/rankings"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def today():
    with fixed_today(TODAY):
        yield


def test_the_ranking_with_its_components_weights_and_rules(setup, today):
    w = setup.world
    body = client_for(w.agency).get(URL, {"period": "2018-H1", "level": "agency"}).json()
    assert body["state"] == "draft" and body["count"] == 3
    assert body["weights"]["work_on_time"] == 40 and not body["weights_set"]
    assert {c["key"] for c in body["components"]} == set(body["weights"])
    assert all(c["rule"] and c["normalisation"] for c in body["components"])
    assert body["tie_rule"] and body["score_rule"]
    first = body["items"][0]
    assert (first["rank"], first["unit"], first["score"]) == (1, w.bdv.pk, "80.00")
    assert first["explanation"].startswith(f"/thidua/units/{w.bdv.pk}/")
    work = next(x for x in first["components"] if x["key"] == "work_on_time")
    assert (work["numerator"], work["denominator"], work["value"]) == (1, 2, "50.00")
    page = client_for(w.agency).get(URL, {"period": "2018-H1", "page_size": 2, "page": 2}).json()
    assert page["count"] == 3 and [i["name"] for i in page["items"]] == [w.btg.name]


def test_bad_input_is_named_and_other_provinces_are_not_seen(setup, today):
    w = setup.world
    bad = client_for(w.coordinator).get(URL, {"period": "2018-Q1"})
    assert bad.status_code in (400, 422) and "period" in bad.json()["fields"]
    assert client_for(w.coordinator).get(URL, {"period": "2018", "level": "x"}).status_code == 422
    other = client_for(w.outsider).get(URL, {"period": "2018-H1", "province": w.province.pk})
    assert other.status_code == 404
    own = client_for(w.outsider).get(URL, {"period": "2018-H1"}).json()
    assert own["province"] == w.other_province.pk and own["count"] == 1


def test_close_and_reopen_refused_by_role(setup, today):
    w = setup.world
    year = actions.emulation_year(w.province, 2018)
    url = f"/api/v1/thidua/years/{year.pk}"
    for user in (w.agency, w.viewer, w.district, w.commune, w.admin):
        answer = client_for(user).post(f"{url}/close", {}, content_type="application/json")
        assert answer.status_code == 403, user
    answer = client_for(w.outsider).post(f"{url}/close", {}, content_type="application/json")
    assert answer.status_code == 404
    coordinator = client_for(w.coordinator)
    stale = coordinator.post(f"{url}/close", {"version": 9}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 1
    closed = coordinator.post(f"{url}/close", {"version": 1}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert coordinator.get(URL, {"period": "2018-H1"}).json()["state"] == "final"
    again = coordinator.post(f"{url}/close", {}, content_type="application/json")
    assert again.status_code in (400, 422)
    refused = client_for(w.viewer).post(
        f"{url}/reopen", {"reason": "Xem lại"}, content_type="application/json"
    )
    assert refused.status_code == 403
    no_reason = coordinator.post(f"{url}/reopen", {}, content_type="application/json")
    assert no_reason.status_code in (400, 422) and "reason" in no_reason.json()["fields"]
    reopened = coordinator.post(
        f"{url}/reopen", {"reason": "Sai số liệu"}, content_type="application/json"
    )
    assert reopened.status_code == 200 and reopened.json()["state"] == "open"


def _more_agencies(setup, n: int) -> None:
    w = setup.world
    for i in range(n):
        unit = make_unit(f"Sở số {i}", Unit.Kind.STATE_AGENCY, w.province)
        item = make_work_item(setup.plan, lead=unit, end=date(2018, 4, 30))
        report = setup.report(unit, date(2018, 7, 8))
        setup.entry(report, item, "done_on_time", date(2018, 4, 2))
        setup.follow_up(unit, date(2018, 5, 1), closed=date(2018, 5, 2))


def test_the_ranking_reads_a_constant_number_of_queries(setup, today):
    client = client_for(setup.world.coordinator)
    client.get(URL, {"period": "2018-H1"})  # the session and memberships, once

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"period": "2018-H1"}).status_code == 200
        return len(queries)

    small = count()
    _more_agencies(setup, 12)
    assert count() == small
    assert client.get(URL, {"period": "2018-H1"}).json()["count"] == 15


def test_weight_sets_list(setup, today):
    w = setup.world
    actions.do_save_weights(w.province, 2018, "agency", {"work_on_time": 100}, by=w.coordinator)
    body = client_for(w.commune).get("/api/v1/thidua/weight-sets", {"year": 2018}).json()
    assert body["count"] == 1 and body["items"][0]["weights"] == {"work_on_time": 100}
    assert client_for(w.outsider).get("/api/v1/thidua/weight-sets").json()["count"] == 0


# Pages -------------------------------------------------------------------------------------


def test_pages_show_the_draft_and_explain_a_rank(setup, today):
    w = setup.world
    client = client_for(w.agency)
    page = client.get("/thidua/", {"period": "2018-H1", "level": "agency"})
    text = page.content.decode()
    assert page.status_code == 200 and "tạm tính" in text and w.bdv.name in text
    assert 'name="period"' in text and "<select" in text
    explain = client.get(f"/thidua/units/{w.bdv.pk}/", {"period": "2018-H1"}).content.decode()
    assert "/reporting/" in explain and "80" in explain
    assert client.get("/thidua/", {"period": "2018-Q7"}).status_code == 404
    assert client.get(f"/thidua/units/{w.commune1a.pk}/").status_code == 404
    assert client_for(w.outsider).get(f"/thidua/units/{w.bdv.pk}/").status_code == 404


def test_weights_page_saves_for_coordinators_only(setup, today):
    w = setup.world
    data = {
        "level": "agency",
        "agency-w_report_completeness": "10",
        "agency-w_report_timeliness": "10",
        "agency-w_work_on_time": "50",
        "agency-w_findings_closed": "30",
        "agency-note": "Quyết định số 5",
        "agency-reason": "Trọng số năm 2018",
    }
    assert client_for(w.viewer).post("/thidua/weights/?year=2018", data).status_code == 403
    saved = client_for(w.coordinator).post("/thidua/weights/?year=2018", data)
    assert saved.status_code == 302
    weight_set = w.province.thidua_weights.get(year=2018, level="agency")
    assert weight_set.weights["work_on_time"] == 50
    assert weight_set.history.first().history_change_reason == "Trọng số năm 2018"
    wrong = client_for(w.coordinator).post(
        "/thidua/weights/?year=2018", {**data, "agency-w_work_on_time": "51"}
    )
    assert wrong.status_code == 200 and "100" in wrong.content.decode()


def test_close_page_and_proposals_docx(setup, today):
    w = setup.world
    year = actions.emulation_year(w.province, 2018)
    assert client_for(w.agency).post(f"/thidua/years/{year.pk}/close/", {}).status_code == 403
    coordinator = client_for(w.coordinator)
    assert coordinator.post(f"/thidua/years/{year.pk}/close/", {}).status_code == 302
    year.refresh_from_db()
    assert year.is_closed
    assert client_for(w.agency).get(f"/thidua/years/{year.pk}/proposals/").status_code == 403
    assert coordinator.post(f"/thidua/years/{year.pk}/proposals/").status_code == 302
    docx = coordinator.get(f"/thidua/years/{year.pk}/proposals.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    viewer = client_for(w.viewer).get(f"/thidua/years/{year.pk}/proposals/")
    assert viewer.status_code == 200 and w.bdv.name in viewer.content.decode()


def test_the_proposals_link_is_shown_to_those_who_may_open_it(setup, today):
    """A district scorer reads the ranking but not the province's commendation
    proposals (403 there): the ranking page does not lead there."""
    w = setup.world
    for user, shown in [(w.coordinator, True), (w.district, False)]:
        client = client_for(user)
        text = client.get("/thidua/", {"period": "2018-H1"}).content.decode()
        links = re.findall(r'href="(/thidua/years/\d+/proposals/)"', text)
        assert bool(links) is shown, user
        for link in links:
            assert client.get(link).status_code == 200
