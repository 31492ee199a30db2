import io
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from theodoi.plans.importer import export_table, import_table
from theodoi.plans.models import Assignment, Field, Plan, Task, WorkItem
from theodoi.testing import make_plan, make_unit, make_work_item
from theodoi.units.models import Unit, UnitGroup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

VI = [
    "Lĩnh vực",
    "Nhiệm vụ",
    "Nhóm đầu công việc",
    "Chủ trì",
    "Phối hợp",
    "Bắt đầu",
    "Kết thúc",
    "Sản phẩm",
]
EN = ["Field", "Task", "Work item", "Lead", "Coordinating", "Start", "End", "Output"]
# What export writes: the columns above plus the optional numbers and note.
VI_FULL = [
    "Lĩnh vực",
    "Số TT nhiệm vụ",
    "Nhiệm vụ",
    "Số TT công việc",
    "Nhóm đầu công việc",
    "Chủ trì",
    "Phối hợp",
    "Bắt đầu",
    "Kết thúc",
    "Sản phẩm",
    "Cơ chế phối hợp",
]


def xlsx(rows, header=VI):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = [
    [
        "Tuyên truyền",
        "Tuyên truyền Đề án",
        "Hội nghị báo cáo viên",
        "Ban Tuyên giáo Tỉnh ủy",
        "BDV; Sở Thông tin và Truyền thông",
        date(2018, 2, 1),
        date(2018, 6, 30),
        "Hội nghị",
    ],
    [
        None,
        None,
        "Chuyên mục trên báo",
        "ban tuyên  giáo tỉnh ủy",
        "",
        "01/03/2018",
        "31/12/2018",
        "Chuyên mục",
    ],
    [
        "Dân vận",
        "Dân vận khéo",
        "Mô hình dân vận khéo",
        "Các huyện ủy",
        "Ban Dân vận Tỉnh ủy",
        datetime(2018, 1, 15),
        "30/11/2018",
        "Mô hình",
    ],
]


@pytest.fixture
def plan(world):
    group = UnitGroup.objects.create(name="Các huyện ủy")
    group.units.set([world.district1, world.district2])
    return make_plan(world, number="112-KH/TU")


