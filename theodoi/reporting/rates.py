"""Reporting rates: completeness and timeliness, per unit, period and plan.

A report counts only where it was expected (the unit owed one for the
period), so a rate can never exceed 100%: a report from a unit that did not
exist in the period, or that had no active work item, is not counted. Rates
over several periods add up expected and received reports across them.

Across a reform, a period is owed by the units valid on its last day
(``periods.OWING_RULE``): a unit that ceased during it is shown as "ceased"
(with what it sent) and counted in no rate, its successor owing in its place.
When the table's periods span a reform, each row says which structure its
unit belongs to (``RateTable.structure``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from theodoi.plans.models import WorkItem
from theodoi.units.models import Unit

from .models import ProgressReport, ReportingPeriod
from .periods import OWING_RULE, owing_and_ceased


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
    state: str  # "on_time", "late", "missing", "not_due", "ceased", "none"
    report: ProgressReport | None = None


@dataclass
class RateTable:
    periods: list[ReportingPeriod]
    units: list[Unit]
    cells: dict[tuple[int, int], Cell]  # (unit id, period id)
    by_unit: dict[int, Rate] = field(default_factory=dict)
    by_period: dict[int, Rate] = field(default_factory=dict)
    overall: Rate = field(default_factory=Rate)
    # unit id -> ids of the successors that owe in its place (units that ceased
    # during one of the periods).
    ceased: dict[int, list[int]] = field(default_factory=dict)

    @property
    def owing_rule(self) -> str:
        return str(OWING_RULE)

    @property
    def spans_reform(self) -> bool:
        """Some row's unit began or ended within the periods: rows of two structures."""
        if not self.periods:
            return False
        first = min(p.start for p in self.periods)
        last = max(p.end for p in self.periods)
        return any(
            (u.active_from is not None and first < u.active_from <= last)
            or (u.active_to is not None and first <= u.active_to < last)
            for u in self.units
        )

    def structure(self, unit: Unit) -> str:
        """Which structure the row belongs to, when the table spans a reform:
        "until 30/06/2025" (the former structure) or "from 01/07/2025"."""
        if not self.spans_reform:
            return ""
        if unit.active_to is not None:
            return _("until %(day)s") % {"day": unit.active_to.strftime("%d/%m/%Y")}
        if unit.active_from is not None:
            return _("from %(day)s") % {"day": unit.active_from.strftime("%d/%m/%Y")}
        return ""

    def rows(self) -> list[tuple[Unit, list[Cell], Rate]]:
        return [
            (u, [self.cells[(u.pk, p.pk)] for p in self.periods], self.by_unit[u.pk])
            for u in self.units
        ]

    def labelled_rows(self) -> list[tuple[Unit, str, list[Cell], Rate]]:
        """``rows`` with each unit's structure (empty unless the periods span a reform)."""
        return [(u, self.structure(u), cells, rate) for u, cells, rate in self.rows()]

    def period_rates(self) -> list[Rate]:
        return [self.by_period[p.pk] for p in self.periods]


def rate_table(periods: Iterable[ReportingPeriod], today: date | None = None) -> RateTable:
    """Rates of the given periods, per unit, per period and overall (3 queries)."""
    from theodoi.core import clock

    today = today or clock.today()
    periods = list(periods)
    found = owing_and_ceased(periods)
    owing = found.owing
    ceased = {u: s for by_unit in found.ceased.values() for u, s in by_unit.items()}
    unit_ids = set().union(*owing.values(), ceased) if owing else set()
    units = list(Unit.objects.filter(pk__in=unit_ids).order_by("position", "name"))
    reports = {
        (r.unit_id, r.period_id): r
        for r in ProgressReport.objects.filter(period__in=periods, unit_id__in=unit_ids)
    }
    table = RateTable(periods=periods, units=units, cells={}, ceased=ceased)
    table.by_unit = {u.pk: Rate() for u in units}
    table.by_period = {p.pk: Rate() for p in periods}
    for p in periods:
        for u in units:
            expected = u.pk in owing[p.pk]
            report = reports.get((u.pk, p.pk))
            if not expected:
                gone = u.pk in found.ceased[p.pk]
                table.cells[(u.pk, p.pk)] = Cell(False, "ceased" if gone else "none", report)
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
