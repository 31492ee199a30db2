from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from theodoi.core.clock import fixed_today
from theodoi.reporting.models import (
    FollowUp,
    Inspection,
    ProgressEntry,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
)
from theodoi.reporting.periods import generate_periods
from theodoi.testing import make_plan, make_work_item

TODAY = date(2018, 7, 20)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


class Setup:
    """Hand-computed agency ranking of 2018-H1 (today 20/07/2018, H1 due 10/07/2018).

    ===========  ========  =======  ==========  ========  ===================
    agency       sent      on time  work        findings  score (20/20/40/20)
    ===========  ========  =======  ==========  ========  ===================
    BDV          1/1 100   1/1 100  1/2  50     1/1 100   80.00
    Sở TT&TT     1/1 100   0/1   0  1/1 100     —         6000/80 = 75.00
    BTG          0/1   0   0/1   0  0/1   0     0/1   0    0.00
    ===========  ========  =======  ==========  ========  ===================
    """

    def __init__(self, world):
        self.world = w = world
        self.plan = make_plan(world)
        ReportingSchedule.objects.create(
            plan=self.plan, kind="half", rule="days_after_end", days=10
        )
        generate_periods(self.plan)
        self.h1 = ReportingPeriod.objects.get(plan=self.plan, code="2018-H1")
        self.item1 = make_work_item(self.plan, lead=w.bdv, end=date(2018, 3, 31))
        self.item2 = make_work_item(self.plan, lead=w.bdv, end=date(2018, 5, 31))
        self.item3 = make_work_item(
            self.plan, lead=w.sotttt, coordinating=w.btg, end=date(2018, 4, 30)
        )
        self.item4 = make_work_item(self.plan, lead=w.btg, end=date(2018, 6, 15))
        bdv = self.report(w.bdv, date(2018, 7, 5))
        self.entry(bdv, self.item1, "done_on_time", date(2018, 3, 30))
        self.entry(bdv, self.item2, "done_late", date(2018, 6, 10))
        so = self.report(w.sotttt, date(2018, 7, 12))
        self.entry(so, self.item3, "done_on_time", date(2018, 4, 30))
        self.follow_up(w.bdv, date(2018, 5, 31), closed=date(2018, 5, 20))
        self.btg_follow_up = self.follow_up(w.btg, date(2018, 6, 30))

    def report(self, unit, sent: date) -> ProgressReport:
        return ProgressReport.objects.create(
            period=self.h1, unit=unit, state="submitted", first_submitted_at=at(sent),
            submitted_at=at(sent),
        )  # fmt: skip

    def entry(self, report, item, status: str, completed_on: date | None) -> ProgressEntry:
        return ProgressEntry.objects.create(
            report=report, work_item=item, role="lead", status=status, percent=100,
            completed_on=completed_on,
        )  # fmt: skip

    def follow_up(self, unit, deadline: date, closed: date | None = None) -> FollowUp:
        inspection = Inspection.objects.create(
            plan=self.plan, unit=unit, held_on=date(2018, 4, 1), team="Đoàn", scope="Kiểm tra",
            created_by=self.world.coordinator,
        )  # fmt: skip
        return FollowUp.objects.create(
            inspection=inspection, text="Khắc phục", deadline=deadline, closed_on=closed
        )

    def tuyenvan(self) -> None:
        """Communes' monthly totals: district 1: 80, 90 (and 70 not eligible); district 2: 60."""
        from theodoi.testing import make_criteria_set
        from theodoi.tuyenvan.models import MonthlyResult

        w = self.world
        criteria = make_criteria_set(w)
        rows = [
            (w.commune1a, w.district1, 1, "80", True),
            (w.commune1a, w.district1, 2, "90", True),
            (w.commune1b, w.district1, 1, "70", False),
            (w.commune2a, w.district2, 1, "60", True),
        ]
        for commune, district, month, total, eligible in rows:
            MonthlyResult.objects.create(
                commune=commune, district=district, province=w.province,
                month=date(2018, month, 1), criteria_set=criteria, total=Decimal(total),
                eligible=eligible,
            )  # fmt: skip


@pytest.fixture
def setup(world):
    with fixed_today(TODAY):
        yield Setup(world)
