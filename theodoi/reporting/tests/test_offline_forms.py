"""A report with nothing in it is refused at its fields; decisions say what they did."""

import pytest

from theodoi.reporting import actions
from theodoi.reporting.models import ProgressReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(setup):
    return actions.do_start_report(setup.h1, setup.world.bdv)


def _untouched(setup, report):
    data = {"version": report.version, "action": "submit"}
    for item in (setup.item1, setup.item2):
        data |= {f"e{item.pk}-status": "not_started", f"e{item.pk}-percent": "0"}
        data |= {f"e{item.pk}-results": "", f"e{item.pk}-budget_spent": ""}
    return data


def test_an_empty_report_is_refused_at_the_fields(client, setup, report):
    client.force_login(setup.world.agency)
    response = client.post(f"/reporting/reports/{report.pk}/", _untouched(setup, report))
    assert response.status_code == 422
    page = response.content.decode()
    assert page.count("Chưa có nội dung nào") == 2  # at each entry's status
    assert ProgressReport.objects.get(pk=report.pk).state == "draft"
    # Nothing was done this period: said under shortcomings, the report goes.
    data = _untouched(setup, report) | {f"e{setup.item1.pk}-shortcomings": "Chưa có kinh phí"}
    data[f"e{setup.item1.pk}-budget_spent"] = "12.500.000"
    assert client.post(f"/reporting/reports/{report.pk}/", data).status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"
    assert report.entries.get(work_item=setup.item1).budget_spent == 12_500_000


def test_each_decision_answers_with_its_own_message(client, setup, report):
    client.force_login(setup.world.agency)
    data = _untouched(setup, report) | {f"e{setup.item1.pk}-shortcomings": "Chưa có kinh phí"}
    client.post(f"/reporting/reports/{report.pk}/", data)
    client.force_login(setup.world.coordinator)
    returned = client.post(
        f"/reporting/reports/{report.pk}/return/", {"comment": "Bổ sung"}, follow=True
    )
    assert "trả lại" in returned.content.decode().lower()
    assert returned.redirect_chain[-1][0].endswith("#decision")
