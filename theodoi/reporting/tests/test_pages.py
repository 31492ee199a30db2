from datetime import date

import pytest
import time_machine

from theodoi.reporting import actions
from theodoi.reporting.models import ProgressReport
from theodoi.testing import make_user
from theodoi.units.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(setup):
    return actions.do_start_report(setup.h1, setup.world.bdv)


def _post_entries(setup, report, **extra):
    data = {"version": report.version}
    for item, values in (
        (setup.item1, {"status": "done_on_time", "percent": 100, "results": "Đã xong"}),
        (setup.item2, {"status": "in_progress", "percent": 40, "results": "Đang làm"}),
    ):
        for name, value in values.items():
            data[f"e{item.pk}-{name}"] = value
    data.update(extra)
    return data


def test_my_reports_lists_what_the_reporter_owes(client, setup):
    client.force_login(setup.world.agency)
    response = client.get("/reporting/")
    assert response.status_code == 200
    assert "6 tháng đầu năm 2018" in response.content.decode()
    response = client.post(f"/reporting/periods/{setup.h1.pk}/units/{setup.world.bdv.pk}/")
    report = ProgressReport.objects.get(unit=setup.world.bdv, period=setup.h1)
    assert response.status_code == 302
    assert response["Location"] == f"/reporting/reports/{report.pk}/"


def test_start_report_is_refused_for_other_units(client, setup):
    client.force_login(setup.world.agency)
    w = setup.world
    assert (
        client.post(f"/reporting/periods/{setup.h1.pk}/units/{w.commune1a.pk}/").status_code == 404
    )
    client.force_login(setup.world.coordinator)
    assert client.post(f"/reporting/periods/{setup.h1.pk}/units/{w.bdv.pk}/").status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("agency", 200),
        ("coordinator", 200),
        ("viewer", 200),
        ("commune", 404),
        ("outsider", 404),
        ("official", 404),
        ("admin", 404),
    ],
)
def test_who_may_read_a_report(client, setup, report, who, status):
    client.force_login(getattr(setup.world, who))
    assert client.get(f"/reporting/reports/{report.pk}/").status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("agency", 302), ("coordinator", 403), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_save_a_draft(client, setup, report, who, status):
    client.force_login(getattr(setup.world, who))
    response = client.post(f"/reporting/reports/{report.pk}/", _post_entries(setup, report))
    assert response.status_code == status


def test_the_form_shows_every_entry_and_one_at_a_time(client, setup, report):
    client.force_login(setup.world.agency)
    page = client.get(f"/reporting/reports/{report.pk}/").content.decode()
    assert page.count("<h1>") == 1
    assert f'name="e{setup.item1.pk}-status"' in page
    assert f'name="e{setup.item2.pk}-status"' in page
    assert 'hx-trigger="change delay:1s"' in page
    one = client.get(f"/reporting/reports/{report.pk}/?one=1&i=1").content.decode()
    assert f'name="e{setup.item1.pk}-status"' not in one
    assert f'name="e{setup.item2.pk}-status"' in one