def errors_of(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def test_it_imports_a_good_file(world, plan):
    result = import_table(plan, xlsx(GOOD), by=world.coordinator)
    assert result.ok, result.errors
    assert (result.created, result.fields_created, result.tasks_created) == (3, 2, 2)
    item = WorkItem.objects.get(title="Hội nghị báo cáo viên")
    roles = {(a.unit_id, a.role) for a in item.assignments.all()}
    assert roles == {
        (world.btg.pk, "lead"),
        (world.bdv.pk, "coordinating"),
        (world.sotttt.pk, "coordinating"),
    }
    second = WorkItem.objects.get(title="Chuyên mục trên báo")
    assert second.task == item.task
    assert (second.start, second.end) == (date(2018, 3, 1), date(2018, 12, 31))
    group_item = WorkItem.objects.get(title="Mô hình dân vận khéo")
    leads = set(group_item.assignments.filter(role="lead").values_list("unit_id", flat=True))
    assert leads == {world.district1.pk, world.district2.pk}
    assert item.history.first().history_user == world.coordinator


def test_english_headers_are_accepted_and_a_second_import_changes_nothing(world, plan):
    assert import_table(plan, xlsx(GOOD, EN), by=None).ok
    again = import_table(plan, xlsx(GOOD, EN), by=None)
    assert again.ok and again.unchanged == 3 and again.created == again.updated == 0
    assert WorkItem.objects.filter(task__plan=plan).count() == 3


def test_a_changed_row_updates_the_work_item(world, plan):
    import_table(plan, xlsx(GOOD), by=None)
    rows = [list(r) for r in GOOD]
    rows[0][6] = "31/07/2018"
    result = import_table(plan, xlsx(rows), by=None)
    assert (result.updated, result.unchanged) == (1, 2)
    assert WorkItem.objects.get(title="Hội nghị báo cáo viên").end == date(2018, 7, 31)


def _bad(world, plan, row_index, column, value):
    rows = [list(r) for r in GOOD]
    rows[row_index][column] = value
    result = import_table(plan, xlsx(rows), by=None)
    assert not result.ok
    assert WorkItem.objects.count() == 0
    assert Field.objects.count() == 0
    assert Task.objects.count() == 0
    return errors_of(result)


def test_an_unknown_unit_writes_nothing(world, plan):
    assert _bad(world, plan, 2, 3, "Huyện ủy Ba") == [
        (4, "Chủ trì", "No unit or unit group “Huyện ủy Ba” in this province.")
    ]


def test_a_unit_without_diacritics_gets_a_suggestion(world, plan):
    assert _bad(world, plan, 0, 4, "Ban Dan van Tinh uy") == [
        (
            2,
            "Phối hợp",
            "No unit “Ban Dan van Tinh uy” in this province; did you mean “Ban Dân vận Tỉnh ủy”?",
        )
    ]


def test_an_ambiguous_unit_asks_for_the_code(world, plan):
    twin = make_unit("Xã Một A", Unit.Kind.COMMUNE, world.district2)
    errors = _bad(world, plan, 0, 3, "Xã Một A")
    assert errors == [
        (
            2,
            "Chủ trì",
            f"Several units are called “Xã Một A”: write the code instead "
            f"({world.commune1a.code} = Xã Một A, {twin.code} = Xã Một A).",
        )
    ]
    rows = [list(r) for r in GOOD]
    rows[0][3] = twin.code
    assert import_table(plan, xlsx(rows), by=None).ok


def test_a_unit_of_another_province_is_unknown(world, plan):
    errors = _bad(world, plan, 0, 3, "Tỉnh ủy Khác")
    assert errors[0][:2] == (2, "Chủ trì")


def test_a_bad_date_writes_nothing(world, plan):
    assert _bad(world, plan, 1, 5, "31/02/2018") == [
        (3, "Bắt đầu", "Write the date as dd/mm/yyyy or use an Excel date.")
    ]


def test_end_before_start_writes_nothing(world, plan):
    assert _bad(world, plan, 1, 6, "01/02/2018") == [
        (3, "Kết thúc", "The end date cannot be before the start date.")
    ]


def test_a_date_outside_the_plan_year_writes_nothing(world, plan):
    assert _bad(world, plan, 0, 6, date(2019, 1, 31)) == [
        (2, "Kết thúc", "The work item must fall within the plan's year 2018.")
    ]


def test_the_same_unit_leading_and_coordinating_writes_nothing(world, plan):
    assert _bad(world, plan, 0, 4, "Ban Tuyên giáo Tỉnh ủy") == [
        (
            2,
            "Phối hợp",
            "A unit cannot both lead and coordinate the same work item: Ban Tuyên giáo Tỉnh ủy.",
        )
    ]


def test_a_missing_title_writes_nothing(world, plan):
    assert _bad(world, plan, 2, 2, "") == [
        (4, "Nhóm đầu công việc", "Enter the work item's title.")
    ]


def test_a_missing_lead_writes_nothing(world, plan):
    assert _bad(world, plan, 2, 3, None) == [(4, "Chủ trì", "Choose at least one lead unit.")]


def test_every_bad_row_is_listed(world, plan):
    rows = [list(r) for r in GOOD]
    rows[0][3] = "Không có"
    rows[2][5] = "hôm qua"
    result = import_table(plan, xlsx(rows), by=None)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Chủ trì"), (4, "Bắt đầu")]


def test_a_file_without_header_is_refused(world, plan):
    result = import_table(plan, xlsx(GOOD, ["a", "b", "c"]), by=None)
    assert "No header row found" in result.errors[0].message
    result = import_table(plan, b"not a workbook", by=None)
    assert result.errors[0].message == "This file cannot be read as an XLSX workbook."


def test_the_export_is_formatted(world, plan):
    import_table(plan, xlsx(GOOD), by=None)
    wb = load_workbook(io.BytesIO(export_table(plan)))
    ws = wb.active
    assert ws.freeze_panes == "A4"
    assert [c.value for c in ws[3]] == VI_FULL
    assert ws["H4"].number_format == "DD/MM/YYYY"
    assert ws["H4"].value == datetime(2018, 2, 1)
    assert ws.column_dimensions["E"].width == 48
    cells = {row[4]: row for row in ws.iter_rows(min_row=4, values_only=True)}
    # A whole unit group is written by its name; other units one a line.
    assert cells["Mô hình dân vận khéo"][5] == "Các huyện ủy"
    assert set(cells["Hội nghị báo cáo viên"][6].split("\n")) == {
        "Ban Dân vận Tỉnh ủy",
        "Sở Thông tin và Truyền thông",
    }


def _snapshot(plan):
    out = set()
    for item in WorkItem.objects.filter(task__plan=plan).prefetch_related("assignments"):
        out.add(
            (
                item.task.field.name,
                item.task.number,
                item.task.title,
                item.number,
                item.title,
                frozenset((a.unit_id, a.role) for a in item.assignments.all()),
                item.start,
                item.end,
                item.expected_output,
                item.coordination_note,
            )
        )
    return out


def test_export_then_import_into_an_empty_plan_gives_the_same_plan(world, plan):
    twin = make_unit("Xã Một A", Unit.Kind.COMMUNE, world.district2)
    import_table(plan, xlsx(GOOD), by=None)
    make_work_item(
        plan,
        lead=[world.commune1a, twin],
        coordinating=world.bdv,
        field="Khác",
        task="Nhiệm vụ khác",
        title="Cùng tên",
    )
    empty = make_plan(world, number="113-KH/TU")
    result = import_table(empty, export_table(plan), by=None)
    assert result.ok, result.errors
    assert _snapshot(empty) == _snapshot(plan)
    assert import_table(plan, export_table(plan), by=None).unchanged == 4


def test_the_commands_export_and_import(world, plan, tmp_path, capsys):
    import_table(plan, xlsx(GOOD), by=None)
    out = tmp_path / "plan.xlsx"
    call_command("export_plan", "--plan", "112-KH/TU", "--out", str(out))
    call_command(
        "import_plan",
        str(out),
        "--number",
        "114-KH/TU",
        "--date",
        "06/01/2018",
        "--title",
        "Kế hoạch",
        "--programme",
        "17-ĐA/TU",
        "--issuer",
        world.province.code,
        "--owner",
        world.btg.code,
        "--user",
        "coordinator",
    )
    created = Plan.objects.get(number="114-KH/TU")
    assert _snapshot(created) == _snapshot(plan)
    assert created.history.get().history_user == world.coordinator
    call_command("import_plan", str(out), "--plan", "114-KH/TU", "--user", "coordinator")
    assert "3 unchanged" in capsys.readouterr().out


def test_the_import_command_prints_errors_and_fails(world, plan, tmp_path, capsys):
    rows = [list(r) for r in GOOD]
    rows[0][3] = "Không có"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx(rows))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_plan", str(bad), "--plan", "112-KH/TU", "--user", "coordinator")
    assert "row 2, Chủ trì: No unit or unit group “Không có”" in capsys.readouterr().err
    assert WorkItem.objects.count() == 0
    with pytest.raises(CommandError):
        call_command(
            "import_plan",
            str(bad),
            "--number",
            "115-KH/TU",
            "--date",
            "06/01/2018",
            "--title",
            "Kế hoạch",
            "--programme",
            "17-ĐA/TU",
            "--issuer",
            world.province.code,
            "--owner",
            world.btg.code,
            "--user",
            "coordinator",
        )
    assert not Plan.objects.filter(number="115-KH/TU").exists()


