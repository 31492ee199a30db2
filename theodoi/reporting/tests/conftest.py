from datetime import date

import pytest

from theodoi.reporting.models import ReportingPeriod, ReportingSchedule
from theodoi.reporting.periods import generate_periods
from theodoi.testing import make_plan, make_work_item


class Setup:
    """A plan with a 6-month and year schedule: BDV leads two items, Sở TT&TT
    coordinates one, commune 1A leads one; H1 is due 10/07/2018."""

    def __init__(self, world):
        self.world = world
        self.plan = make_plan(world, number="112-KH/TU")
        ReportingSchedule.objects.create(
            plan=self.plan, kind="half", rule="days_after_end", days=10
        )
        ReportingSchedule.objects.create(
            plan=self.plan, kind="year", rule="day_of_last_month", days=15
        )
        generate_periods(self.plan)
        self.h1 = ReportingPeriod.objects.get(plan=self.plan, code="2018-H1")
        self.year = ReportingPeriod.objects.get(plan=self.plan, code="2018")
        self.item1 = make_work_item(
            self.plan,
            lead=world.bdv,
            coordinating=world.sotttt,
            title="Tuyên truyền Đề án",
            end=date(2018, 6, 30),
        )
        self.item2 = make_work_item(
            self.plan,
            lead=world.bdv,
            title="Hội nghị báo cáo viên",
            field="Công tác dân vận",
            start=date(2018, 3, 1),
            end=date(2018, 12, 31),
        )
        self.item3 = make_work_item(
            self.plan,
            lead=world.commune1a,
            title="Tuyên truyền ở cơ sở",
            start=date(2018, 2, 1),
            end=date(2018, 5, 31),
        )


@pytest.fixture
def setup(world):
    return Setup(world)
