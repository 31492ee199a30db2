"""The components of a thi đua ranking: a registry, and the ones built from theodoi's data.

A component turns the province's data for a period into one raw value per ranked
entity (a unit, or a cluster: its members' data taken together), and states how
the raw value is normalised to 0–100:

- ``share``: the raw value is already a share in percent (done / due × 100) and is
  kept as it is;
- ``minmax``: 100 × (value − lowest) / (highest − lowest) among the entities that
  have a value; when all are equal every one gets 100.

An entity with nothing to count for a component (no report due, no follow-up due)
has no value for it: the component is left out of its score and its weights are
rescaled over the components it has (``ranking.py``).

Components are registered by key. The targets-met component comes from the
activities app (``theodoi.activities.targets.targets_met``) and is registered only
when that module exists.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from theodoi.units.models import Unit

SHARE = "share"
MINMAX = "minmax"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

NORMALISATION_RULES: dict[str, Promise] = {
    SHARE: _("share in percent, kept as it is (0–100)"),
    MINMAX: _(
        "min-max: 100 × (value − lowest) / (highest − lowest) among the ranked; all equal: 100 each"
    ),
}


def q2(value: Decimal | float | int) -> Decimal:
    """Two decimals, halves rounded up (the stated rounding of every figure)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Raw:
    """One entity's raw value of a component, with what it counts."""

    value: Decimal
    numerator: int | None = None
    denominator: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "raw": str(self.value),
            "numerator": self.numerator,
            "denominator": self.denominator,
        }


def share(numerator: int, denominator: int) -> Raw | None:
    if not denominator:
        return None
    return Raw(q2(Decimal(100 * numerator) / denominator), numerator, denominator)


@dataclass
class Context:
    """What every component of one ranking reads: the province, the period's dates,
    the day the ranking is computed for, the province's plans of the period's year,
    and a cache components share (a rate table read once for two components)."""

    province: Unit | None
    start: date
    end: date
    today: date
    plan_ids: list[int]
    period_key: str
    cache: dict[str, Any] = field(default_factory=dict)
    # Several provinces are ranked in one pass: each one's plans, and the province
    # whose entities are being ranked (for the links to its data).
    plans_by_province: dict[int, list[int]] = field(default_factory=dict)

    def first_plan(self) -> int | None:
        """The plan the links of the province being ranked point to."""
        if self.province is not None and self.plans_by_province:
            mine = self.plans_by_province.get(self.province.pk)
            return mine[0] if mine else None
        return self.plan_ids[0] if self.plan_ids else None

    @property
    def until(self) -> date:
        """The last day counted: the period's end, or yesterday while it runs."""
        from datetime import timedelta

        return min(self.end, self.today - timedelta(days=1))


Groups = Mapping[Any, frozenset[int]]


class Component(Protocol):
    key: str
    label: Promise | str
    rule: Promise | str
    normalise: str
    levels: frozenset[str]

    def raw(self, ctx: Context, groups: Groups) -> dict[Any, Raw]: ...

    def link(self, ctx: Context, unit_ids: frozenset[int]) -> str: ...


REGISTRY: dict[str, Component] = {}


def register(component: Component) -> Component:
    REGISTRY[component.key] = component
    return component


def unregister(key: str) -> None:
    REGISTRY.pop(key, None)


def for_level(level: str) -> list[Component]:
    """The registered components a level is ranked on, in registration order."""
    return [c for c in REGISTRY.values() if level in c.levels]


ALL_LEVELS = frozenset({"agency", "district", "cluster"})


# Reports: completeness and timeliness ---------------------------------------------


