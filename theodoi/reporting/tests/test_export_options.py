"""The coordinator's choices for a consolidated report: number, date, recipients and
signer, through the page, the API and the command; the files opened and checked."""

import io
from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from theodoi.reporting.models import ConsolidatedExport
from theodoi.testing import make_user
from theodoi.units.models import Membership

from .test_consolidation import filled  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _download(client, export):
    response = client.get(f"/reporting/exports/{export.pk}/download/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _cell_lines(cell):
    return [p.text for p in cell.paragraphs if p.text.strip()]


def _docx(content):
    """(letterhead left, letterhead right, body paragraphs, tables, closing left, right)."""
    doc = Document(io.BytesIO(content))
    head, *rest = doc.tables
    closing = next(t for t in rest if t.rows[0].cells[0].text.startswith("Nơi nhận:"))
    tables = [t for t in rest if t is not closing]
    return (
        _cell_lines(head.rows[0].cells[0]),
        _cell_lines(head.rows[0].cells[1]),
        [p for p in doc.paragraphs if p.text.strip()],
        tables,
        _cell_lines(closing.rows[0].cells[0]),
        _cell_lines(closing.rows[0].cells[1]),
    )


@pytest.fixture
def head(filled):  # noqa: F811
    user = make_user("btg-head", first_name="Giàng Seo", last_name="Phử")
    Membership.objects.create(
        user=user, unit=filled.world.btg, role="viewer", is_head=True, title="Trưởng ban"
    )
    return user


@time_machine.travel("2018-07-15 09:00 +07:00", tick=False)
def test_page_offers_defaults_and_stores_the_choices(client, filled, head):  # noqa: F811
    w = filled.world
    client.force_login(w.coordinator)
    page = client.get(f"/reporting/periods/{filled.h1.pk}/").content.decode()
    assert 'value="2018-07-15"' in page
    assert "Thường trực Tỉnh ủy (b/c)" in page
    assert 'value="TRƯỞNG BAN"' in page and 'value="Giàng Seo Phử"' in page
    response = client.post(
        f"/reporting/periods/{filled.h1.pk}/export/",
        {
            "format": "docx",
            "number": "15-BC/BTGTU",
            "issued_on": "2018-07-10",
            "recipients": "- Thường trực Tỉnh ủy (b/c),\n\nBan Tuyên giáo Trung ương\n- Lưu VP.",
            "signer_authority": "k/t trưởng ban",
            "signer_position": "Phó Trưởng ban",
            "signer_name": "Nguyễn Văn A",
        },
    )
    export = ConsolidatedExport.objects.get()
    assert response["Location"] == f"/reporting/exports/{export.pk}/"
    assert export.number == "15-BC/BTGTU"
    assert export.issued_on == date(2018, 7, 10)
    assert export.recipients == "Thường trực Tỉnh ủy (b/c)\nBan Tuyên giáo Trung ương\nLưu VP"
    assert (export.signer_authority, export.signer_position, export.signer_name) == (
        "K/T TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Nguyễn Văn A",
    )
    page = client.get(f"/reporting/exports/{export.pk}/").content.decode()
    for shown in ("15-BC/BTGTU", "10/07/2018", "Ban Tuyên giáo Trung ương", "Nguyễn Văn A"):
        assert shown in page
    left, right, body, tables, recipients, signature = _docx(_download(client, export))
    assert left == ["TỈNH ỦY LÀO CAI", "BAN TUYÊN GIÁO", "*", "Số 15-BC/BTGTU"]
    assert right == ["ĐẢNG CỘNG SẢN VIỆT NAM", "Lào Cai, ngày 10 tháng 7 năm 2018"]
    date_run = Document(io.BytesIO(_download(client, export))).tables[0].rows[0].cells[1].paragraphs
    assert all(r.italic for p in date_run if "ngày" in p.text for r in p.runs)
    assert body[0].text == "BÁO CÁO"
    assert body[1].text.startswith(
        "Sơ kết 6 tháng đầu năm 2018 thực hiện Kế hoạch số 112-KH/TU ngày 05/01/2018"
    )
    headings = [p.text for p in body if p.text[:2] in ("I.", "II", "IV", "V.", "VI")]
    assert headings == [
        "I. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ",
        "III. HẠN CHẾ, NGUYÊN NHÂN",
        "IV. KINH PHÍ",
        "V. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2018",
        "VI. KIẾN NGHỊ, ĐỀ XUẤT",
    ]
    # Shortcomings name who raised them and their work item by its number only.
    assert any(
        p.text.startswith("- Thiếu kinh phí tổ chức hội nghị (Ban Dân vận")
        and "; nhiệm vụ " in p.text
        for p in body
    )
    assert recipients == [
        "Nơi nhận:",
        "- Thường trực Tỉnh ủy (b/c),",
        "- Ban Tuyên giáo Trung ương,",
        "- Lưu VP.",
    ]
    assert signature == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Nguyễn Văn A"]
    _budget, by_status, by_unit, by_field, *_rest = tables
    assert [c.text for c in by_status.rows[-1].cells] == ["Tổng cộng", "3", "100,0%"]
    assert [c.text for c in by_unit.rows[0].cells][:2] == ["Cơ quan, đơn vị", "Số nhóm công việc"]
    assert [c.text for c in by_unit.rows[-1].cells] == [
        "Tổng cộng", "3", "1", "0", "0", "1", "1", "33,3",
    ]  # fmt: skip
    assert by_field.rows[0].cells[0].text == "Lĩnh vực"


@time_machine.travel("2018-07-15 09:00 +07:00", tick=False)
def test_defaults_without_choices_and_without_a_head(client, filled):  # noqa: F811
    client.force_login(filled.world.coordinator)
    client.post(f"/reporting/periods/{filled.h1.pk}/export/", {"format": "docx"})
    export = ConsolidatedExport.objects.get()
    assert export.issued_on == date(2018, 7, 15)
    left, right, _body, _tables, recipients, signature = _docx(_download(client, export))
    assert left[-1].replace("\u200b", "").replace("\xa0", " ").split() == ["Số", "-BC/BTGTU"]
    assert right[-1] == "Lào Cai, ngày 15 tháng 7 năm 2018"
    assert recipients[1:] == [
        "- Thường trực Tỉnh ủy (b/c),",
        "- Các cơ quan, đơn vị liên quan,",
        "- Lưu VP.",
    ]
    assert signature == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]


