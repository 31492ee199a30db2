"""Reporting periods: their dates, codes and due dates, and who owes a report."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from theodoi.plans.models import Assignment, Plan, WorkItem
from theodoi.units.models import Unit

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
    """Units that lead or coordinate a work item active in the period and existed during it."""
    return set(
        Unit.objects.active_between(period.start, period.end)
        .filter(
            assignments__work_item__task__plan_id=period.plan_id,
            assignments__work_item__start__lte=period.end,
            assignments__work_item__end__gte=period.start,
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def owing_units(period: ReportingPeriod) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=owing_unit_ids(period)).order_by("position", "name"))


def owing_by_period(periods: list[ReportingPeriod]) -> dict[int, set[int]]:
    """``owing_unit_ids`` for several periods of the same plans, in one query."""
    if not periods:
        return {}
    plan_ids = {p.plan_id for p in periods}
    rows = (
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
    rows = list(rows)
    result: dict[int, set[int]] = {p.pk: set() for p in periods}
    for p in periods:
        for unit_id, a_from, a_to, plan_id, w_start, w_end in rows:
            if plan_id != p.plan_id or w_start > p.end or w_end < p.start:
                continue
            if (a_from and a_from > p.end) or (a_to and a_to < p.start):
                continue
            result[p.pk].add(unit_id)
    return result


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
