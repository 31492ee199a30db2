import io
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from theodoi.reporting import actions, consolidation
from theodoi.reporting.models import ConsolidatedExport
from theodoi.testing import make_user
from theodoi.units.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(setup):
    """BDV reported on time (one item done, one overdue, with budget); Sở TT&TT and
    commune 1A did not report."""
    w = setup.world
    setup.world.province.name = "Tỉnh ủy Lào Cai"
    setup.world.province.save(update_fields=["name"])
    setup.world.btg.place = "Lào Cai"
    setup.world.btg.save(update_fields=["place"])
    report = actions.do_start_report(setup.h1, w.bdv)
    with time_machine.travel(date(2018, 7, 9)):
        actions.do_submit_report(
            report,
            by=w.agency,
            data={
                setup.item1.pk: {
                    "status": "done_on_time",
                    "percent": 100,
                    "results": "Đã xong",
                    "budget_spent": 12_500_000,
                },
                setup.item2.pk: {
                    "status": "overdue",
                    "percent": 60,
                    "results": "Chậm",
                    "shortcomings": "Thiếu kinh phí tổ chức hội nghị",
                    "proposals": "Đề nghị bổ sung kinh phí",
                    "budget_spent": 3_000_000,
                },
            },
        )
    return setup


def test_content(filled):
    data = consolidation.build(filled.h1)
    w = filled.world
    assert [u.pk for u in data.expected] == sorted(
        [w.bdv.pk, w.sotttt.pk, w.commune1a.pk], key=[w.bdv.pk, w.sotttt.pk, w.commune1a.pk].index
    )
    assert {u.pk for u in data.missing} == {w.sotttt.pk, w.commune1a.pk}
    assert data.status_counts["done_on_time"] == 1
    assert data.status_counts["overdue"] == 1
    assert data.status_counts["no_report"] == 1  # commune 1A's lead item
    assert data.percent_done == 33.3
    assert data.budget_total == 15_500_000
    assert [(u.pk, items) for u, items in data.shortcomings] == [
        (w.bdv.pk, [(str(filled.item2), "Thiếu kinh phí tổ chức hội nghị")])
    ]
    overdue = {(line.unit.pk, line.work_item.pk) for line in data.overdue()}
    assert overdue == {(w.bdv.pk, filled.item2.pk), (w.commune1a.pk, filled.item3.pk)}


def test_a_returned_report_counts_as_received(filled):
    w = filled.world
    report = w.bdv.progress_reports.get()
    actions.do_return_report(report, by=w.coordinator, comment="Bổ sung")
    data = consolidation.build(filled.h1)
    assert w.bdv in data.reported
    assert w.bdv not in data.missing


def test_consolidation_queries_are_bounded(filled, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        consolidation.build(filled.h1)


def _docx_text(content: bytes) -> tuple[str, list]:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts), doc.tables


def test_docx_has_the_party_format(filled):
    head = make_user("btg-head", first_name="Giàng Seo", last_name="Phử")
    Membership.objects.create(
        user=head, unit=filled.world.btg, role="viewer", is_head=True, title="Trưởng ban"
    )
    content = consolidation.to_docx(
        consolidation.build(filled.h1), number="15-BC/BTGTU", today=date(2018, 7, 10)
    )
    text, tables = _docx_text(content)
    for expected in (
        "TỈNH ỦY LÀO CAI",
        "BAN TUYÊN GIÁO",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 15-BC/BTGTU",
        "Lào Cai, ngày 10 tháng 7 năm 2018",
        "BÁO CÁO",
        "Sơ kết 6 tháng đầu năm 2018",
        "Nơi nhận:",
        "TRƯỞNG BAN",
        "Giàng Seo Phử",
        "33,3",
        "Thiếu kinh phí tổ chức hội nghị",
        "Đề nghị bổ sung kinh phí",
        "Sở Thông tin và Truyền thông",
        "15.500.000",
    ):
        assert expected in text, expected
    assert "K/T" not in text  # the head signs directly
    unit_table = next(
        t for t in tables if t.rows[0].cells[0].text == "Cơ quan, đơn vị" and len(t.columns) == 8
    )
    total = [c.text for c in unit_table.rows[-1].cells]
    assert total[0] == "Tổng cộng"
    assert total[1] == "3"


def test_xlsx_annex_has_totals_as_formulas(filled):
    wb = load_workbook(io.BytesIO(consolidation.to_xlsx(consolidation.build(filled.h1))))
    ws = wb["Theo đơn vị"]
    assert ws.freeze_panes == "A4"
    assert ws["A3"].value == "Cơ quan, đơn vị"
    last = ws.max_row
    assert ws.cell(last, 1).value == "Tổng cộng"
    assert ws.cell(last, 2).value.startswith("=SUM(B4:B")
    assert ws.cell(last, 8).value == f"=IF(B{last}=0,0,100*(C{last}+D{last})/B{last})"
    budget = wb["Kinh phí"]
    assert budget.cell(budget.max_row, 3).value == f"=SUM(C4:C{budget.max_row - 1})"
    assert budget["C4"].number_format == "#,##0"


def test_command_writes_docx_and_xlsx(filled, tmp_path):
    out = tmp_path / "bc.docx"
    call_command(
        "consolidate",
        "--plan",
        "112-KH/TU",
        "--period",
        "2018-H1",
        "--out",
        str(out),
        "--number",
        "15-BC/BTGTU",
    )
    assert "Số 15-BC/BTGTU" in _docx_text(out.read_bytes())[0]
    xlsx = tmp_path / "bc.xlsx"
    call_command("consolidate", "--plan", "112-KH/TU", "--period", "2018-H1", "--out", str(xlsx))
    assert load_workbook(xlsx).sheetnames[0] == "Theo đơn vị"
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("consolidate", "--plan", "112-KH/TU", "--period", "2019", "--out", str(out))
    with pytest.raises(CommandError):
        call_command("consolidate", "--plan", "112-KH/TU", "--period", "2018-H1", "--out", "x.pdf")


def test_background_export_through_the_pages(client, filled):
    w = filled.world
    client.force_login(w.viewer)
    assert (
        client.post(f"/reporting/periods/{filled.h1.pk}/export/", {"format": "docx"}).status_code
        == 403
    )
    client.force_login(w.coordinator)
    response = client.post(
        f"/reporting/periods/{filled.h1.pk}/export/", {"format": "docx", "number": "15-BC/BTGTU"}
    )
    export = ConsolidatedExport.objects.get()
    assert response["Location"] == f"/reporting/exports/{export.pk}/"
    page = client.get(f"/reporting/exports/{export.pk}/").content.decode()
    assert "Tải về" in page
    download = client.get(f"/reporting/exports/{export.pk}/download/")
    assert "Số 15-BC/BTGTU" in _docx_text(b"".join(download.streaming_content))[0]
    client.force_login(w.agency)
    assert client.get(f"/reporting/exports/{export.pk}/download/").status_code == 404