def test_xlsx_export_has_formula_totals(client, filled):  # noqa: F811
    client.force_login(filled.world.coordinator)
    client.post(f"/reporting/periods/{filled.h1.pk}/export/", {"format": "xlsx"})
    wb = load_workbook(io.BytesIO(_download(client, ConsolidatedExport.objects.get())))
    for name in ("Theo đơn vị", "Theo lĩnh vực"):
        ws = wb[name]
        last = ws.max_row
        assert ws.cell(last, 1).value == "Tổng cộng"
        for col in "BCDEFG":
            assert ws[f"{col}{last}"].value == f"=SUM({col}4:{col}{last - 1})"
        assert ws.cell(last, 8).value.startswith("=IF(")
    budget = wb["Kinh phí"]
    assert budget.cell(budget.max_row, 3).value == f"=SUM(C4:C{budget.max_row - 1})"
    assert wb["Theo tình trạng"].cell(wb["Theo tình trạng"].max_row, 2).value.startswith("=SUM(")


def test_page_refuses_bad_choices(client, filled):  # noqa: F811
    w = filled.world
    client.force_login(w.coordinator)
    url = f"/reporting/periods/{filled.h1.pk}/export/"
    for data, message in (
        ({"number": "mười lăm"}, "15-BC/BTGTU"),
        ({"issued_on": "2018-02-30"}, "ngày"),
        ({"signer_name": "A\x00"}, "NUL"),
        ({"recipients": "x\n" * 31}, "30"),
    ):
        response = client.post(url, {"format": "docx", **data})
        assert response.status_code == 422, data
        assert message.lower() in response.content.decode().lower(), data
    assert not ConsolidatedExport.objects.exists()