def test_autosave_returns_the_new_version(client, setup, report):
    client.force_login(setup.world.agency)
    response = client.post(
        f"/reporting/reports/{report.pk}/",
        _post_entries(setup, report),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-saved="1"' in body
    assert f'value="{report.version + 1}"' in body
    report.refresh_from_db()
    assert report.entries.get(work_item=setup.item2).percent == 40


def test_errors_show_next_to_the_field(client, setup, report):
    client.force_login(setup.world.agency)
    data = _post_entries(setup, report, **{f"e{setup.item2.pk}-percent": "120"})
    response = client.post(f"/reporting/reports/{report.pk}/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert f'id="err-e{setup.item2.pk}-percent" role="alert">Đảm bảo' in page
    hx = client.post(f"/reporting/reports/{report.pk}/", data, headers={"HX-Request": "true"})
    assert f'id="err-e{setup.item2.pk}-percent"' in hx.content.decode()
    assert "Chưa lưu" in hx.content.decode()


def test_a_stale_save_is_refused_and_shows_the_newer_values(client, setup, report):
    client.force_login(setup.world.agency)
    first = _post_entries(setup, report)
    assert client.post(f"/reporting/reports/{report.pk}/", first).status_code == 302
    second = _post_entries(setup, report, **{f"e{setup.item2.pk}-results": "Bản của người thứ hai"})
    response = client.post(f"/reporting/reports/{report.pk}/", second)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Đang làm" in page  # the newer saved value is shown
    assert "Bản của người thứ hai" in page  # and the typing is kept
    assert (
        ProgressReport.objects.get(pk=report.pk).entries.get(work_item=setup.item2).results
        == "Đang làm"
    )


def test_reporter_submits_coordinator_returns_and_accepts(client, setup, report):
    w = setup.world
    client.force_login(w.agency)
    with time_machine.travel(date(2018, 7, 8)):
        response = client.post(
            f"/reporting/reports/{report.pk}/", _post_entries(setup, report, action="submit")
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted"
    # The unit cannot edit a submitted report; the reporter cannot decide.
    response = client.post(f"/reporting/reports/{report.pk}/", _post_entries(setup, report))
    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).version == report.version
    assert client.post(f"/reporting/reports/{report.pk}/accept/").status_code == 403
    client.force_login(w.viewer)
    assert client.post(f"/reporting/reports/{report.pk}/accept/").status_code == 403
    client.force_login(w.outsider)
    assert client.post(f"/reporting/reports/{report.pk}/accept/").status_code == 404
    client.force_login(w.coordinator)
    response = client.post(f"/reporting/reports/{report.pk}/return/", {"comment": ""})
    assert response.status_code == 422
    response = client.post(
        f"/reporting/reports/{report.pk}/return/", {"comment": "Bổ sung kết quả"}
    )
    assert response.status_code == 302
    client.force_login(w.agency)
    report.refresh_from_db()
    assert "Bổ sung kết quả" in client.get(f"/reporting/reports/{report.pk}/").content.decode()
    client.post(f"/reporting/reports/{report.pk}/", _post_entries(setup, report, action="submit"))
    client.force_login(w.coordinator)
    assert client.post(f"/reporting/reports/{report.pk}/accept/").status_code == 302
    report.refresh_from_db()
    assert report.state == "accepted"
    assert client.post(f"/reporting/reports/{report.pk}/reopen/", {"reason": ""}).status_code == 422
    assert (
        client.post(f"/reporting/reports/{report.pk}/reopen/", {"reason": "Sai"}).status_code == 302
    )
    page = client.get(f"/reporting/reports/{report.pk}/").content.decode()
    for word in ("Đã gửi", "Đã trả lại", "Đã chấp nhận", "Mở lại", "Sai"):
        assert word in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("viewer", 200), ("agency", 404), ("commune", 404), ("outsider", 404)],
)
def test_plan_period_and_dashboard_pages(client, setup, report, who, status):
    client.force_login(getattr(setup.world, who))
    for url in (
        f"/reporting/plans/{setup.plan.pk}/",
        f"/reporting/periods/{setup.h1.pk}/",
        f"/reporting/plans/{setup.plan.pk}/dashboard/",
        f"/reporting/plans/{setup.plan.pk}/inspections/",
    ):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 200:
            assert response.content.decode().count("<h1>") == 1


def test_only_coordinators_add_periods_and_change_reminders(client, setup):
    data = {
        "code": "2018-GK",
        "title": "Giữa kỳ",
        "start": "01/01/2018",
        "end": "30/09/2018",
        "due": "10/10/2018",
    }
    client.force_login(setup.world.viewer)
    assert client.post(f"/reporting/plans/{setup.plan.pk}/", data).status_code == 403
    assert client.get(f"/reporting/plans/{setup.plan.pk}/reminders/").status_code == 403
    client.force_login(setup.world.coordinator)
    bad = client.post(f"/reporting/plans/{setup.plan.pk}/", {**data, "due": "01/09/2018"})
    assert bad.status_code == 422
    assert client.post(f"/reporting/plans/{setup.plan.pk}/", data).status_code == 302
    assert setup.plan.reporting_periods.get(code="2018-GK").kind == "ad_hoc"
    dup = client.post(f"/reporting/plans/{setup.plan.pk}/", data)
    assert dup.status_code == 422
    response = client.post(
        f"/reporting/plans/{setup.plan.pk}/reminders/",
        {"days_before": "7, 3", "on_due_day": "on", "days_after": "x", "escalate_after": "3"},
    )
    assert response.status_code == 422
    response = client.post(
        f"/reporting/plans/{setup.plan.pk}/reminders/",
        {"days_before": "7, 3", "on_due_day": "on", "days_after": "1,5", "escalate_after": "3"},
    )
    assert response.status_code == 302
    assert setup.plan.reminder_settings.before == [3, 7]


