"""Reporting rates: completeness and timeliness, per unit, period and plan.

A report counts only where it was expected (the unit owed one for the
period), so a rate can never exceed 100%: a report from a unit that did not
exist in the period, or that had no active work item, is not counted. Rates
over several periods add up expected and received reports across them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from theodoi.plans.models import WorkItem
from theodoi.units.models import Unit

from .models import ProgressReport, ReportingPeriod
from .periods import owing_by_period


@dataclass
class Rate:
    expected: int = 0
    received: int = 0
    on_time: int = 0

    @property
    def completeness(self) -> float | None:
        return round(100 * self.received / self.expected, 1) if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None

    def add(self, other: Rate) -> None:
        self.expected += other.expected
        self.received += other.received
        self.on_time += other.on_time

    @property
    def band(self) -> str:
        """DHIS2-style colour band of completeness."""
        value = self.completeness
        if value is None:
            return "none"
        if value >= 90:
            return "good"
        if value >= 70:
            return "fair"
        return "poor"


@dataclass
class Cell:
    """One unit in one period: expected?, and the report's standing."""

    expected: bool
    state: str  # "on_time", "late", "missing", "not_due", "none"
    report: ProgressReport | None = None


@dataclass
class RateTable:
    periods: list[ReportingPeriod]
    units: list[Unit]
    cells: dict[tuple[int, int], Cell]  # (unit id, period id)
    by_unit: dict[int, Rate] = field(default_factory=dict)
    by_period: dict[int, Rate] = field(default_factory=dict)
    overall: Rate = field(default_factory=Rate)

    def rows(self) -> list[tuple[Unit, list[Cell], Rate]]:
        return [
            (u, [self.cells[(u.pk, p.pk)] for p in self.periods], self.by_unit[u.pk])
            for u in self.units
        ]

    def period_rates(self) -> list[Rate]:
        return [self.by_period[p.pk] for p in self.periods]


def rate_table(periods: Iterable[ReportingPeriod], today: date | None = None) -> RateTable:
    """Rates of the given periods, per unit, per period and overall (3 queries)."""
    from theodoi.core import clock

    today = today or clock.today()
    periods = list(periods)
    owing = owing_by_period(periods)
    unit_ids = set().union(*owing.values()) if owing else set()
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("position", "name"))
    reports = {
        (r.unit_id, r.period_id): r
        for r in ProgressReport.objects.filter(period__in=periods, unit_id__in=unit_ids)
    }
    table = RateTable(periods=periods, units=units, cells={})
    table.by_unit = {u.pk: Rate() for u in units}
    table.by_period = {p.pk: Rate() for p in periods}
    for p in periods:
        for u in units:
            expected = u.pk in owing[p.pk]
            report = reports.get((u.pk, p.pk))
            if not expected:
                table.cells[(u.pk, p.pk)] = Cell(False, "none", report)
                continue
            received = report is not None and report.first_submitted_at is not None
            if not received and p.due >= today:
                # Not yet due: expected only once received, so early rates stay honest.
                table.cells[(u.pk, p.pk)] = Cell(True, "not_due", report)
                continue
            rate = Rate(expected=1)
            if received:
                rate.received = 1
                on_time = timezone.localdate(report.first_submitted_at) <= p.due
                rate.on_time = int(on_time)
                state = "on_time" if on_time else "late"
            else:
                state = "missing"
            table.cells[(u.pk, p.pk)] = Cell(True, state, report)
            table.by_unit[u.pk].add(rate)
            table.by_period[p.pk].add(rate)
            table.overall.add(rate)
    return table


def overdue_reports(
    periods: Iterable[ReportingPeriod], today: date
) -> list[tuple[ReportingPeriod, Unit, ProgressReport | None]]:
    """Expected reports not submitted although the period is past due."""
    table = rate_table([p for p in periods if p.due < today], today)
    return [
        (p, u, table.cells[(u.pk, p.pk)].report)
        for p in table.periods
        for u in table.units
        if table.cells[(u.pk, p.pk)].state == "missing"
    ]


def overdue_work_items(plan_id: int, today: date) -> list[WorkItem]:
    """Work items past their end with a lead that has not finished, with their units."""
    from django.db.models import Prefetch

    from theodoi.plans.models import Assignment

    return list(
        WorkItem.objects.filter(task__plan_id=plan_id)
        .overdue(today)
        .select_related("task__field")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit"))
        )
        .order_by("end", "position", "pk")
    )