def test_a_number_used_by_another_period_is_refused(client, filled):  # noqa: F811
    client.force_login(filled.world.coordinator)
    body = {"format": "docx", "number": "15-BC/BTGTU"}
    assert (
        client.post(f"/api/v1/periods/{filled.h1.pk}/exports", body, content_type=JSON).status_code
        == 202
    )
    # The same period again (e.g. the XLSX annex): allowed.
    body["format"] = "xlsx"
    assert (
        client.post(f"/api/v1/periods/{filled.h1.pk}/exports", body, content_type=JSON).status_code
        == 202
    )
    response = client.post(f"/api/v1/periods/{filled.year.pk}/exports", body, content_type=JSON)
    assert response.status_code == 422
    assert "2018-H1" in response.json()["fields"]["number"]
    response = client.post(f"/reporting/periods/{filled.year.pk}/export/", body)
    assert response.status_code == 422
    assert ConsolidatedExport.objects.count() == 2


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 202),
        ("viewer", 403),
        ("agency", 404),
        ("commune", 404),
        ("district", 404),
        ("admin", 404),
        ("outsider", 404),
    ],
)
def test_api_export_by_role(client, filled, who, status):  # noqa: F811
    client.force_login(getattr(filled.world, who))
    body = {"format": "docx", "number": "15-BC/BTGTU", "recipients": ["Lưu VP"]}
    response = client.post(f"/api/v1/periods/{filled.h1.pk}/exports", body, content_type=JSON)
    assert response.status_code == status
    page = client.post(f"/reporting/periods/{filled.h1.pk}/export/", body)
    assert page.status_code == (302 if status == 202 else status)
    assert ConsolidatedExport.objects.count() == (2 if status == 202 else 0)


@time_machine.travel("2018-07-15 09:00 +07:00", tick=False)
def test_api_export_choices_and_defaults(client, filled, head):  # noqa: F811
    client.force_login(filled.world.coordinator)
    url = f"/api/v1/periods/{filled.h1.pk}/exports"
    data = client.post(url, {"format": "docx"}, content_type=JSON).json()
    assert data["issued_on"] == "2018-07-15"
    assert data["recipients"] == [
        "Thường trực Tỉnh ủy (b/c)",
        "Các cơ quan, đơn vị liên quan",
        "Lưu VP",
    ]
    assert (data["signer_authority"], data["signer_position"], data["signer_name"]) == (
        "",
        "TRƯỞNG BAN",
        "Giàng Seo Phử",
    )
    body = {
        "format": "docx",
        "number": "16-BC/BTGTU",
        "issued_on": "2018-07-12",
        "recipients": ["Ban Thường vụ Tỉnh ủy (b/c)", "Lưu VP"],
        "signer_authority": "K/T TRƯỞNG BAN",
        "signer_position": "PHÓ TRƯỞNG BAN",
        "signer_name": "Nguyễn Văn A",
    }
    data = client.post(url, body, content_type=JSON).json()
    assert data["recipients"] == body["recipients"]
    export = ConsolidatedExport.objects.get(pk=data["id"])
    left, right, _b, _t, recipients, signature = _docx(_download(client, export))
    assert left[-1] == "Số 16-BC/BTGTU"
    assert right[-1] == "Lào Cai, ngày 12 tháng 7 năm 2018"
    assert recipients[1:] == ["- Ban Thường vụ Tỉnh ủy (b/c),", "- Lưu VP."]
    assert signature == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Nguyễn Văn A"]
    polled = client.get(f"/api/v1/exports/{export.pk}").json()
    assert polled["number"] == "16-BC/BTGTU" and polled["download"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"format": "pdf"}, "format"),
        ({"number": "15/BTGTU"}, "number"),
        ({"number": 15}, "number"),
        ({"number": "x" * 41}, "number"),
        ({"issued_on": "10/07/2018"}, "issued_on"),
        ({"issued_on": "9999-12-31"}, "issued_on"),
        ({"recipients": "Lưu VP"}, "recipients"),
        ({"recipients": ["a\nb"]}, "recipients"),
        ({"recipients": [1]}, "recipients.0"),
        ({"recipients": ["x"] * 31}, "recipients"),
        ({"recipients": ["x" * 201]}, "recipients"),
        ({"signer_name": "A\x00"}, "signer_name"),
        ({"signer_position": ["A"]}, "signer_position"),
        ({"signer_name": "x" * 101}, "signer_name"),
    ],
)
def test_api_export_bad_input(client, filled, change, field):  # noqa: F811
    client.force_login(filled.world.coordinator)
    body = {"format": "docx", **change}
    response = client.post(f"/api/v1/periods/{filled.h1.pk}/exports", body, content_type=JSON)
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert not ConsolidatedExport.objects.exists()