def _report_rates(ctx: Context, units: frozenset[int]) -> dict[int, Any]:
    """Each unit's reports of the periods within the ranking period, by the rule of
    ``theodoi.reporting.rates.rate_table`` (who owes a report: ``periods.owing_by_period``;
    a report not yet due counts only once received; on time by the local date), for
    the ranked units only and for several plans at once (3 queries).

    Who owes which period is joined in SQL (a unit assigned a work item active in
    the period while the unit exists); the queries are bounded by the plans, and
    the ranked units are picked in Python: a list of a thousand ids bound into
    each query cost more than the rows it saved."""
    if "rates" in ctx.cache:
        return ctx.cache["rates"]
    from django.db.models.functions import TruncDate

    from theodoi.plans.models import Assignment
    from theodoi.reporting.models import ProgressReport, ReportingPeriod
    from theodoi.reporting.rates import Rate

    periods = list(
        ReportingPeriod.objects.filter(
            plan_id__in=ctx.plan_ids, start__gte=ctx.start, end__lte=ctx.end
        ).values_list("pk", "due")
    )
    period = "work_item__task__plan__reporting_periods"
    owed_rows = (
        Assignment.objects.filter(
            Q(unit__active_from__isnull=True) | Q(unit__active_from__lte=F(f"{period}__end")),
            Q(unit__active_to__isnull=True) | Q(unit__active_to__gte=F(f"{period}__start")),
            work_item__task__plan_id__in=ctx.plan_ids,
            **{f"{period}__start__gte": ctx.start, f"{period}__end__lte": ctx.end},
            work_item__start__lte=F(f"{period}__end"),
            work_item__end__gte=F(f"{period}__start"),
        )
        .values_list("unit_id", f"{period}__id")
        .order_by()
        .distinct()
    )
    owed = [pair for pair in owed_rows if pair[0] in units]
    due_of = dict(periods)
    # The local date of the first sending, computed in SQL (cheaper than reading
    # the timestamps and converting each in Python).
    sent = {
        (unit_id, period_id): day
        for unit_id, period_id, day in ProgressReport.objects.filter(
            period_id__in=list(due_of),
            first_submitted_at__isnull=False,
        )
        .annotate(day=TruncDate("first_submitted_at"))
        .values_list("unit_id", "period_id", "day")
        if unit_id in units
    }
    rates: dict[int, Any] = {}
    for unit_id, period_id in owed:
        at = sent.get((unit_id, period_id))
        due = due_of[period_id]
        if at is None and due >= ctx.today:
            continue  # not yet due: expected only once received
        rate = rates.setdefault(unit_id, Rate())
        rate.expected += 1
        if at is not None:
            rate.received += 1
            rate.on_time += int(at <= due)
    ctx.cache["rates"] = rates
    return rates


_PLAN_MARK = 987654321  # a plan id no database reaches, replaced in the reversed path


def _plan_link(ctx: Context, name: str) -> str:
    """A page of the ranked province's plan: the URL reversed once per ranking and
    name (34 provinces ranked together would otherwise reverse it 34 times)."""
    plan = ctx.first_plan()
    if not plan:
        return ""
    key = ("link", name, plan)
    found = ctx.cache.get(key)
    if found is None:
        pattern = ctx.cache.get(("link", name))
        if pattern is None:
            pattern = ctx.cache[("link", name)] = reverse(name, args=[_PLAN_MARK])
        found = ctx.cache[key] = pattern.replace(str(_PLAN_MARK), str(plan), 1)
    return found


def _reporting_link(ctx: Context) -> str:
    return _plan_link(ctx, "reporting:plan")


@dataclass
class ReportRate:
    key: str
    label: Promise | str
    rule: Promise | str
    attribute: str  # "received" or "on_time"
    normalise: str = SHARE
    levels: frozenset[str] = ALL_LEVELS

    def raw(self, ctx: Context, groups: Groups) -> dict[Any, Raw]:
        units = frozenset().union(*groups.values()) if groups else frozenset()
        rates = _report_rates(ctx, units)
        out: dict[Any, Raw] = {}
        for key, members in groups.items():
            expected = counted = 0
            for unit_id in members:
                rate = rates.get(unit_id)
                if rate is not None:
                    expected += rate.expected
                    counted += getattr(rate, self.attribute)
            found = share(counted, expected)
            if found is not None:
                out[key] = found
        return out

    def link(self, ctx: Context, unit_ids: frozenset[int]) -> str:
        return _reporting_link(ctx)


