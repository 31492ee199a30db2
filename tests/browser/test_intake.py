"""A coordinator uploads a hand-made spreadsheet, fixes two cells in the review, commits,
and sees the plan."""

import re

import pytest

from theodoi.testing import PASSWORD, make_plan

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = [
    ["KẾ HOẠCH TUYÊN TRUYỀN NĂM 2018"],
    [],
    ["STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian", "Sản phẩm"],
    ["I", "CÔNG TÁC TUYÊN TRUYỀN", None, None, None, None],
    ["1", "Hội nghị báo cáo viên trực tuyến", "BTG", "Sở TT&TT", "Hằng tháng", "Hội nghị"],
    ["2", "Chuyên mục trên báo", "Ban Tuyen giao", "Ban Khong Co", "Quý V", "Chuyên mục"],
    [
        "3",
        "Tổng kết mô hình dân vận khéo",
        "BDV",
        "Các huyện ủy, thành ủy",
        "6 tháng cuối năm",
        "Báo cáo",
    ],
    [],
    ["Ghi chú: các đơn vị báo cáo kết quả trước 15/12/2018."],
]


def test_coordinator_imports_a_handmade_table_with_review(live_server, desktop, tmp_path):
    from theodoi.intake.tests.conftest import workbook
    from theodoi.plans.models import WorkItem
    from theodoi.testing import make_world

    world = make_world()
    plan = make_plan(world, number="112-KH/TU")
    path = tmp_path / "bang-phan-cong.xlsx"
    path.write_bytes(workbook(ROWS, merges=["B4:F4"]))
    page = desktop

    login(page, live_server.url, "coordinator", PASSWORD)
    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    page.click(f"a[href='/imports/plans/{plan.pk}/upload/']")
    page.set_input_files("input[name=file]", str(path))
    page.click("button[type=submit].primary")
    page.wait_for_url("**/imports/*/")
    assert WorkItem.objects.count() == 0  # nothing written yet

    problems = page.locator("td.problem input")
    assert problems.count() == 2
    screenshot(page, "intake-review-problems")
    page.fill("td.problem.c-coordinating input", "BDV")
    page.fill("td.problem.c-time input", "Quý II/2018")
    page.click("button[name=action][value=fix]")
    page.wait_for_load_state()
    assert page.locator("td.problem").count() == 0
    assert page.locator("tr.kind-skip").count() == 3  # the title, the header and the note
    assert WorkItem.objects.count() == 0

    page.fill("input[name=reason]", "Nhập bảng phân công do các ban gửi")
    page.click("button[name=action][value=commit]")
    page.wait_for_url(re.compile(rf"{plan.get_absolute_url()}(#.*)?$"))
    for title in ("Hội nghị báo cáo viên trực tuyến", "Chuyên mục trên báo", "Tổng kết mô hình"):
        assert page.locator(f"text={title}").count() >= 1
    screenshot(page, "intake-committed-plan")
    item = WorkItem.objects.get(title="Chuyên mục trên báo")
    assert item.time_frame == "Quý II/2018"
    assert [a.unit.name for a in item.assignments.order_by("role")] == [
        "Ban Dân vận Tỉnh ủy",
        "Ban Tuyên giáo Tỉnh ủy",
    ]
