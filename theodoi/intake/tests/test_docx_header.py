from datetime import date

import pytest
from django.core.management import call_command

from theodoi.intake import review as rv
from theodoi.intake.plan_docx import plan_docx, written_time
from theodoi.intake.reader import read_upload
from theodoi.plans.models import Plan, WorkItem
from theodoi.testing import make_work_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def issued(world, plan):
    make_work_item(plan, lead=world.btg, coordinating=world.sotttt, title="Hội nghị",
                   start=date(2018, 1, 1), end=date(2018, 3, 31))  # fmt: skip
    make_work_item(plan, lead=[world.district1, world.district2], task="Tuyên vận",
                   title="Chấm điểm", start=date(2018, 2, 1), end=date(2018, 12, 31))  # fmt: skip
    plan.issued_on = date(2018, 1, 5)
    plan.save()
    return plan_docx(plan)


@pytest.mark.parametrize(
    "start,end,text",
    [
        (date(2018, 1, 1), date(2018, 12, 31), "Cả năm"),
        (date(2018, 1, 1), date(2018, 6, 30), "6 tháng đầu năm"),
        (date(2018, 4, 1), date(2018, 6, 30), "Quý II/2018"),
        (date(2018, 3, 1), date(2018, 4, 30), "Tháng 3-4/2018"),
        (date(2018, 1, 1), date(2018, 1, 31), "Tháng 1/2018"),
        (date(2018, 1, 1), date(2018, 5, 15), "Trước 15/5/2018"),
        (date(2018, 2, 3), date(2018, 5, 15), "03/02 - 15/05/2018"),
    ],
)
def test_time_frames_are_written_as_people_write_them(start, end, text):
    assert written_time(start, end) == text


def test_the_header_fills_the_plans_own_fields(world, plan, issued):
    fmt, grid = read_upload("kh.docx", issued)
    assert grid["meta"]["number"] == "112-KH/TU"
    assert grid["meta"]["issued_on"] == "2018-01-05"
    assert grid["meta"]["issuer_lines"] == ["TỈNH ỦY THỬ NGHIỆM"]
    plan.number, plan.issued_on, plan.title = "1-KH/TU", date(2018, 2, 2), "Tạm"
    plan.save()
    staged = rv.stage(plan, "kh.docx", grid, fmt, by=world.coordinator)
    assert staged.apply_meta
    rv.commit(staged, by=world.coordinator, reason="Kế hoạch đã ban hành")
    plan.refresh_from_db()
    assert (plan.number, plan.issued_on) == ("112-KH/TU", date(2018, 1, 5))
    assert plan.title == "Kế hoạch thực hiện Đề án năm 2018"
    assert plan.history.first().history_change_reason.endswith("Kế hoạch đã ban hành")


def test_the_command_creates_the_plan_from_the_documents_header(world, plan, issued, tmp_path):
    path = tmp_path / "kh.docx"
    path.write_bytes(issued)
    plan.number = "cũ-KH/TU"
    plan.save()
    call_command(
        "review_plan", str(path), "--user", "coordinator", "--programme", plan.programme.code,
        "--owner", world.btg.code, "--commit", "--reason", "Kế hoạch đã ban hành",
    )  # fmt: skip
    created = Plan.objects.get(number="112-KH/TU")
    assert created.issuer == world.province and created.issued_on == date(2018, 1, 5)
    assert WorkItem.objects.filter(task__plan=created).count() == 2
    item = WorkItem.objects.get(task__plan=created, title="Chấm điểm")
    assert {a.unit for a in item.assignments.all()} == {world.district1, world.district2}