def test_the_import_command_records_who_and_why_on_every_assignment(world, plan, tmp_path):
    source = tmp_path / "plan.xlsx"
    source.write_bytes(xlsx(GOOD))
    call_command(
        "import_plan",
        str(source),
        "--plan",
        "112-KH/TU",
        "--user",
        "coordinator",
        "--reason",
        "Nhập kế hoạch 112",
    )
    records = Assignment.history.filter(work_item__task__plan=plan)
    assert records.count() == 7
    assert {(r.history_user, r.history_change_reason) for r in records} == {
        (world.coordinator, "Nhập kế hoạch 112")
    }
    # A changed lead: the deletion and the addition are attributed too.
    rows = [list(r) for r in GOOD]
    rows[0][3] = "Ban Dân vận Tỉnh ủy"
    rows[0][4] = ""
    source.write_bytes(xlsx(rows))
    call_command("import_plan", str(source), "--plan", "112-KH/TU", "--user", "admin")
    latest = Assignment.history.filter(history_user=world.admin)
    assert {r.history_type for r in latest} == {"-", "~"}
    assert {r.history_change_reason for r in latest} == {"import-plan plan.xlsx"}


def test_the_import_command_needs_a_known_user(world, plan, tmp_path):
    source = tmp_path / "plan.xlsx"
    source.write_bytes(xlsx(GOOD))
    with pytest.raises(CommandError, match="--user"):
        call_command("import_plan", str(source), "--plan", "112-KH/TU")
    with pytest.raises(CommandError, match="no active account 'nobody'"):
        call_command("import_plan", str(source), "--plan", "112-KH/TU", "--user", "nobody")
    assert WorkItem.objects.count() == 0


def _full(rows):
    """GOOD rows in the export's layout: numbers and a coordination note added."""
    out = []
    for n, (field, task, title, leads, coord, start, end, output) in enumerate(rows, start=1):
        task_number = {"Tuyên truyền Đề án": "1", "Dân vận khéo": "2"}.get(task, "")
        note = f"BTG chủ trì\nphối hợp {n}"
        out.append(
            [field, task_number, task, f"1.{n}", title, leads, coord, start, end, output, note]
        )
    return out


def test_the_numbers_and_the_coordination_note_make_the_round_trip(world, plan):
    result = import_table(plan, xlsx(_full(GOOD), header=VI_FULL), by=None)
    assert result.ok, result.errors
    # A blank task cell repeats the task and its number.
    assert {(t.number, t.title) for t in plan.tasks.all()} == {
        ("1", "Tuyên truyền Đề án"),
        ("2", "Dân vận khéo"),
    }
    item = WorkItem.objects.get(title="Chuyên mục trên báo")
    assert (item.number, item.coordination_note) == ("1.2", "BTG chủ trì\nphối hợp 2")
    empty = make_plan(world, number="113-KH/TU")
    assert import_table(empty, export_table(plan), by=None).ok
    assert _snapshot(empty) == _snapshot(plan)
    assert import_table(plan, export_table(plan), by=None).unchanged == 3


