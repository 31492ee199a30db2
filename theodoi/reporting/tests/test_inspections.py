from datetime import date

import pytest
import time_machine

from theodoi.reporting.models import FollowUp, Inspection

pytestmark = pytest.mark.django_db


def test_coordinator_records_an_inspection_and_closes_follow_ups(client, setup):
    w = setup.world
    client.force_login(w.coordinator)
    url = f"/reporting/plans/{setup.plan.pk}/inspections/"
    bad = client.post(url, {"unit": w.district1.pk, "held_on": "", "team": "", "scope": ""})
    assert bad.status_code == 422
    response = client.post(
        url,
        {
            "unit": w.district1.pk,
            "held_on": "20/06/2018",
            "team": "Đoàn kiểm tra số 3",
            "scope": "Việc thực hiện Đề án",
            "findings": "Chưa có báo cáo chuyên đề",
        },
    )
    inspection = Inspection.objects.get()
    assert response["Location"] == f"/reporting/inspections/{inspection.pk}/"
    client.post(
        f"/reporting/inspections/{inspection.pk}/",
        {"text": "Xây dựng báo cáo chuyên đề", "deadline": "15/07/2018"},
    )
    follow_up = FollowUp.objects.get()
    with time_machine.travel(date(2018, 7, 20)):
        page = client.get(f"/reporting/inspections/{inspection.pk}/").content.decode()
        assert "Quá hạn" in page
        assert (
            client.post(
                f"/reporting/follow-ups/{follow_up.pk}/close/", {"closing_note": ""}
            ).status_code
            == 302
        )
        follow_up.refresh_from_db()
        assert follow_up.closed_on is None
        client.post(
            f"/reporting/follow-ups/{follow_up.pk}/close/", {"closing_note": "Đã gửi báo cáo"}
        )
    follow_up.refresh_from_db()
    assert follow_up.closed_on == date(2018, 7, 20)
    listing = client.get(url).content.decode()
    assert "0/1" in listing


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("agency", 404), ("outsider", 404)])
def test_others_cannot_record_or_close(client, setup, who, status):
    w = setup.world
    inspection = Inspection.objects.create(
        plan=setup.plan,
        unit=w.bdv,
        held_on=date(2018, 6, 1),
        team="Đoàn",
        scope="Phạm vi",
        created_by=w.coordinator,
    )
    follow_up = FollowUp.objects.create(
        inspection=inspection, text="Việc", deadline=date(2018, 7, 1)
    )
    client.force_login(getattr(w, who))
    data = {"unit": w.bdv.pk, "held_on": "20/06/2018", "team": "x", "scope": "y"}
    assert client.post(f"/reporting/plans/{setup.plan.pk}/inspections/", data).status_code == status
    assert (
        client.post(
            f"/reporting/follow-ups/{follow_up.pk}/close/", {"closing_note": "x"}
        ).status_code
        == status
    )
    assert (
        client.post(
            f"/reporting/inspections/{inspection.pk}/", {"text": "x", "deadline": "01/08/2018"}
        ).status_code
        == status
    )


def test_plan_page_lists_overdue_reports_and_work_items(client, setup):
    client.force_login(setup.world.coordinator)
    with time_machine.travel(date(2018, 7, 15)):
        page = client.get(f"/reporting/plans/{setup.plan.pk}/").content.decode()
    assert page.count("2018-H1 (hạn 10/07/2018)") == 3
    assert "Tuyên truyền Đề án" in page  # ended 30/06, not done


def test_plan_page_queries_are_constant(client, setup, django_assert_max_num_queries):
    from theodoi.testing import make_work_item

    client.force_login(setup.world.coordinator)
    with time_machine.travel(date(2018, 7, 15)):
        client.get(f"/reporting/plans/{setup.plan.pk}/")
        with django_assert_max_num_queries(20) as small:
            client.get(f"/reporting/plans/{setup.plan.pk}/")
        for unit in (setup.world.district1, setup.world.district2, setup.world.commune2a):
            make_work_item(setup.plan, lead=unit, end=date(2018, 6, 1))
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(f"/reporting/plans/{setup.plan.pk}/")
        client.get(f"/reporting/periods/{setup.h1.pk}/")
        with django_assert_max_num_queries(20) as period:
            client.get(f"/reporting/periods/{setup.h1.pk}/")
        make_work_item(setup.plan, lead=setup.world.commune1b)
        with django_assert_max_num_queries(len(period.captured_queries)):
            client.get(f"/reporting/periods/{setup.h1.pk}/")


def test_dashboard_and_consolidation_queries_do_not_grow(
    client, setup, django_assert_max_num_queries
):
    from theodoi.reporting import actions, consolidation
    from theodoi.testing import make_work_item

    w = setup.world
    client.force_login(w.coordinator)

    def fill():
        for unit in (w.bdv, w.commune1a):
            report = actions.do_start_report(setup.h1, unit)
            if report.state == "draft":
                actions.do_submit_report(report, by=w.coordinator)

    fill()
    client.get(f"/reporting/plans/{setup.plan.pk}/dashboard/")
    with django_assert_max_num_queries(30) as small:
        client.get(f"/reporting/plans/{setup.plan.pk}/dashboard/")
    with django_assert_max_num_queries(8) as built:
        consolidation.build(setup.h1)
    for unit in (w.district1, w.district2, w.commune1b, w.commune2a):
        make_work_item(setup.plan, lead=unit, coordinating=w.sotttt, field="Lĩnh vực mới")
    for unit in (w.district1, w.commune1b):
        actions.do_submit_report(actions.do_start_report(setup.h1, unit), by=w.coordinator)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(f"/reporting/plans/{setup.plan.pk}/dashboard/")
    with django_assert_max_num_queries(len(built.captured_queries)):
        consolidation.build(setup.h1)
