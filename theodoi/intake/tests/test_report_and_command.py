import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from theodoi.intake.models import StagedImport
from theodoi.permissions.units import access_unit_alias
from theodoi.plans.models import WorkItem
from theodoi.testing import make_work_item
from theodoi.units.models import UnitAlias

from .conftest import workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def report(world, plan):
    from theodoi.reporting.actions import do_start_report
    from theodoi.reporting.models import ReportingPeriod, ReportingSchedule
    from theodoi.reporting.periods import generate_periods

    for number, title in (("1.1", "Hội nghị báo cáo viên"), ("1.2", "Mô hình dân vận khéo")):
        item = make_work_item(plan, lead=world.bdv, title=title, start=date(2018, 1, 15))
        item.number = number
        item.save()
    ReportingSchedule.objects.create(plan=plan, kind="half", rule="days_after_end", days=10)
    generate_periods(plan)
    period = ReportingPeriod.objects.get(plan=plan, code="2018-H1")
    return do_start_report(period, world.bdv, by=world.agency)


REPORT_ROWS = [
    ["BÁO CÁO KẾT QUẢ 6 THÁNG ĐẦU NĂM 2018"],
    [],
    ["TT", "Nội dung công việc", "Tiến độ", "Tỷ lệ (%)", "Kết quả đạt được",
     "Hạn chế, nguyên nhân", "Đề xuất, kiến nghị", "Kinh phí đã sử dụng"],
    ["1.1", "Hội nghị báo cáo viên", "Đang thực hiện", "60%", "Tổ chức 6 hội nghị",
     "Đường truyền yếu", "Nâng cấp đường truyền", "12.500.000"],
    ["1.2", "Mô hình dân vận khéo", "Hoàn thành", "", "30 mô hình", "", "", "8.000.000 đ"],
]  # fmt: skip


def test_a_progress_table_fills_the_draft_report_and_submits_nothing(client, world, report):
    client.force_login(world.agency)
    url = reverse("intake:report-upload", args=[report.pk])
    response = client.post(url, {"file": SimpleUploadedFile("bc.xlsx", workbook(REPORT_ROWS))})
    staged = StagedImport.objects.get()
    assert response.status_code == 302 and staged.kind == "report"
    page = client.get(staged.get_absolute_url())
    assert page.status_code == 200 and "2 rows matched" in page.content.decode()
    report.refresh_from_db()
    assert {e.status for e in report.entries.all()} == {"not_started"}  # nothing yet
    response = client.post(
        staged.get_absolute_url(), {"action": "commit", "reason": "Báo cáo gửi qua Excel"}
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    report.refresh_from_db()
    assert report.state == "draft"
    entries = {e.work_item.number: e for e in report.entries.select_related("work_item")}
    first, second = entries["1.1"], entries["1.2"]
    assert (first.status, first.percent, first.budget_spent) == ("in_progress", 60, 12_500_000)
    assert first.results == "Tổ chức 6 hội nghị" and first.proposals == "Nâng cấp đường truyền"
    assert (second.status, second.percent, second.budget_spent) == ("done_on_time", 100, 8_000_000)


def test_a_progress_row_that_cannot_be_read_is_marked_and_blocks(client, world, report):
    rows = [REPORT_ROWS[2], ["9.9", "Việc không có", "Hoàn thành", "120%", "", "", "", "nhiều"]]
    client.force_login(world.agency)
    client.post(
        reverse("intake:report-upload", args=[report.pk]),
        {"file": SimpleUploadedFile("bc.xlsx", workbook(rows))},
    )
    staged = StagedImport.objects.get()
    text = client.get(staged.get_absolute_url()).content.decode()
    assert "No work item of this report has this number or title." in text
    assert "Write a percent from 0 to 100." in text
    assert "Write an amount in đồng" in text
    response = client.post(staged.get_absolute_url(), {"action": "commit", "reason": "x"})
    assert response.status_code == 422


def test_the_command_reviews_and_commits_with_a_mapping_file(world, plan, tmp_path, capsys):
    rows = [
        ["Bảng phân công"],
        ["Việc", "Đầu mối", "Thời gian", "Sản phẩm"],
        ["Hội nghị", "BTG", "Quý I/2018", "Hội nghị"],
        ["Tài liệu", "Ban Khong Co", "Quý V", "Tài liệu"],
    ]
    path = tmp_path / "bang.xlsx"
    path.write_bytes(workbook(rows))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"header_row": 2, "columns": {"Việc": "title", "2": "leads"}}))
    call_command(
        "review_plan",
        str(path),
        "--plan",
        plan.number,
        "--user",
        "coordinator",
        "--mapping",
        str(mapping),
    )
    out = capsys.readouterr().out
    assert "PROBLEM at leads: No unit “Ban Khong Co” in this province." in out
    assert "PROBLEM at time" in out and "Nothing written" in out
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command(
            "review_plan", str(path), "--plan", plan.number, "--user", "coordinator",
            "--mapping", str(mapping), "--commit", "--reason", "Bảng tay",
        )  # fmt: skip
    assert not WorkItem.objects.exists()
    mapping.write_text(
        json.dumps(
            {
                "header_row": 2,
                "columns": {"Việc": "title", "2": "leads"},
                "edits": {"4": {"leads": "BDV", "time": "Quý II"}},
            }
        )
    )
    call_command(
        "review_plan", str(path), "--plan", plan.number, "--user", "coordinator",
        "--mapping", str(mapping), "--commit", "--reason", "Bảng tay",
    )  # fmt: skip
    assert "Committed: 2 created" in capsys.readouterr().out
    item = WorkItem.objects.get(title="Tài liệu")
    assert item.time_frame == "Quý II" and item.assignments.get().unit == world.bdv


def test_aliases_are_for_the_units_administrators(world):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    alias = UnitAlias.objects.create(unit=world.btg, name="Ban TG")
    assert access_unit_alias(world.admin, alias.pk, "change") == alias
    with pytest.raises(Http404):
        access_unit_alias(world.coordinator, alias.pk, "change")
    with pytest.raises((Http404, PermissionDenied)):
        access_unit_alias(world.outsider, alias.pk)


def test_the_admin_edits_a_units_aliases(client, world):
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    page = client.get(reverse("admin:units_unit_change", args=[world.btg.pk]))
    assert page.status_code == 200 and "aliases-TOTAL_FORMS" in page.content.decode()
    page = client.get(reverse("admin:units_unitalias_add"))
    assert page.status_code == 200