def test_an_old_file_without_the_new_columns_keeps_them(world, plan):
    import_table(plan, xlsx(_full(GOOD), header=VI_FULL), by=None)
    rows = [list(r) for r in GOOD]
    rows[1][7] = "Chuyên mục mới"
    result = import_table(plan, xlsx(rows), by=None)
    assert (result.updated, result.unchanged) == (1, 2)
    item = WorkItem.objects.get(title="Chuyên mục trên báo")
    assert (item.number, item.coordination_note, item.expected_output) == (
        "1.2",
        "BTG chủ trì\nphối hợp 2",
        "Chuyên mục mới",
    )
    assert item.task.number == "1"


def test_a_changed_number_or_note_updates_the_work_item_and_task(world, plan):
    import_table(plan, xlsx(_full(GOOD), header=VI_FULL), by=None)
    rows = _full(GOOD)
    rows[0][1] = "I"
    rows[2][3] = "2.9"
    rows[2][10] = "Khác"
    result = import_table(plan, xlsx(rows, header=VI_FULL), by=world.coordinator, reason="Sửa")
    assert (result.updated, result.unchanged) == (1, 2)
    assert Task.objects.get(title="Tuyên truyền Đề án").number == "I"
    item = WorkItem.objects.get(title="Mô hình dân vận khéo")
    assert (item.number, item.coordination_note) == ("2.9", "Khác")
    rows[0][3] = "x" * 21
    result = import_table(plan, xlsx(rows, header=VI_FULL), by=None)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Số TT công việc")]


def test_the_import_page_shows_errors_as_a_table(client, world, plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.coordinator)
    rows = [list(r) for r in GOOD]
    rows[1][5] = "hôm qua"
    upload = SimpleUploadedFile("kh.xlsx", xlsx(rows))
    response = client.post(f"/plans/{plan.pk}/import/", {"file": upload})
    assert response.status_code == 422
    body = response.content.decode()
    assert '<td class="num">3</td><td class="col">Bắt đầu</td>' in body
    assert WorkItem.objects.count() == 0
    client.cookies["django_language"] = "vi"
    upload = SimpleUploadedFile("kh.xlsx", xlsx(rows))
    body = client.post(f"/plans/{plan.pk}/import/", {"file": upload}).content.decode()
    assert "Chưa nhập gì: có 1 lỗi cần sửa" in body
    assert "Ghi ngày theo dạng dd/mm/yyyy hoặc dùng kiểu ngày của Excel." in body
    client.cookies["django_language"] = "en"
    upload = SimpleUploadedFile("kh.xlsx", xlsx(GOOD))
    response = client.post(f"/plans/{plan.pk}/import/", {"file": upload})
    assert response.status_code == 302
    assert WorkItem.objects.count() == 3
    record = WorkItem.history.first()
    assert record.history_change_reason == "Imported from kh.xlsx"


@pytest.mark.parametrize("role", ["agency", "district", "commune", "viewer", "official"])
def test_only_the_coordinator_imports(client, world, plan, role):
    client.force_login(getattr(world, role))
    assert client.get(f"/plans/{plan.pk}/import/").status_code == 403
    assert client.get(f"/plans/{plan.pk}/export.xlsx").status_code == 200


def test_the_export_download(client, world, plan):
    client.force_login(world.coordinator)
    response = client.get(f"/plans/{plan.pk}/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "112-KH-TU" in response["Content-Disposition"]
    client.force_login(world.outsider)
    assert client.get(f"/plans/{plan.pk}/export.xlsx").status_code == 404


def test_assignment_count_unchanged_by_failed_import(world, plan):
    make_work_item(plan, lead=world.btg)
    before = Assignment.objects.count()
    rows = [list(r) for r in GOOD]
    rows[2][3] = "Không có"
    assert not import_table(plan, xlsx(rows), by=None).ok
    assert Assignment.objects.count() == before


def test_a_unit_that_did_not_exist_during_the_row_is_refused(world, plan):
    world.district2.active_to = date(2018, 1, 10)
    world.district2.save()
    result = import_table(plan, xlsx(GOOD), by=None)
    assert [(e.row, e.column) for e in result.errors] == [(4, "Chủ trì")]
    assert result.errors[0].message == (
        "Huyện ủy Hai did not exist during this work item (15/01/2018–30/11/2018): "
        "it existed until 10/01/2018."
    )
    assert WorkItem.objects.count() == 0