# Work items done on time --------------------------------------------------------


class WorkOnTime:
    key: str = "work_on_time"
    label: Promise | str = _("Work items done on time")
    rule: Promise | str = _(
        "Work items the unit leads whose end date falls in the period and has passed: "
        "the share its reports give as done by the end date (completed on or before it, "
        "or 'done on time')."
    )
    normalise: str = SHARE
    levels: frozenset[str] = ALL_LEVELS

    def raw(self, ctx: Context, groups: Groups) -> dict[Any, Raw]:
        from theodoi.plans.models import Assignment
        from theodoi.reporting.models import ProgressEntry

        units = frozenset().union(*groups.values()) if groups else frozenset()
        # Bounded by the plans and the period; the ranked units picked in Python
        # (see ``_report_rates``).
        due = {
            (unit_id, item_id): end
            for unit_id, item_id, end in Assignment.objects.filter(
                role=Assignment.Role.LEAD,
                work_item__task__plan_id__in=ctx.plan_ids,
                work_item__end__gte=ctx.start,
                work_item__end__lte=ctx.until,
            ).values_list("unit_id", "work_item_id", "work_item__end")
            if unit_id in units
        }
        done: set[tuple[int, int]] = set()
        if due:
            entries = ProgressEntry.objects.filter(
                report__period__plan_id__in=ctx.plan_ids,
                report__first_submitted_at__isnull=False,
                work_item__end__gte=ctx.start,
                work_item__end__lte=ctx.until,
                status__in=ProgressEntry.DONE,
            ).values_list("report__unit_id", "work_item_id", "status", "completed_on")
            for unit_id, item_id, status, completed_on in entries:
                end = due.get((unit_id, item_id))
                if end is None:
                    continue
                if completed_on is not None:
                    if completed_on <= end:
                        done.add((unit_id, item_id))
                elif status == ProgressEntry.Status.DONE_ON_TIME:
                    done.add((unit_id, item_id))
        by_unit: dict[int, list[tuple[int, int]]] = {}
        for pair in due:
            by_unit.setdefault(pair[0], []).append(pair)
        out: dict[Any, Raw] = {}
        for key, members in groups.items():
            mine = [pair for unit_id in members for pair in by_unit.get(unit_id, ())]
            found = share(sum(1 for pair in mine if pair in done), len(mine))
            if found is not None:
                out[key] = found
        return out

    def link(self, ctx: Context, unit_ids: frozenset[int]) -> str:
        return _reporting_link(ctx)


# Tuyên vận results of a district's communes ------------------------------------------


class Tuyenvan:
    key: str = "tuyenvan"
    label: Promise | str = _("Tuyên vận results of the communes")
    rule: Promise | str = _(
        "The mean of the communes' monthly tuyên vận totals in the period (months not "
        "eligible for classification or without the district's sheet do not count), "
        "then min-max among the ranked."
    )
    normalise: str = MINMAX
    levels: frozenset[str] = frozenset({"district", "cluster"})

    def raw(self, ctx: Context, groups: Groups) -> dict[Any, Raw]:
        from theodoi.tuyenvan.models import MonthlyResult

        units = frozenset().union(*groups.values()) if groups else frozenset()
        rows = (
            MonthlyResult.objects.filter(
                district_id__in=units,
                month__gte=ctx.start.replace(day=1),
                month__lte=ctx.end,
                total__isnull=False,
                eligible=True,
            )
            .values("district_id")
            .annotate(s=Sum("total"), n=Count("pk"))
            .order_by()
        )
        sums = {r["district_id"]: (r["s"], r["n"]) for r in rows}
        out: dict[Any, Raw] = {}
        for key, members in groups.items():
            total = sum((sums[u][0] for u in members if u in sums), Decimal(0))
            months = sum(sums[u][1] for u in members if u in sums)
            if months:
                out[key] = Raw(q2(total / months), None, months)
        return out

    def link(self, ctx: Context, unit_ids: frozenset[int]) -> str:
        query = {"level": "commune", "period": str(ctx.start.year)}
        if len(unit_ids) == 1:
            query["within"] = str(next(iter(unit_ids)))
        return reverse("tuyenvan:rankings") + "?" + urlencode(query)


