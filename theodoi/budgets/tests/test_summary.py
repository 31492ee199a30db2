"""Totals and estimate vs spent on a hand-computed case.

Approved: BDV item1 10.000.000 (provincial) + 2.500.000 (programme), item2 20.000.000
(provincial); commune 1A item3 5.000.000 (district). H1 reports: BDV spent 15.000.000
on item1 (2.500.000 over), 4.000.000 on item2; commune 1A reported nothing spent on
item3, which ended 31/05 (unspent). Totals: estimate 37.500.000, spent 19.000.000.
"""

import io

import openpyxl
import pytest

from theodoi.budgets import report
from theodoi.budgets.actions import LineIn
from theodoi.budgets.summary import summarise

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(setup):
    w = setup.world
    setup.approved(w.bdv, setup.bdv_lines())
    setup.approved(w.commune1a, [LineIn(setup.item3.pk, "Tuyên truyền", 5_000_000, "district")])
    setup.spent(w.bdv, {setup.item1: 15_000_000, setup.item2: 4_000_000})
    setup.spent(w.commune1a, {})
    return setup


def test_totals_by_unit(case):
    s = summarise(case.plan, case.h1)
    assert (s.estimate, s.spent) == (37_500_000, 19_000_000)
    rows = {r.label: r for r in s.rows("unit")}
    bdv, commune = rows["Ban Dân vận Tỉnh ủy"], rows["Xã Một A"]
    assert (bdv.estimate, bdv.spent, bdv.remaining, bdv.rate) == (
        32_500_000, 19_000_000, 13_500_000, 58.5)  # fmt: skip
    assert bdv.overspent is False and bdv.overspent_items == 1 and bdv.unspent_items == 0
    assert bdv.by_source == {"provincial": 30_000_000, "programme": 2_500_000}
    assert (commune.estimate, commune.spent, commune.remaining) == (5_000_000, None, None)
    assert commune.unspent_items == 1


def test_totals_by_field_work_item_and_source(case):
    s = summarise(case.plan, case.h1)
    fields = {r.label: (r.estimate, r.spent, r.overspent_items, r.unspent_items)
              for r in s.rows("field")}  # fmt: skip
    assert fields == {
        "Công tác tuyên truyền": (17_500_000, 15_000_000, 1, 1),
        "Công tác dân vận": (20_000_000, 4_000_000, 0, 0),
    }
    items = {r.key: r for r in s.rows("work_item")}
    item1 = items[str(case.item1.pk)]
    assert (item1.estimate, item1.spent, item1.remaining, item1.overspent) == (
        12_500_000, 15_000_000, -2_500_000, True)  # fmt: skip
    sources = {r.key: r.estimate for r in s.rows("source")}
    assert sources == {"provincial": 30_000_000, "district": 5_000_000, "programme": 2_500_000}
    assert sum(sources.values()) == s.estimate


def test_spending_without_estimate_is_overspent_and_unapproved_plans_do_not_count(case):
    from theodoi.budgets import actions

    w = case.world
    item4 = case.item2.task.work_items.create(title="Khác", start=case.item2.start,
                                              end=case.item2.end)  # fmt: skip
    item4.assignments.create(unit=w.bdv, role="lead")
    from theodoi.reporting.models import ProgressEntry

    ProgressEntry.objects.create(report=w.bdv.progress_reports.get(), work_item=item4,
                                 role="lead", budget_spent=1_000_000)  # fmt: skip
    dp = w.bdv.detailed_plans.get()
    draft = actions.do_revise(dp, by=w.agency, reason="Thêm")
    actions.do_add_line(draft, LineIn(item4.pk, "Thêm", 9_000_000), by=w.agency)
    s = summarise(case.plan, case.h1)
    assert s.estimate == 37_500_000  # the draft revision is not in force
    assert s.spent == 20_000_000
    cell = next(c for c in s.cells if c.work_item == item4)
    assert (cell.estimate, cell.spent, cell.overspent) == (0, 1_000_000, True)


