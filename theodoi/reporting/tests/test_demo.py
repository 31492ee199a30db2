import io
from datetime import date

import pytest

from theodoi.demo.context import DemoContext
from theodoi.reporting import consolidation, demo
from theodoi.reporting.models import ProgressReport, ReportingPeriod
from theodoi.reporting.rates import rate_table
from theodoi.testing import PASSWORD, make_plan, make_work_item

pytestmark = pytest.mark.django_db


def test_demo_hook_builds_a_realistic_first_half(world):
    plan = make_plan(world, number="112-KH/TU")
    units = [
        world.bdv,
        world.sotttt,
        world.district1,
        world.district2,
        world.commune1a,
        world.commune1b,
        world.commune2a,
    ]
    for i, unit in enumerate(units):
        make_work_item(
            plan,
            lead=unit,
            coordinating=world.bdv if unit != world.bdv else None,
            end=date(2018, 6, 30) if i % 2 else date(2018, 11, 30),
        )
        make_work_item(
            plan, lead=unit, field="Công tác dân vận", start=date(2018, 3, 1), end=date(2018, 5, 31)
        )
    out = io.StringIO()
    demo.load(DemoContext(password=PASSWORD, today=date(2018, 7, 15), stdout=out))
    h1 = ReportingPeriod.objects.get(plan=plan, code="2018-H1")
    assert h1.due == date(2018, 7, 10)
    states = set(ProgressReport.objects.filter(period=h1).values_list("state", flat=True))
    assert {"accepted", "submitted", "returned"} <= states
    returned = ProgressReport.objects.get(period=h1, state="returned")
    assert "bổ sung số liệu" in returned.comment
    table = rate_table([h1], date(2018, 7, 15))
    assert table.overall.expected == len(units)
    assert 0 < table.overall.completeness <= 100
    assert "Reporting:" in out.getvalue()
    text = consolidation.to_docx(consolidation.build(h1), number="15-BC/BTGTU")
    assert len(text) > 10_000
