from datetime import date

import pytest

from theodoi.intake import review as rv
from theodoi.intake.reader import read_upload
from theodoi.plans.models import WorkItem

from .conftest import workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = [
    "TT",
    "Nội dung công việc",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian",
    "Sản phẩm",
]
HANDMADE = [
    HEADER,
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
    ["I.", "CÔNG TÁC TƯ TƯỞNG", None, None, None, None],
    ["1.", "Học tập nghị quyết", None, None, None, None],
    ["1.1", "Hội nghị quán triệt", "BTG", "MTTQ tỉnh, các đoàn thể", "Quý I/2018", "Hội nghị"],
    [
        "1.2",
        "Biên soạn tài liệu",
        "Ban Tuyên giáo",
        "Các huyện ủy, thành ủy",
        "6 tháng đầu năm",
        "Tài liệu",
    ],
    ["II.", "CÔNG TÁC DÂN VẬN", None, None, None, None],
    ["1.", "Mô hình dân vận khéo", "Ban Dan van", "Hoi Nong dan tinh", "Cả năm", "Mô hình"],
    ["2.", "Tổng kết", "BDV", "Sở TT&TT", "Trước 30/6/2018", "Báo cáo"],
]
TITLE = [["TỈNH ỦY THỬ NGHIỆM"], ["BẢNG PHÂN CÔNG NHIỆM VỤ NĂM 2018"], []]
NOTES = [[], ["Ghi chú: các đơn vị báo cáo kết quả về Ban Tuyên giáo"]]


def stage(plan, user, data, name="ke-hoach.xlsx"):
    fmt, grid = read_upload(name, data)
    return rv.stage(plan, name, grid, fmt, by=user)


def test_a_handmade_table_is_understood(world, plan, more_units):
    data = workbook(HANDMADE, merges=["B6:F6", "B10:F10"], title_rows=TITLE, notes=NOTES)
    staged = stage(plan, world.coordinator, data)
    review = rv.understand(staged)
    kinds = [(r.source, r.kind, r.title) for r in review.shown]
    assert kinds[:5] == [
        ("1", "skip", "TỈNH ỦY THỬ NGHIỆM"),
        ("2", "skip", "BẢNG PHÂN CÔNG NHIỆM VỤ NĂM 2018"),
        ("4", "skip", " · ".join(HEADER)),
        ("5", "skip", "(1) · (2) · (3) · (4) · (5) · (6)"),
        ("6", "field", "CÔNG TÁC TƯ TƯỞNG"),
    ]
    assert review.shown[-1].skip_reason == "note below the table"
    items = review.items
    assert [(r.field, r.task, r.title) for r in items] == [
        ("CÔNG TÁC TƯ TƯỞNG", "Học tập nghị quyết", "Hội nghị quán triệt"),
        ("CÔNG TÁC TƯ TƯỞNG", "Học tập nghị quyết", "Biên soạn tài liệu"),
        ("CÔNG TÁC DÂN VẬN", "Mô hình dân vận khéo", "Mô hình dân vận khéo"),
        ("CÔNG TÁC DÂN VẬN", "Tổng kết", "Tổng kết"),
    ]
    first, second, third, fourth = items
    assert first.leads == [world.btg]
    assert {u.pk for u in first.coordinating} == {
        more_units["mttq"].pk,
        more_units["td"].pk,
        more_units["hnd"].pk,
    }
    assert (first.start, first.end, first.time_frame) == (
        date(2018, 1, 1),
        date(2018, 3, 31),
        "Quý I/2018",
    )
    assert second.leads == [world.btg]
    assert {u.pk for u in second.coordinating} == {world.district1.pk, world.district2.pk}
    assert third.leads == [world.bdv] and third.coordinating == [more_units["hnd"]]
    assert fourth.coordinating == [world.sotttt] and fourth.end == date(2018, 6, 30)
    assert review.problem_count == 0, [r.problems for r in review.rows if r.problems]
    assert not WorkItem.objects.exists()
    rv.commit(staged, by=world.coordinator, reason="Bảng phân công")
    assert WorkItem.objects.filter(task__plan=plan).count() == 4
    item = WorkItem.objects.get(title="Hội nghị quán triệt")
    assert item.time_frame == "Quý I/2018" and item.task.number == "1"
    assert item.history.first().history_change_reason.endswith("Bảng phân công")
