"""Reporting periods: their dates, codes and due dates, and who owes a report."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from theodoi.plans.models import Assignment, Plan, WorkItem
from theodoi.units.models import Unit, UnitLineage

from .models import PeriodKind, ReportingPeriod, ReportingSchedule

# Fixed-date public holidays; Tết and Hùng Kings' day move with the lunar
# calendar, so a deployment lists those dates in THEODOI_HOLIDAYS.
FIXED_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))


@dataclass(frozen=True)
class PeriodSpan:
    kind: str
    code: str
    title: str
    start: date
    end: date


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def spans(kind: str, year: int) -> list[PeriodSpan]:
    """The periods of ``kind`` in ``year``, each with its code."""
    if kind == PeriodKind.MONTH:
        return [
            PeriodSpan(
                kind, f"{year}-{m:02d}", f"Tháng {m}/{year}", date(year, m, 1), _month_end(year, m)
            )
            for m in range(1, 13)
        ]
    if kind == PeriodKind.QUARTER:
        return [
            PeriodSpan(
                kind,
                f"{year}-Q{q}",
                f"Quý {_roman(q)} năm {year}",
                date(year, 3 * q - 2, 1),
                _month_end(year, 3 * q),
            )
            for q in range(1, 5)
        ]
    if kind == PeriodKind.HALF:
        return [
            PeriodSpan(
                kind, f"{year}-H1", f"6 tháng đầu năm {year}", date(year, 1, 1), date(year, 6, 30)
            ),
            PeriodSpan(
                kind, f"{year}-H2", f"6 tháng cuối năm {year}", date(year, 7, 1), date(year, 12, 31)
            ),
        ]
    if kind == PeriodKind.YEAR:
        return [PeriodSpan(kind, f"{year}", f"Năm {year}", date(year, 1, 1), date(year, 12, 31))]
    raise ValueError(f"no generated periods of kind {kind!r}")


def _roman(n: int) -> str:
    return ["I", "II", "III", "IV"][n - 1]


def holidays(year: int) -> set[date]:
    days = {date(year, m, d) for m, d in FIXED_HOLIDAYS}
    for text in getattr(settings, "THEODOI_HOLIDAYS", []):
        day = date.fromisoformat(text)
        if day.year == year:
            days.add(day)
    return days


def next_working_day(day: date) -> date:
    off = holidays(day.year) | holidays(day.year + 1)
    while day.weekday() >= 5 or day in off:
        day += timedelta(days=1)
    return day


def due_date(schedule: ReportingSchedule, start: date, end: date) -> date:
    """The due date of a period [start, end] under the schedule's rule."""
    if schedule.rule == ReportingSchedule.Rule.DAY_OF_LAST_MONTH:
        last_day = calendar.monthrange(end.year, end.month)[1]
        due = date(end.year, end.month, min(max(schedule.days, 1), last_day))
    else:
        due = end + timedelta(days=schedule.days)
    if schedule.shift_off_days:
        due = next_working_day(due)
    return due


def generate_periods(plan: Plan) -> list[ReportingPeriod]:
    """Create the periods of the plan's schedule for its year; existing codes are kept."""
    existing = set(plan.reporting_periods.values_list("code", flat=True))
    new = []
    for schedule in plan.reporting_schedules.all():
        for span in spans(schedule.kind, plan.year):
            if span.code in existing:
                continue
            new.append(
                ReportingPeriod(
                    plan=plan,
                    kind=span.kind,
                    code=span.code,
                    title=span.title,
                    start=span.start,
                    end=span.end,
                    due=due_date(schedule, span.start, span.end),
                )
            )
    return ReportingPeriod.objects.bulk_create(new)


# Who owes a report ------------------------------------------------------------


def active_work_items(period: ReportingPeriod) -> Iterable[WorkItem]:
    return WorkItem.objects.filter(task__plan_id=period.plan_id).active_between(
        period.start, period.end
    )


def owing_unit_ids(period: ReportingPeriod) -> set[int]:
    """Units that owe the period a report (``owing_by_period``'s rule)."""
    return owing_by_period([period])[period.pk]


def owing_units(period: ReportingPeriod) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=owing_unit_ids(period)).order_by("position", "name"))


