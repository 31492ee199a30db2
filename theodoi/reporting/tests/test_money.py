"""Money typed as Vietnamese write it ("12.500.000") is accepted for budget fields."""

import pytest

from theodoi.reporting import actions
from theodoi.reporting.forms import EntryForm

from .test_pages import _post_entries

pytestmark = pytest.mark.django_db
BASE = {"status": "in_progress", "percent": 40}


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12.500.000", 12_500_000),
        (" 12.500.000 ", 12_500_000),
        ("12 500 000", 12_500_000),
        ("500.000", 500_000),
        ("12500000", 12_500_000),
        ("0", 0),
        ("", None),
    ],
)
def test_grouped_money_is_read_as_whole_dong(typed, value):
    form = EntryForm({**BASE, "budget_spent": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["budget_spent"] == value


@pytest.mark.parametrize("typed", ["12.5", "12.50.000", "1,500,000", "12.500.000,5", "-1.000", "x"])
def test_other_writings_are_refused_at_the_field(typed):
    form = EntryForm({**BASE, "budget_spent": typed})
    assert not form.is_valid()
    assert list(form.errors) == ["budget_spent"]


def test_the_report_page_saves_a_grouped_amount(client, setup):
    report = actions.do_start_report(setup.h1, setup.world.bdv)
    client.force_login(setup.world.agency)
    data = _post_entries(setup, report, **{f"e{setup.item2.pk}-budget_spent": "12.500.000"})
    assert client.post(f"/reporting/reports/{report.pk}/", data).status_code == 302
    assert report.entries.get(work_item=setup.item2).budget_spent == 12_500_000
    page = client.get(f"/reporting/reports/{report.pk}/").content.decode()
    assert 'inputmode="numeric"' in page


def test_the_api_takes_a_grouped_amount_too(client, setup):
    report = actions.do_start_report(setup.h1, setup.world.bdv)
    client.force_login(setup.world.agency)
    body = {
        "version": report.version,
        "entries": [{"work_item": setup.item2.pk, "budget_spent": "12.500.000"}],
    }
    response = client.patch(f"/api/v1/reports/{report.pk}", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["entries"][1]["budget_spent"] == 12_500_000
