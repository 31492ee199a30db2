"""Reporting across the 2025 reform: who owes a period that spans 30/06/2025, and
how the rates count the units that ceased during it."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.utils import timezone
from docx import Document

from theodoi.core.clock import fixed_today
from theodoi.reporting import consolidation
from theodoi.reporting.models import ProgressReport, ReportingPeriod
from theodoi.reporting.periods import owing_and_ceased, owing_unit_ids
from theodoi.reporting.rates import rate_table
from theodoi.testing import make_plan, make_reform, make_work_item

TODAY = date(2026, 3, 1)


def _period(plan, code, start, end, kind="half"):
    return ReportingPeriod.objects.create(
        plan=plan, kind=kind, code=code, title=code, start=start, end=end,
        due=date(end.year + (end.month == 12), end.month % 12 + 1, 10),
    )  # fmt: skip


def _sent(period, unit, day):
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 9))
    return ProgressReport.objects.create(
        period=period, unit=unit, state=ProgressReport.State.SUBMITTED,
        first_submitted_at=moment, submitted_at=moment,
    )  # fmt: skip


@pytest.fixture
def spanning(world):
    """A 2025 plan: the Ban Tuyên giáo and Xã Một A lead year-long items; both
    cease on 30/06/2025 (no handover), succeeded by the merged ban and Xã Một Mới."""
    reform = make_reform(world)
    plan = make_plan(world, year=2025)
    make_work_item(plan, lead=world.btg, start=date(2025, 1, 1), end=date(2025, 12, 31))
    make_work_item(plan, lead=world.commune1a, start=date(2025, 1, 1), end=date(2025, 12, 31))
    h1 = _period(plan, "2025-H1", date(2025, 1, 1), date(2025, 6, 30))
    h2 = _period(plan, "2025-H2", date(2025, 7, 1), date(2025, 12, 31))
    year = _period(plan, "2025", date(2025, 1, 1), date(2025, 12, 31), kind="year")
    return world, reform, plan, h1, h2, year


def test_a_spanning_period_asks_the_units_valid_at_its_end(spanning):
    world, reform, _plan, h1, h2, year = spanning
    assert owing_unit_ids(h1) == {world.btg.pk, world.commune1a.pk}
    # The successors owe the year, for the ceased units' work too.
    assert owing_unit_ids(year) == {reform.ban.pk, reform.commune.pk}
    assert owing_unit_ids(h2) == {reform.ban.pk, reform.commune.pk}
    found = owing_and_ceased([year])
    assert found.ceased[year.pk] == {
        world.btg.pk: [reform.ban.pk],
        world.commune1a.pk: [reform.commune.pk],
    }


def test_ceased_units_count_in_no_rate_and_rows_say_their_structure(spanning):
    world, reform, _plan, h1, h2, year = spanning
    _sent(h1, world.btg, date(2025, 7, 5))
    _sent(year, world.btg, date(2025, 6, 20))  # sent before it ceased: shown, not counted
    _sent(year, reform.ban, date(2026, 1, 5))
    table = rate_table([h1, h2, year], TODAY)
    assert table.cells[(world.btg.pk, year.pk)].state == "ceased"
    assert table.cells[(world.btg.pk, year.pk)].report is not None
    assert table.cells[(reform.ban.pk, year.pk)].state == "on_time"
    # Year: 2 expected (the ban, the new commune), 1 received; BTG's report not in it.
    assert (table.by_period[year.pk].expected, table.by_period[year.pk].received) == (2, 1)
    assert (table.by_unit[world.btg.pk].expected, table.by_unit[world.btg.pk].received) == (1, 1)
    assert table.ceased == {world.btg.pk: [reform.ban.pk], world.commune1a.pk: [reform.commune.pk]}
    assert table.spans_reform
    labels = {u.pk: label for u, label, _cells, _rate in table.labelled_rows()}
    assert labels[world.btg.pk] == "đến 30/06/2025" or labels[world.btg.pk] == "until 30/06/2025"
    assert "01/07/2025" in labels[reform.ban.pk]
    # A table within one structure labels nothing.
    assert not rate_table([h1], TODAY).spans_reform


def test_the_period_page_and_the_document_state_the_rule(client, spanning):
    world, _reform, _plan, _h1, _h2, year = spanning
    client.force_login(world.coordinator)
    with fixed_today(TODAY):
        page = client.get(f"/reporting/periods/{year.pk}/")
        api = client.get(f"/api/v1/periods/{year.pk}/rates")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Thôi hoạt động trong kỳ" in text
    assert "đang hoạt động vào ngày cuối kỳ" in text
    rows = {row["unit"]: row for row in api.json()["units"]}
    assert rows[world.btg.pk]["state"] == "ceased"
    assert rows[world.btg.pk]["structure"]
    assert api.json()["expected"] == 2
    content = consolidation.to_docx(consolidation.build(year), today=TODAY)
    body = " ".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "thôi hoạt động trong kỳ" in body
    assert "Ban Tuyên giáo Tỉnh ủy, đến ngày 30/06/2025, nay là Ban Tuyên giáo và Dân vận" in body
    assert "có 2 cơ quan, đơn vị phải báo cáo" in body


def _annex_rows(content: bytes) -> list[str]:
    return [
        row.cells[0].text for table in Document(io.BytesIO(content)).tables for row in table.rows
    ]


def test_the_consolidated_rows_say_their_structure_across_the_reform(spanning):
    from openpyxl import load_workbook

    world, reform, plan, h1, _h2, year = spanning
    make_work_item(plan, lead=reform.ban, start=date(2025, 7, 1), end=date(2025, 12, 31))
    data = consolidation.build(year)
    label = "Ban Tuyên giáo và Dân vận Tỉnh ủy (từ 01/07/2025)"
    assert label in _annex_rows(consolidation.to_docx(data, today=TODAY))
    sheet = load_workbook(io.BytesIO(consolidation.to_xlsx(data)))["Theo đơn vị"]
    assert label in [c.value for c in sheet["A"]]
    # A period within one structure labels nothing.
    rows = _annex_rows(consolidation.to_docx(consolidation.build(h1), today=date(2025, 7, 6)))
    assert world.btg.name in rows and not any("(đến" in r or "(từ" in r for r in rows)


def test_the_2026_consolidated_report_is_the_merged_bans(spanning):
    _world, _reform, _plan, _h1, h2, _year = spanning
    content = consolidation.to_docx(consolidation.build(h2), today=TODAY)
    doc = Document(io.BytesIO(content))
    head = " ".join(c.text for row in doc.tables[0].rows for c in row.cells)
    assert "VÀ DÂN VẬN" in head and "-BC/BTGDVTU" in head
    text = " ".join(
        [p.text for p in doc.paragraphs]
        + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    )
    assert "Lưu VP" in text and "huyện" not in text.lower()
