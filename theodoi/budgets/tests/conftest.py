from datetime import date

import pytest
from django.utils import timezone

from theodoi.budgets import actions
from theodoi.budgets.actions import LineIn
from theodoi.reporting.models import ProgressEntry, ReportingPeriod, ReportingSchedule
from theodoi.reporting.periods import generate_periods
from theodoi.testing import make_plan, make_work_item


class Setup:
    """BDV leads item1 (ends 30/06) and item2 (ends 31/12, another field); commune 1A
    leads item3 (ends 31/05); Sở TT&TT only coordinates item1. Period H1 ends 30/06."""

    def __init__(self, world):
        self.world = world
        self.plan = make_plan(world, number="112-KH/TU")
        ReportingSchedule.objects.create(plan=self.plan, kind="half", rule="days_after_end",
                                         days=10)  # fmt: skip
        generate_periods(self.plan)
        self.h1 = ReportingPeriod.objects.get(plan=self.plan, code="2018-H1")
        self.item1 = make_work_item(self.plan, lead=world.bdv, coordinating=world.sotttt,
                                    title="Tuyên truyền Đề án", end=date(2018, 6, 30))  # fmt: skip
        self.item2 = make_work_item(self.plan, lead=world.bdv, title="Hội nghị báo cáo viên",
                                    field="Công tác dân vận", start=date(2018, 3, 1),
                                    end=date(2018, 12, 31))  # fmt: skip
        self.item3 = make_work_item(self.plan, lead=world.commune1a, title="Tuyên truyền ở cơ sở",
                                    start=date(2018, 2, 1), end=date(2018, 5, 31))  # fmt: skip

    def bdv_lines(self) -> list[LineIn]:
        return [
            LineIn(self.item1.pk, "In tờ rơi", 10_000_000, "provincial", "Quý I", "5.000 tờ"),
            LineIn(self.item1.pk, "Phóng sự", 2_500_000, "programme"),
            LineIn(self.item2.pk, "Hội nghị", 20_000_000, "provincial"),
        ]

    def approved(self, unit, lines):
        w = self.world
        dp = actions.do_open_detailed_plan(self.plan, unit, by=w.agency, lines=lines)
        dp = actions.do_submit(dp, by=w.agency)
        return actions.do_approve(dp, by=w.coordinator)

    def spent(self, unit, amounts: dict):
        """A received H1 report of the unit with these budget_spent per work item."""
        from theodoi.reporting import actions as reporting_actions

        report = reporting_actions.do_start_report(self.h1, unit)
        report.first_submitted_at = timezone.now()
        report.state = "submitted"
        report.save()
        for item, amount in amounts.items():
            ProgressEntry.objects.filter(report=report, work_item=item).update(
                budget_spent=amount
            )
        return report


@pytest.fixture
def setup(world):
    return Setup(world)