def test_default_period_is_the_latest_with_reports(case, settings):
    import time_machine

    with time_machine.travel("2018-07-20"):
        assert summarise(case.plan).period == case.h1
    with time_machine.travel("2018-06-20"):
        assert summarise(case.plan).period is None


def test_xlsx_keeps_formulas(case):
    wb = openpyxl.load_workbook(io.BytesIO(report.to_xlsx(summarise(case.plan, case.h1))))
    ws = wb["Theo đơn vị"]
    assert ws["A4"].value == "Ban Dân vận Tỉnh ủy"
    assert (ws["B4"].value, ws["C4"].value) == (32_500_000, 19_000_000)
    assert ws["D4"].value == "=B4-C4"
    assert ws["E4"].value == "=IF(B4=0,0,100*C4/B4)"
    assert ws["B6"].value == "=SUM(B4:B5)"
    assert wb["Theo nguồn"]["B4"].value in (30_000_000, 5_000_000, 2_500_000)
    detail = wb["Chi tiết dự toán"]
    assert detail.max_row >= 3 + 4


def test_consolidated_report_annex(case):
    from docx import Document

    from theodoi.reporting.consolidation import render

    doc = Document(io.BytesIO(render(case.h1, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "chưa được nhập vào hệ thống" not in text
    assert "Dự toán kinh phí theo kế hoạch chi tiết đã được phê duyệt của 2 cơ quan" in text
    assert "37.500.000 đồng" in text and "19.000.000 đồng" in text
    # The body names the largest excess; the annex lists every work item over its estimate.
    assert "Có 1 lượt nhóm công việc sử dụng vượt dự toán (tổng số vượt 2.500.000 đồng)" in text
    assert "5. Kinh phí các nhóm công việc vượt dự toán, chưa giải ngân" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    over = next(i for i, c in enumerate(cells) if "Tuyên truyền Đề án" in c)
    assert cells[over : over + 5][2:] == ["12.500.000", "15.000.000", "Vượt dự toán 2.500.000 đồng"]
    assert "Vượt dự toán" not in cells  # BDV's total is within its estimate
    assert "13.500.000" in cells


def test_spending_of_a_unit_without_an_approved_plan_is_unplanned_not_overspent(setup):
    w = setup.world
    setup.approved(w.bdv, setup.bdv_lines())
    from theodoi.budgets import actions

    actions.do_submit(actions.do_open_detailed_plan(
        setup.plan, w.commune1a, by=w.commune,
        lines=[LineIn(setup.item3.pk, "Tuyên truyền", 5_000_000)]), by=w.commune)  # fmt: skip
    setup.spent(w.commune1a, {setup.item3: 3_000_000})
    s = summarise(setup.plan, setup.h1)
    commune = next(r for r in s.rows("unit") if r.label == "Xã Một A")
    assert (commune.estimate, commune.spent, commune.unplanned_items) == (0, 3_000_000, 1)
    assert not commune.overspent and commune.overspent_items == 0
    assert [dp.unit for dp in s.awaiting] == [w.commune1a]
    field = next(r for r in s.rows("field") if r.label == "Công tác tuyên truyền")
    assert (field.estimate, field.spent, field.planned_spent) == (12_500_000, 3_000_000, 0)
    assert not field.overspent


def test_consolidated_xlsx_has_the_estimates(case):
    from theodoi.reporting.consolidation import render

    ws = openpyxl.load_workbook(io.BytesIO(render(case.h1, "xlsx")))["Kinh phí"]
    rows = {ws.cell(r, 1).value: (ws.cell(r, 2).value, ws.cell(r, 3).value)
            for r in range(4, ws.max_row)}  # fmt: skip
    assert rows["Ban Dân vận Tỉnh ủy"] == (32_500_000, 19_000_000)
    assert rows["Xã Một A"] == (5_000_000, 0)
    assert ws.cell(ws.max_row, 2).value.startswith("=SUM(B")
