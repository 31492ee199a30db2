"""XLSX import: all or nothing, errors by row and column."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from theodoi.activities.importer import import_file, template_bytes
from theodoi.activities.models import Activity

pytestmark = pytest.mark.django_db

HEADER = ["Loại", "Tên hoạt động", "Ngày", "Hình thức", "Đơn vị tổ chức", "Điểm cầu", "Cấp",
          "Chi tiết (JSON)"]  # fmt: skip


def _xlsx(*rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_good_table_imports_every_row(world):
    data = _xlsx(
        ["Hội nghị báo cáo viên", "HNBCV tháng 1", "18/01/2018", "trực tiếp", "",
         "Hội trường; 150"],
        ["reporters_conference", "HNBCV tháng 2", date(2018, 2, 8), "trực tuyến", "",
         "Hội trường; 120\nHuyện ủy Một; 40"],
        ["model", "Mô hình xã Một A", "01/03/2018", "", "Xã Một A", "", "xã",
         '{"field": "Kinh tế", "year_recognised": 2018}'],
    )  # fmt: skip
    result = import_file(data, user=world.coordinator)
    assert result.ok, result.errors
    assert result.created == 3
    feb = Activity.objects.get(title="HNBCV tháng 2")
    assert feb.mode == "online" and feb.participants == 160 and feb.owner == world.btg
    model = Activity.objects.get(kind="model")
    assert list(model.units.all()) == [world.commune1a] and model.level == "commune"
    assert feb.history.first().history_change_reason


def test_one_bad_row_imports_nothing_and_names_row_and_column(world):
    data = _xlsx(
        ["reporters_conference", "HNBCV tháng 1", "18/01/2018", "trực tiếp", "", "Hội trường; 150"],
        ["reporters_conference", "HNBCV tháng 2", "30/02/2018", "qua mạng", "", ""],
        ["hội chợ", "Không rõ", "01/03/2018", "", "Xã Không Có", "", ""],
        ["class", "Lớp", "01/03/2018", "", "", "", "", '{"trainees": [{"unit": 1, "count": -2}]}'],
    )  # fmt: skip
    result = import_file(data, user=world.coordinator)
    assert not result.ok
    assert not Activity.objects.exists()
    where = {(e.row, e.column) for e in result.errors}
    assert (3, "Ngày") in where and (3, "Hình thức") in where
    assert (4, "Loại") in where and (4, "Đơn vị tổ chức") in where
    assert any(e.row == 5 and e.column == "Chi tiết (JSON)" for e in result.errors)
    assert all(e.row != 2 for e in result.errors)


def test_a_file_that_is_not_a_table(world):
    result = import_file(b"not a workbook", user=world.coordinator)
    assert not result.ok and result.errors[0].row == 0
    wb = Workbook()
    wb.active.append(["Something", "Else"])
    out = io.BytesIO()
    wb.save(out)
    message = import_file(out.getvalue(), user=world.coordinator).errors[0].message
    assert "Loại" in message and "Tên hoạt động" in message


def test_the_template_imports_as_is(world):
    result = import_file(template_bytes(), user=world.coordinator)
    assert result.ok, result.errors
    assert result.created == 1


def test_the_import_page_is_for_writers(client, world):
    client.force_login(world.viewer)
    assert client.get("/activities/import/").status_code == 403
    client.force_login(world.coordinator)
    bad = _xlsx(["reporters_conference", "", "18/01/2018", "trực tiếp"])
    page = client.post("/activities/import/", {"file": SimpleUploadedFile("a.xlsx", bad)})
    assert page.status_code == 200 and not Activity.objects.exists()
    good = _xlsx(["reporters_conference", "HN", "18/01/2018", "trực tiếp"])
    assert (
        client.post("/activities/import/", {"file": SimpleUploadedFile("a.xlsx", good)}).status_code
        == 302
    )
    assert Activity.objects.count() == 1
