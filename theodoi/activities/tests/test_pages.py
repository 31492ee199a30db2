"""The phone pages: list with filters, entry per kind, follow-ups, files, the report beside."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from theodoi.activities.models import Activity, FollowUp
from theodoi.testing import TWIN_PDF, make_plan, make_work_item, release

from .factories import conference, record, target

pytestmark = pytest.mark.django_db


def test_record_a_conference_on_the_page(client, world):
    client.force_login(world.coordinator)
    assert client.get("/activities/new/reporters_conference/").status_code == 200
    response = client.post(
        "/activities/new/reporters_conference/",
        {
            "title": "Hội nghị báo cáo viên tháng 3",
            "start": "2018-03-15",
            "owner": world.btg.pk,
            "mode": "online",
            "topic": "Thời sự",
            "points": "Hội trường Tỉnh ủy; 120\nHuyện ủy Một; 40\n",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get()
    assert activity.participants == 160 and activity.mode == "online"
    assert activity.details["points"][1] == {"name": "Huyện ủy Một", "attendance": 40}
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "Huyện ủy Một" in page


def test_a_bad_line_is_named_and_nothing_is_saved(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        "/activities/new/class/",
        {"title": "Lớp trung cấp", "start": "2018-03-15", "owner": world.btg.pk,
         "trainees": "Xã Một A; 30; 28\nXã Không Có; 5\nXã Một B; nhiều"},
    )  # fmt: skip
    assert response.status_code == 200
    text = response.content.decode()
    assert "Xã Không Có" in text and "nhiều" in text
    assert not Activity.objects.exists()


def test_edit_keeps_the_lines_and_refuses_a_stale_version(client, world):
    a = record(
        world.btg, "class", date(2018, 3, 5),
        details={"course": "Trung cấp", "trainees": [{"unit": world.commune1a.pk, "count": 30}]},
    )  # fmt: skip
    client.force_login(world.coordinator)
    form = client.get(f"/activities/{a.pk}/edit/").content.decode()
    assert "Xã Một A; 30" in form
    data = {"title": "Lớp mới", "start": "2018-03-05", "owner": world.btg.pk, "course": "Trung cấp",
            "trainees": "Xã Một A; 31", "version": 1, "reason": "Sửa số"}  # fmt: skip
    assert client.post(f"/activities/{a.pk}/edit/", data).status_code == 302
    a.refresh_from_db()
    assert a.participants == 31 and a.version == 2
    stale = client.post(f"/activities/{a.pk}/edit/", {**data, "title": "Khác"})
    assert stale.status_code == 200 and "Lớp mới" in stale.content.decode()


def test_follow_up_to_closure_and_evidence(client, world):
    d = record(world.bdv, "dialogue", date(2018, 3, 10), details={"leader": "Bí thư"})
    client.force_login(world.coordinator)
    client.post(f"/activities/{d.pk}/follow-ups/", {"text": "Sửa đường", "deadline": "2018-06-30"})
    item = FollowUp.objects.get()
    client.post(
        f"/activities/follow-ups/{item.pk}/close/",
        {"closed_on": "2018-05-01", "closing_note": "Đã làm xong"},
    )
    item.refresh_from_db()
    assert item.closed_on == date(2018, 5, 1)
    client.post(f"/activities/{d.pk}/files/", {"file": SimpleUploadedFile("a.pdf", TWIN_PDF)})
    client.post(f"/activities/{d.pk}/files/", {"file": SimpleUploadedFile("a.pdf", b"MZ fake")})
    assert d.files.count() == 1
    f = d.files.get()
    response = client.get(f"/activities/files/{f.pk}/")
    assert response.status_code == 200
    release(response)


def test_list_filters_and_target_drill_down(client, world):
    conference(world.btg, date(2018, 1, 18), "in_person", ("A", 1))
    online = conference(world.btg, date(2018, 2, 8), "online", ("A", 1))
    record(world.commune1a, "model", date(2018, 3, 1), level="commune", title="Mô hình Một A")
    client.force_login(world.coordinator)
    page = client.get("/activities/", {"kind": "model"}).content.decode()
    assert "Mô hình Một A" in page and "reporters_conference 18/01/2018" not in page
    assert "model-counts" in page and world.commune1a.name in page
    t = target(
        world.province, "share", "50", "gt", kind="reporters_conference", share_mode="online"
    )
    detail = client.get(f"/activities/targets/{t.pk}/").content.decode()
    assert online.title in detail, detail[detail.find("<main") :]
    assert "50,0" in detail or "50.0" in detail
    assert t.name in client.get("/activities/targets/").content.decode()


def test_the_report_shows_the_units_records_beside_the_work_item(client, world):
    from theodoi.reporting import actions as reporting_actions
    from theodoi.reporting.models import ReportingPeriod, ReportingSchedule
    from theodoi.reporting.periods import generate_periods

    plan = make_plan(world)
    item = make_work_item(
        plan, lead=world.commune1a, start=date(2018, 1, 15), end=date(2018, 6, 30)
    )
    ReportingSchedule.objects.create(plan=plan, kind="half", rule="days_after_end", days=10)
    generate_periods(plan)
    period = ReportingPeriod.objects.get(plan=plan, code="2018-H1")
    report = reporting_actions.do_start_report(period, world.commune1a, by=world.commune)
    record(world.commune1a, "study", date(2018, 3, 1), title="Học tập chuyên đề xã", work_item=item)
    record(world.commune1a, "study", date(2018, 8, 1), title="Ngoài kỳ", work_item=item)
    client.force_login(world.commune)
    page = client.get(f"/reporting/reports/{report.pk}/").content.decode()
    assert "Học tập chuyên đề xã" in page and "Ngoài kỳ" not in page


def test_the_programme_shows_an_indicators_actual_from_its_target(client, world):
    from django.urls import reverse

    from theodoi.plans.models import Indicator, Objective

    plan = make_plan(world)
    objective = Objective.objects.create(programme=plan.programme, text="Mục tiêu")
    indicator = Indicator.objects.create(objective=objective, name="Hội nghị trực tuyến")
    Indicator.objects.create(objective=objective, name="Chỉ tiêu khác")
    target(world.province, "share", "50", "gt", kind="reporters_conference",
           share_mode="online", indicator=indicator)  # fmt: skip
    conference(world.btg, date(2018, 1, 18), "in_person", ("A", 1))
    conference(world.btg, date(2018, 2, 8), "online", ("A", 1))
    conference(world.btg, date(2018, 3, 8), "online", ("A", 1))
    client.force_login(world.coordinator)
    page = client.get(reverse("plans:programme", args=[plan.programme.pk])).content.decode()
    assert "66,7" in page or "66.7" in page