def test_api_export_unknown_period(client, filled):  # noqa: F811
    client.force_login(filled.world.coordinator)
    response = client.post(
        "/api/v1/periods/10000000000000000000000/exports", {"format": "docx"}, content_type=JSON
    )
    assert response.status_code == 404


def test_command_takes_the_choices(filled, head, tmp_path):  # noqa: F811
    out = tmp_path / "bc.docx"
    call_command(
        "consolidate",
        "--plan=112-KH/TU",
        "--period=2018-H1",
        f"--out={out}",
        "--number=15-BC/BTGTU",
        "--date=2018-07-10",
        "--recipient=Thường trực Tỉnh ủy (b/c)",
        "--recipient=Lưu VP",
        "--signer-authority=K/T TRƯỞNG BAN",
        "--signer-position=Phó Trưởng ban",
        "--signer-name=Nguyễn Văn A",
    )
    left, right, _b, _t, recipients, signature = _docx(out.read_bytes())
    assert left[-1] == "Số 15-BC/BTGTU"
    assert right[-1] == "Lào Cai, ngày 10 tháng 7 năm 2018"
    assert recipients[1:] == ["- Thường trực Tỉnh ủy (b/c),", "- Lưu VP."]
    assert signature == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Nguyễn Văn A"]
    # Without signer options: the head of the unit signs.
    call_command("consolidate", "--plan=112-KH/TU", "--period=2018-H1", f"--out={out}")
    assert _docx(out.read_bytes())[5] == ["TRƯỞNG BAN", "Giàng Seo Phử"]
    with pytest.raises(CommandError, match="number"):
        call_command(
            "consolidate", "--plan=112-KH/TU", "--period=2018-H1", f"--out={out}", "--number=15"
        )


def test_the_same_shortcoming_is_said_once_naming_its_units_and_work_items():
    from types import SimpleNamespace

    from theodoi.reporting.sections import Block, _raised

    bac_ha = SimpleNamespace(name="Huyện ủy Bắc Hà")
    sa_pa = SimpleNamespace(name="Huyện ủy Sa Pa")
    groups = [
        (
            bac_ha,
            [
                ("1.2.2. Tổ chức hội thi", "Thiếu kinh phí."),
                ("1.3.3. Cung cấp thông tin", "Chậm báo cáo"),
                ("2.6.4. Rà soát", "Thiếu kinh phí"),
                ("Việc không số", "Chậm báo cáo."),
            ],
        ),
        (sa_pa, [("1.2.2. Tổ chức hội thi", "Thiếu kinh phí")]),
    ]
    assert _raised(groups, "Không có.") == [
        Block("bullet", "Thiếu kinh phí (Huyện ủy Bắc Hà, Huyện ủy Sa Pa; nhiệm vụ 1.2.2, 2.6.4)."),
        Block("bullet", "Chậm báo cáo (Huyện ủy Bắc Hà; nhiệm vụ 1.3.3, Việc không số)."),
    ]
    assert _raised([], "Không có.") == [Block("p", "Không có.")]