def test_district_reporter_reaches_its_communes(client, setup):
    report = actions.do_start_report(setup.h1, setup.world.commune1a)
    client.force_login(setup.world.district)
    assert client.get(f"/reporting/reports/{report.pk}/").status_code == 200
    other = make_user("other-commune")
    Membership.objects.create(user=other, unit=setup.world.commune2a, role="commune")
    client.force_login(other)
    assert client.get(f"/reporting/reports/{report.pk}/").status_code == 404


def test_my_reports_uses_a_constant_number_of_queries(client, setup, django_assert_max_num_queries):
    from theodoi.testing import make_work_item

    client.force_login(setup.world.agency)
    client.get("/reporting/")
    with django_assert_max_num_queries(14):
        client.get("/reporting/")
    for _ in range(5):
        make_work_item(setup.plan, lead=setup.world.bdv)
    with django_assert_max_num_queries(14):
        client.get("/reporting/")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_reporting_page_has_one_h1(client, setup, report, language):
    import re

    from theodoi.reporting.models import FollowUp, Inspection

    w = setup.world
    inspection = Inspection.objects.create(
        plan=setup.plan,
        unit=w.bdv,
        held_on=date(2018, 6, 1),
        team="Đoàn",
        scope="Phạm vi",
        created_by=w.coordinator,
    )
    FollowUp.objects.create(inspection=inspection, text="Việc", deadline=date(2018, 7, 1))
    client.cookies["django_language"] = language
    client.force_login(w.coordinator)
    for url in (
        "/reporting/",
        "/reporting/notifications/",
        f"/reporting/plans/{setup.plan.pk}/",
        f"/reporting/plans/{setup.plan.pk}/dashboard/",
        f"/reporting/plans/{setup.plan.pk}/inspections/",
        f"/reporting/plans/{setup.plan.pk}/reminders/",
        f"/reporting/periods/{setup.h1.pk}/",
        f"/reporting/reports/{report.pk}/",
        f"/reporting/inspections/{inspection.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(re.findall(r"<h1[ >]", response.content.decode())) == 1, url


DECIDERS = [
    ("coordinator", 302, 200),
    ("viewer", 403, 403),
    ("agency", 403, 403),
    ("commune", 404, 404),
    ("district", 404, 404),
    ("official", 404, 404),
    ("admin", 404, 404),
    ("outsider", 404, 404),
]


@pytest.mark.parametrize(("who", "page", "api"), DECIDERS)
def test_every_role_on_accept_return_and_reopen(client, setup, report, who, page, api):
    actions.do_submit_report(report, by=setup.world.agency)
    client.force_login(getattr(setup.world, who))
    assert (
        client.post(f"/reporting/reports/{report.pk}/return/", {"comment": "Sửa"}).status_code
        == page
    )
    if page == 302:
        actions.do_submit_report(report, by=setup.world.agency)
    assert client.post(f"/api/v1/reports/{report.pk}/accept").status_code == api
    if api == 200:
        assert (
            client.post(f"/reporting/reports/{report.pk}/reopen/", {"reason": "Sai"}).status_code
            == 302
        )
    else:
        assert (
            client.post(
                f"/api/v1/reports/{report.pk}/reopen",
                {"reason": "x"},
                content_type="application/json",
            ).status_code
            == api
        )


def test_saving_one_entry_at_a_time_stays_on_it(client, setup, report):
    client.force_login(setup.world.agency)
    url = f"/reporting/reports/{report.pk}/?one=1&i=1"
    data = {
        "version": report.version,
        f"e{setup.item2.pk}-status": "in_progress",
        f"e{setup.item2.pk}-percent": "10",
    }
    response = client.post(url, data)
    assert response["Location"] == url
    assert report.entries.get(work_item=setup.item2).percent == 10
    assert report.entries.get(work_item=setup.item1).status == "not_started"
