"""Targets computed from the records: value, status, trend by month, the records behind it.

A target's measure is one of:

``count``           the records that match its filters;
``share``           of those, the percentage that also match the share's filter
                    (held online; all follow-ups closed) — none when nothing matched;
``sum``             the records' participants (attendance, trainees) or quantity
                    (copies, sessions);
``distinct_units``  the units that held at least one matching record (optionally of
                    one kind, e.g. communes), each counted as the unit it had become
                    by the end of the period (a commune merged mid-year and the
                    commune it joined count once).

A record matches when its kind, mode, level and follow-ups match the target's
filters, its date falls in the target's period, and one of the units that held
it (or the unit it is recorded by) lies in the target's scope: the scope unit's
subtree and the units merged or renamed into it (their records before the
merger count for the unit they joined).

Status: ``green`` when the goal is met; ``red`` when the period is over and it is
not; ``amber`` while the period runs and it is not yet; ``grey`` before the
period begins. The trend gives the value at the end of every month of the
period, counting the records up to that day.

Everything here reads a constant number of queries whatever the number of
targets and records (``evaluate``, ``targets_met``).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.core import clock
from theodoi.units.models import Unit, UnitLineage

from .models import Activity, Kind, Level, Mode, Target

GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
STATUS_LABELS = {
    GREEN: gettext_lazy("Met"),
    AMBER: gettext_lazy("Not yet met"),
    RED: gettext_lazy("Not met"),
    GREY: gettext_lazy("Period not begun"),
}
COMPARE = {
    "gt": lambda v, g: v > g,
    "gte": lambda v, g: v >= g,
    "lt": lambda v, g: v < g,
    "lte": lambda v, g: v <= g,
    "eq": lambda v, g: v == g,
}
# Lineage events after which a unit's records count for its successor.
CARRIED = (UnitLineage.Event.MERGED, UnitLineage.Event.RENAMED)


@dataclass
class Row:
    """An activity as the measures read it."""

    id: int
    kind: str
    start: date
    mode: str
    level: str
    participants: int
    quantity: int
    owner_id: int
    open_follow_ups: int
    units: dict[int, str] = field(default_factory=dict)  # unit id → unit kind


@dataclass
class Result:
    target: Target
    value: Decimal | None
    met: bool
    status: str
    numerator: int | None
    denominator: int | None
    record_ids: list[int]
    numerator_ids: frozenset[int]
    trend: list[tuple[date, Decimal | None]]
    computed_from: str

    @property
    def css(self) -> str:
        """The house's badge class for the status colour."""
        return {GREEN: "s-done", AMBER: "s-due_soon", RED: "s-overdue"}.get(self.status, "s-draft")

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def _month_ends(start: date, end: date) -> list[date]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = date(year, month, calendar.monthrange(year, month)[1])
        months.append(min(last, end))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def subtrees(root_ids: Iterable[int]) -> dict[int, set[int]]:
    """Each root's subtree (itself included), in one query."""
    ids = sorted({int(pk) for pk in root_ids})
    result: dict[int, set[int]] = {pk: {pk} for pk in ids}
    if not ids:
        return result
    table = connection.ops.quote_name(Unit._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    # Only the quoted table name and placeholders are formatted in; the ids are parameters.
    sql = (
        "WITH RECURSIVE sub(root, id) AS ("  # noqa: S608
        f" SELECT id, id FROM {table} WHERE id IN ({marks})"
        f" UNION SELECT sub.root, u.id FROM {table} u JOIN sub ON u.parent_id = sub.id"
        ") SELECT root, id FROM sub"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        for root, pk in cursor.fetchall():
            result[root].add(pk)
    return result


class _Lineage:
    """Merged and renamed units: who became whom, and when (one query)."""

    def __init__(self) -> None:
        self.links = list(
            UnitLineage.objects.filter(event__in=CARRIED).values_list(
                "predecessor_id", "successor_id", "effective"
            )
        )
        self.before: dict[int, list[int]] = defaultdict(list)
        self.after: dict[int, list[tuple[int, date]]] = defaultdict(list)
        for pred, succ, effective in self.links:
            self.before[succ].append(pred)
            self.after[pred].append((succ, effective))

    def with_predecessors(self, ids: set[int]) -> set[int]:
        result = set(ids)
        todo = list(ids)
        while todo:
            for pred in self.before.get(todo.pop(), ()):
                if pred not in result:
                    result.add(pred)
                    todo.append(pred)
        return result

    def successor_on(self, unit_id: int, day: date) -> int:
        """The unit ``unit_id`` had become by ``day`` (itself if it was not merged)."""
        seen = {unit_id}
        current = unit_id
        while True:
            nexts = [s for s, effective in self.after.get(current, ()) if effective <= day]
            if not nexts or nexts[0] in seen:
                return current
            current = nexts[0]
            seen.add(current)


def _load_rows(targets: list[Target], scopes: dict[int, set[int]]) -> list[Row]:
    if not targets:
        return []
    all_units = set().union(*scopes.values()) if scopes else set()
    first = min(t.start for t in targets)
    last = max(t.end for t in targets)
    kinds = {t.kind for t in targets}
    queryset = Activity.objects.filter(start__gte=first, start__lte=last).filter(
        Q(owner_id__in=all_units) | Q(units__in=all_units)
    )
    if "" not in kinds:
        queryset = queryset.filter(kind__in=kinds)
    ids = set(queryset.values_list("pk", flat=True).distinct())
    rows = {
        r["pk"]: Row(
            id=r["pk"],
            kind=r["kind"],
            start=r["start"],
            mode=r["mode"],
            level=r["level"],
            participants=r["participants"],
            quantity=r["quantity"],
            owner_id=r["owner_id"],
            open_follow_ups=r["open"],
        )
        for r in Activity.objects.filter(pk__in=ids)
        .annotate(open=Count("follow_ups", filter=Q(follow_ups__closed_on__isnull=True)))
        .values(
            "pk", "kind", "start", "mode", "level", "participants", "quantity", "owner_id", "open"
        )
    }
    through = Activity.units.through
    for activity_id, unit_id, unit_kind in through.objects.filter(
        activity_id__in=list(rows)
    ).values_list("activity_id", "unit_id", "unit__kind"):
        rows[activity_id].units[unit_id] = unit_kind
    return sorted(rows.values(), key=lambda r: (r.start, r.id))


def _matches(target: Target, row: Row, scope: set[int]) -> bool:
    if target.kind and row.kind != target.kind:
        return False
    if not target.start <= row.start <= target.end:
        return False
    if target.mode and row.mode != target.mode:
        return False
    if target.level and row.level != target.level:
        return False
    if not _follow_ups_match(target.follow_ups, row):
        return False
    return row.owner_id in scope or any(u in scope for u in row.units)


def _follow_ups_match(wanted: str, row: Row) -> bool:
    if wanted == Target.FollowUps.CLOSED:
        return row.open_follow_ups == 0
    if wanted == Target.FollowUps.OPEN:
        return row.open_follow_ups > 0
    return True


def _in_numerator(target: Target, row: Row) -> bool:
    if target.share_mode and row.mode != target.share_mode:
        return False
    return _follow_ups_match(target.share_follow_ups, row)


def _value(
    target: Target, rows: list[Row], scope: set[int], lineage: _Lineage
) -> tuple[Decimal | None, int | None, int | None]:
    M = Target.Measure
    if target.measure == M.COUNT:
        return Decimal(len(rows)), None, None
    if target.measure == M.SHARE:
        numerator = sum(1 for r in rows if _in_numerator(target, r))
        if not rows:
            return None, 0, 0
        share = (Decimal(100 * numerator) / Decimal(len(rows))).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        return share, numerator, len(rows)
    if target.measure == M.SUM:
        attr = target.sum_of or "participants"
        return Decimal(sum(getattr(r, attr) for r in rows)), None, None
    units = {
        lineage.successor_on(unit_id, target.end)
        for r in rows
        for unit_id, kind in r.units.items()
        if unit_id in scope and (not target.unit_kind or kind == target.unit_kind)
    }
    return Decimal(len(units)), None, None


def _status(target: Target, met: bool, today: date) -> str:
    if met:
        return GREEN
    if today < target.start:
        return GREY
    if today > target.end:
        return RED
    return AMBER


def describe(target: Target) -> str:
    """The measure in words, with its filters: what the value is computed from."""
    kind = Kind(target.kind).label if target.kind else _("all records")
    parts = [str(kind)]
    if target.mode:
        parts.append(str(Mode(target.mode).label).lower())
    if target.level:
        parts.append(_("level: %(level)s") % {"level": Level(target.level).label})
    if target.follow_ups:
        parts.append(str(Target.FollowUps(target.follow_ups).label))
    records = ", ".join(parts)
    period = f"{target.start:%d/%m/%Y}–{target.end:%d/%m/%Y}"
    scope = target.unit.name
    M = Target.Measure
    if target.measure == M.SHARE:
        above = []
        if target.share_mode:
            above.append(str(Mode(target.share_mode).label).lower())
        if target.share_follow_ups:
            above.append(str(Target.FollowUps(target.share_follow_ups).label))
        what = _("share %(above)s of records (%(records)s)") % {
            "above": ", ".join(above),
            "records": records,
        }
    elif target.measure == M.SUM:
        what = _("sum of %(field)s over records (%(records)s)") % {
            "field": Target.SumOf(target.sum_of or "participants").label,
            "records": records,
        }
    elif target.measure == M.DISTINCT_UNITS:
        kind_of_unit = Unit.Kind(target.unit_kind).label if target.unit_kind else _("units")
        what = _("%(units)s with at least one record (%(records)s)") % {
            "units": kind_of_unit,
            "records": records,
        }
    else:
        what = _("number of records (%(records)s)") % {"records": records}
    return _("%(what)s, %(period)s, within %(scope)s") % {
        "what": what,
        "period": period,
        "scope": scope,
    }


def evaluate(targets: Iterable[Target], today: date | None = None) -> dict[int, Result]:
    """Every target's result, in a constant number of queries (targets' units loaded)."""
    targets = list(targets)
    today = today or clock.today()
    if not targets:
        return {}
    lineage = _Lineage()
    trees = subtrees(t.unit_id for t in targets)
    scopes = {t.pk: lineage.with_predecessors(trees[t.unit_id]) for t in targets}
    rows = _load_rows(targets, scopes)
    results: dict[int, Result] = {}
    for target in targets:
        scope = scopes[target.pk]
        matching = [r for r in rows if _matches(target, r, scope)]
        value, numerator, denominator = _value(target, matching, scope, lineage)
        met = value is not None and COMPARE[target.comparison](value, target.goal)
        trend = []
        for month_end in _month_ends(target.start, target.end):
            if month_end > today and month_end.replace(day=1) > today:
                break
            so_far = [r for r in matching if r.start <= month_end]
            trend.append((month_end.replace(day=1), _value(target, so_far, scope, lineage)[0]))
        results[target.pk] = Result(
            target=target,
            value=value,
            met=met,
            status=_status(target, met, today),
            numerator=numerator,
            denominator=denominator,
            record_ids=[r.id for r in matching],
            numerator_ids=frozenset(
                r.id
                for r in matching
                if target.measure == Target.Measure.SHARE and _in_numerator(target, r)
            ),
            trend=trend,
            computed_from=describe(target),
        )
    return results


def evaluate_one(target: Target, today: date | None = None) -> Result:
    return evaluate([target], today)[target.pk]


def targets_met(unit_ids: Iterable[int], start: date, end: date) -> dict[int, tuple[int, int]]:
    """Per unit: (targets met, targets) over the targets whose period falls within
    [start, end] and whose scope is the unit or a unit under it.

    The contract for the thi đua rankings: a constant number of queries, every
    unit asked about in the answer ((0, 0) without targets).
    """
    unit_ids = [int(pk) for pk in unit_ids]
    trees = subtrees(unit_ids)
    everything = set().union(*trees.values()) if trees else set()
    targets = list(
        Target.objects.filter(unit_id__in=everything, start__gte=start, end__lte=end)
        .select_related("unit")
        .order_by("pk")
    )
    results = evaluate(targets, today=clock.today())
    answer: dict[int, tuple[int, int]] = {}
    for unit_id in unit_ids:
        mine = [t for t in targets if t.unit_id in trees[unit_id]]
        answer[unit_id] = (sum(1 for t in mine if results[t.pk].met), len(mine))
    return answer


def indicator_actuals(indicator_ids: Iterable[int]) -> dict[int, Result]:
    """The actual of each programme indicator linked to a target: the target's result."""
    targets = list(
        Target.objects.filter(indicator_id__in=list(indicator_ids)).select_related("unit")
    )
    results = evaluate(targets)
    return {t.indicator_id: results[t.pk] for t in targets if t.indicator_id}


def as_dict(result: Result) -> dict[str, Any]:
    """A result for the API and the pages."""
    target = result.target
    return {
        "id": target.pk,
        "name": target.name,
        "unit": target.unit_id,
        "plan": target.plan_id,
        "indicator": target.indicator_id,
        "measure": target.measure,
        "comparison": target.comparison,
        "goal": target.goal,
        "start": target.start,
        "end": target.end,
        "value": result.value,
        "met": result.met,
        "status": result.status,
        "numerator": result.numerator,
        "denominator": result.denominator,
        "records": len(result.record_ids),
        "computed_from": result.computed_from,
        "trend": [{"month": f"{m:%Y-%m}", "value": v} for m, v in result.trend],
        "version": target.version,
    }