# Across a reform (the 2025 one ended the districts and merged the bans on 30/06/2025),
# a period asks its reports from the units valid on its LAST day. A unit that ceased
# before then owes nothing for the period: its successor (lineage, one reform) owes
# the report for the whole period, for the ceased unit's work items too, whether or
# not they were handed over. What the ceased unit sent anyway is shown, marked, and
# counted in no rate. A unit that began during the period owes it whole.
OWING_RULE = _(
    "A period asks its reports from the units in existence on its last day. A unit "
    "that ceased during the period (a reform) owes none: the unit that succeeded it "
    "reports for the whole period, for the ceased unit's work too; a report the "
    "ceased unit sent anyway is shown but counted in no rate."
)


@dataclass
class Owing:
    """Who owes each period a report, and who ceased during it (``OWING_RULE``)."""

    owing: dict[int, set[int]]  # period id -> unit ids
    # period id -> {ceased unit id: ids of its successors that owe in its place}
    ceased: dict[int, dict[int, list[int]]]


def _active_on(day: date, a_from: date | None, a_to: date | None) -> bool:
    return (a_from is None or a_from <= day) and (a_to is None or a_to >= day)


def owing_and_ceased(periods: list[ReportingPeriod]) -> Owing:
    """``Owing`` for several periods of the same plans: one query, and one more for
    the successors when a unit ceased during one of the periods."""
    result = Owing({p.pk: set() for p in periods}, {p.pk: {} for p in periods})
    if not periods:
        return result
    plan_ids = {p.plan_id for p in periods}
    rows = list(
        Assignment.objects.filter(work_item__task__plan_id__in=plan_ids)
        .values_list(
            "unit_id",
            "unit__active_from",
            "unit__active_to",
            "work_item__task__plan_id",
            "work_item__start",
            "work_item__end",
        )
        .distinct()
    )
    # Units whose work runs in the period but which ended before its last day
    # (during it, or before it began): their successors owe in their place.
    gone: dict[int, dict[int, date]] = {p.pk: {} for p in periods}
    for p in periods:
        for unit_id, a_from, a_to, plan_id, w_start, w_end in rows:
            if plan_id != p.plan_id or w_start > p.end or w_end < p.start:
                continue
            if _active_on(p.end, a_from, a_to):
                result.owing[p.pk].add(unit_id)
            elif a_to is not None and a_to < p.end:
                gone[p.pk][unit_id] = a_to
                if a_to >= p.start:  # existed in the period: shown as ceased
                    result.ceased[p.pk].setdefault(unit_id, [])
    gone_ids = {u for found in gone.values() for u in found}
    if gone_ids:
        links = list(
            UnitLineage.objects.filter(predecessor_id__in=gone_ids)
            .order_by("successor__position", "successor_id")
            .values_list(
                "predecessor_id", "successor_id", "successor__active_from", "successor__active_to"
            )
        )
        for p in periods:
            for before, after, s_from, s_to in links:
                if before in gone[p.pk] and _active_on(p.end, s_from, s_to):
                    result.owing[p.pk].add(after)
                    if before in result.ceased[p.pk]:
                        result.ceased[p.pk][before].append(after)
    return result


def owing_by_period(periods: list[ReportingPeriod]) -> dict[int, set[int]]:
    """Who owes each period a report (``OWING_RULE``), in one or two queries."""
    return owing_and_ceased(periods).owing


def do_set_schedule(
    plan: Plan, *, kind: str, rule: str, days: int, shift_off_days: bool
) -> list[ReportingPeriod]:
    """Set the plan's rule for a period kind, generate missing periods, and move the
    due dates of the generated periods of that kind to the new rule."""
    from django.db import transaction

    with transaction.atomic():
        schedule, _created = ReportingSchedule.objects.update_or_create(
            plan=plan,
            kind=kind,
            defaults={"rule": rule, "days": days, "shift_off_days": shift_off_days},
        )
        created = generate_periods(plan)
        for period in plan.reporting_periods.filter(kind=kind):
            due = due_date(schedule, period.start, period.end)
            if period.due != due:
                period.due = due
                period._change_reason = "schedule changed"
                period.save(update_fields=["due"])
    return created