# Inspection findings closed -------------------------------------------------------------


class FindingsClosed:
    key: str = "findings_closed"
    label: Promise | str = _("Inspection findings closed")
    rule: Promise | str = _(
        "Follow-ups required by inspections of the unit (and of its communes) whose "
        "deadline falls in the period and has passed: the share closed by the deadline."
    )
    normalise: str = SHARE
    levels: frozenset[str] = ALL_LEVELS

    def raw(self, ctx: Context, groups: Groups) -> dict[Any, Raw]:
        from theodoi.reporting.models import FollowUp

        units = frozenset().union(*groups.values()) if groups else frozenset()
        rows = FollowUp.objects.filter(
            inspection__plan_id__in=ctx.plan_ids,
            deadline__gte=ctx.start,
            deadline__lte=ctx.until,
        ).values_list("inspection__unit_id", "inspection__unit__parent_id", "deadline", "closed_on")
        counts: dict[int, list[int]] = {}
        for unit_id, parent_id, deadline, closed_on in rows:
            owner = unit_id if unit_id in units else parent_id
            if owner not in units:
                continue
            tally = counts.setdefault(owner, [0, 0])
            tally[1] += 1
            if closed_on is not None and closed_on <= deadline:
                tally[0] += 1
        out: dict[Any, Raw] = {}
        for key, members in groups.items():
            closed = sum(counts[u][0] for u in members if u in counts)
            total = sum(counts[u][1] for u in members if u in counts)
            found = share(closed, total)
            if found is not None:
                out[key] = found
        return out

    def link(self, ctx: Context, unit_ids: frozenset[int]) -> str:
        return _plan_link(ctx, "reporting:inspections")


# Targets met (the activities app) ----------------------------------------------------------


TARGETS_MODULE = "theodoi.activities.targets"


class TargetsMet:
    """Targets met, from the activities app's contract
    ``targets_met(unit_ids, start, end) -> {unit id: (met, total)}``."""

    key: str = "targets_met"
    label: Promise | str = _("Targets met")
    rule: Promise | str = _(
        "Targets computed from activity records, of the unit, for the period: the share met."
    )
    normalise: str = SHARE
    levels: frozenset[str] = ALL_LEVELS

    def __init__(
        self, source: Callable[[Iterable[int], date, date], Mapping[int, tuple[int, int]]]
    ) -> None:
        self.source = source

    def raw(self, ctx: Context, groups: Groups) -> dict[Any, Raw]:
        units = frozenset().union(*groups.values()) if groups else frozenset()
        found = self.source(sorted(units), ctx.start, ctx.end)
        out: dict[Any, Raw] = {}
        for key, members in groups.items():
            met = sum(found[u][0] for u in members if u in found)
            total = sum(found[u][1] for u in members if u in found)
            value = share(met, total)
            if value is not None:
                out[key] = value
        return out

    def link(self, ctx: Context, unit_ids: frozenset[int]) -> str:
        try:
            return reverse("activities:targets")
        except Exception:
            return ""


def activities_available() -> bool:
    try:
        return importlib.util.find_spec(TARGETS_MODULE) is not None
    except ModuleNotFoundError:
        return False


def register_builtin() -> None:
    """Register the components built from theodoi's data (at app start-up)."""
    register(
        ReportRate(
            key="report_completeness",
            label=_("Reports sent"),
            rule=_("Reports due in the period (past their due date): the share sent."),
            attribute="received",
        )
    )
    register(
        ReportRate(
            key="report_timeliness",
            label=_("Reports on time"),
            rule=_(
                "Reports due in the period (past their due date): the share first sent "
                "by the due date."
            ),
            attribute="on_time",
        )
    )
    register(WorkOnTime())
    register(Tuyenvan())
    register(FindingsClosed())
    if activities_available():
        module = importlib.import_module(TARGETS_MODULE)
        register(TargetsMet(source=module.targets_met))
