"""Who created a report's entries and when; the autosave conflict shows the newer
values beside the fields."""

import re

import pytest
import time_machine

from theodoi.reporting import actions
from theodoi.reporting.models import ProgressEntry, ProgressReport

from .test_pages import _post_entries

pytestmark = pytest.mark.django_db


@time_machine.travel("2018-07-02 08:30 +07:00", tick=False)
def test_starting_a_report_records_who_created_each_entry(client, setup):
    w = setup.world
    client.force_login(w.agency)
    response = client.post(f"/reporting/periods/{setup.h1.pk}/units/{w.bdv.pk}/")
    report = ProgressReport.objects.get(period=setup.h1, unit=w.bdv)
    assert response["Location"] == f"/reporting/reports/{report.pk}/"
    created = ProgressEntry.history.filter(report_id=report.pk, history_type="+")
    assert created.count() == 2 == report.entries.count()
    for row in created:
        assert row.history_user == w.agency
        assert row.history_change_reason == "Bắt đầu báo cáo"
        assert row.history_date.isoformat().startswith("2018-07-02T01:30")
    first = report.history.get(history_type="+")
    assert first.history_user == w.agency
    page = client.get(f"/reporting/reports/{report.pk}/").content.decode()
    assert "02/07/2018 08:30 · agency" in re.sub(r"\s+", " ", page)
    # Opening it again creates nothing more.
    client.post(f"/reporting/periods/{setup.h1.pk}/units/{w.bdv.pk}/")
    assert ProgressEntry.history.filter(report_id=report.pk).count() == 2


def test_carried_values_name_the_previous_period(setup):
    w = setup.world
    h1 = actions.do_start_report(setup.h1, w.bdv, by=w.agency)
    actions.do_save_draft(
        h1,
        {setup.item2.pk: {"status": "in_progress", "percent": 40, "results": "Đang làm"}},
        version=h1.version,
        by=w.agency,
    )
    year = actions.do_start_report(setup.year, w.bdv, by=w.agency)
    row = ProgressEntry.history.filter(report_id=year.pk, work_item=setup.item2).get()
    assert row.percent == 40
    assert row.history_change_reason == "Bắt đầu báo cáo; số liệu mang sang từ kỳ 2018-H1"


def test_refused_roles_create_no_report(client, setup):
    w = setup.world
    for who, status in ((w.coordinator, 403), (w.viewer, 403), (w.commune, 404), (w.outsider, 404)):
        client.force_login(who)
        response = client.post(f"/reporting/periods/{setup.h1.pk}/units/{w.bdv.pk}/")
        assert response.status_code == status
    assert not ProgressReport.objects.exists()
    assert not ProgressEntry.history.exists()


def test_autosave_conflict_shows_the_newer_values_beside_the_fields(client, setup):
    w = setup.world
    report = actions.do_start_report(setup.h1, w.bdv, by=w.agency)
    client.force_login(w.agency)
    page = client.get(f"/reporting/reports/{report.pk}/").content.decode()
    slot = f'id="newer-e{setup.item2.pk}-results"'
    assert slot in page  # an empty, hidden slot to swap into
    # Someone else saves first.
    actions.do_save_draft(
        report,
        {
            setup.item2.pk: {
                "status": "in_progress",
                "percent": 55,
                "results": "Bản của người thứ nhất",
                "budget_spent": 1500000,
            }
        },
        version=report.version,
        by=w.agency,
    )
    typed = _post_entries(
        setup,
        report,
        **{f"e{setup.item2.pk}-results": "Bản của tôi", f"e{setup.item2.pk}-budget_spent": ""},
    )
    response = client.post(
        f"/reporting/reports/{report.pk}/", typed, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="save-status"' in body and "Tải bản mới hơn" in body
    swaps = dict(
        re.findall(r'<p class="newer" id="newer-([^"]+)" hx-swap-oob="true"( hidden)?', body)
    )
    item2 = f"e{setup.item2.pk}"
    assert swaps[f"{item2}-results"] == ""  # shown
    assert swaps[f"{item2}-percent"] == ""
    assert swaps[f"{item2}-budget_spent"] == ""
    assert swaps[f"{item2}-status"] == " hidden"  # the same value: nothing to show
    assert swaps[f"e{setup.item1.pk}-results"] == ""  # saved empty, typed "Đã xong"
    assert "<strong>Bản của người thứ nhất</strong>" in body
    assert "<strong>55%</strong>" in body
    assert "<strong>1.500.000</strong>" in body
    assert "Bản của tôi" not in body  # the typing stays in the form, untouched
    # Nothing was overwritten.
    entry = ProgressReport.objects.get(pk=report.pk).entries.get(work_item=setup.item2)
    assert entry.results == "Bản của người thứ nhất"
    # A later successful save clears the notes.
    typed["version"] = ProgressReport.objects.get(pk=report.pk).version
    body = client.post(
        f"/reporting/reports/{report.pk}/", typed, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'data-saved="1"' in body
    assert f'id="newer-{item2}-results" hx-swap-oob="true" hidden' in body


def test_full_page_conflict_shows_readable_values(client, setup):
    w = setup.world
    report = actions.do_start_report(setup.h1, w.bdv, by=w.agency)
    client.force_login(w.agency)
    actions.do_save_draft(
        report,
        {setup.item1.pk: {"status": "done_on_time", "percent": 100, "completed_on": "2018-06-20"}},
        version=report.version,
        by=w.agency,
    )
    typed = _post_entries(setup, report, **{f"e{setup.item1.pk}-status": "in_progress"})
    typed[f"e{setup.item1.pk}-percent"] = 50
    page = client.post(f"/reporting/reports/{report.pk}/", typed).content.decode()
    assert "<strong>Hoàn thành đúng hạn</strong>" in page
    assert "<strong>100%</strong>" in page
