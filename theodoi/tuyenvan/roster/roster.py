"""Generating and checking the attendance roster.

``generate_roster(round)`` decides which official attends which commune's
monthly conference, with OR-Tools CP-SAT, under the round's rules:

1. coverage: each commune's conference has a provincial official at the
   round's provincial frequency (every month, or at least once a quarter) and
   an official of its own district at the district frequency;
2. at most one provincial and one district official per conference;
3. no official above the monthly limit of its kind;
4. no official at two conferences on the same day;
5. no official on a day it declared unavailable;
6. (if set) no official at the same commune in two consecutive months,
   including the months just before and after the round (other rounds);
7. district officials attend only their own district's communes.

Preferred (soft): provincial officials who follow the commune's district, or
(without a district tier) who are assigned to the commune's cluster (cụm xã,
``CommuneCluster.officials``), and an even load. Each assignment outside the
preference costs ``PREFERENCE_COST`` more; ``preference_report(round)`` says
which assignments kept to it and why the others could not. Before solving,
simple counts find the usual impossible cases and say which rule cannot be
met; if the solver still finds no roster, the rules are relaxed one at a time
to name the one at fault.

With "at least once a quarter" in a one-month round, each commune not yet
visited in its quarter is due in a month of the quarter set by its position
(so a quarter's visits spread over its three months) and stays due after.

``violations(round)`` checks a saved roster against the same rules; edits
report the violations they introduce as warnings.
"""

from __future__ import annotations

import importlib
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from theodoi.core import clock
from theodoi.units.models import Membership, Unit

from .models import (
    ConferenceDate,
    OfficialProfile,
    RosterEntry,
    RosterRound,
    Unavailability,
    add_months,
    month_start,
)


# begin perf
class _LazyModule:
    """A module imported on first use: OR-Tools (with numpy and pandas, ~95 MB) is
    loaded by the process that generates a roster, not by every web worker."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


cp_model: Any = _LazyModule("ortools.sat.python.cp_model")
min_cost_flow: Any = _LazyModule("ortools.graph.python.min_cost_flow")
# end perf

PROVINCIAL = RosterEntry.Kind.PROVINCIAL
DISTRICT = RosterEntry.Kind.DISTRICT
KINDS = (PROVINCIAL, DISTRICT)
# The solver stops at the time limit with the best roster found so far: every
# hard rule holds in it, only the preferences may be less than optimal
# (RosterResult.status says "feasible" instead of "optimal").
SOLVER_SECONDS = float(getattr(settings, "TUYENVAN_ROSTER_SECONDS", 4.0))
RELATIVE_GAP = 0.02
SOLVER_WORKERS = int(getattr(settings, "TUYENVAN_ROSTER_WORKERS", 1))
# What an assignment outside the official's district or cluster costs beyond 1.
PREFERENCE_COST = 4


@dataclass
class Official:
    user: User
    kind: str
    unit: Unit
    district_id: int | None  # own district (district officials) or followed district
    unavailable: list[tuple[date, date]] = field(default_factory=list)
    # The communes of the clusters the official is assigned to (no district tier).
    cluster_communes: frozenset[int] = frozenset()

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username

    def prefers(self, commune: Unit) -> bool:
        """The commune is in the official's followed district or in one of its clusters."""
        if self.kind != PROVINCIAL:
            return False
        followed = self.district_id is not None and self.district_id == commune.parent_id
        return followed or commune.pk in self.cluster_communes

    def free_on(self, day: date) -> bool:
        return not any(start <= day <= end for start, end in self.unavailable)


@dataclass
class Conference:
    commune: Unit
    month: date
    day: date


@dataclass
class RosterResult:
    ok: bool
    problems: list[str] = field(default_factory=list)
    entries: list[RosterEntry] = field(default_factory=list)
    seconds: float = 0.0
    status: str = ""


def month_label(month: date) -> str:
    return f"{month.month:02d}/{month.year}"


def quarter_of(month: date) -> date:
    return date(month.year, (month.month - 1) // 3 * 3 + 1, 1)


# Loading ----------------------------------------------------------------------


def round_communes(rnd: RosterRound) -> list[Unit]:
    """The round's communes: active communes under a district of the province, or
    directly under the province (from 7/2025 there is no district tier)."""
    districts = Unit.objects.descendants(rnd.province).filter(kind=Unit.Kind.DISTRICT)
    return list(
        Unit.objects.filter(kind=Unit.Kind.COMMUNE)
        .filter(Q(parent__in=districts) | Q(parent=rnd.province))
        .active_between(rnd.start, rnd.end)
        .select_related("parent")
        .order_by("parent__position", "parent__name", "position", "name")
    )


def round_officials(rnd: RosterRound) -> list[Official]:
    """The attending officials of the round's province, with their unavailable
    days in the round."""
    return province_officials(rnd.province, rnd.start, rnd.end)


def round_clusters(province: Unit, start: date, end: date) -> list[Any]:
    """The province's clusters of communes valid in the period, with their
    communes' and officials' ids (``commune_ids``, ``official_ids``)."""
    from theodoi.tuyenvan.models import CommuneCluster

    clusters = list(
        CommuneCluster.objects.filter(province=province, valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .prefetch_related("communes", "officials")
        .order_by("position", "name", "pk")
    )
    for cluster in clusters:
        cluster.commune_ids = frozenset(c.pk for c in cluster.communes.all())
        cluster.official_ids = frozenset(u.pk for u in cluster.officials.all())
    return clusters


def province_officials(province: Unit, start: date, end: date) -> list[Official]:
    """Accounts with the official role in the province: district officials are
    members of a district committee (or of a body under it), the others are
    provincial officials."""
    subtree = Unit.objects.descendants(province, include_self=True)
    members = (
        Membership.objects.filter(role=Membership.Role.OFFICIAL, unit__in=subtree)
        .select_related("user", "unit__parent")
        .order_by("user__last_name", "user__first_name", "user__username", "pk")
    )
    follows = dict(
        OfficialProfile.objects.filter(user__in=members.values("user")).values_list(
            "user_id", "follows_district_id"
        )
    )
    away: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for user_id, first, last in Unavailability.objects.filter(
        user__in=members.values("user"), end__gte=start, start__lte=end
    ).values_list("user_id", "start", "end"):
        away[user_id].append((first, last))
    cluster_communes: dict[int, set[int]] = defaultdict(set)
    for cluster in round_clusters(province, start, end):
        for user_id in cluster.official_ids:
            cluster_communes[user_id] |= cluster.commune_ids
    officials: dict[int, Official] = {}
    for m in members:
        if m.user_id in officials:
            continue
        unit = m.unit
        if unit.kind == Unit.Kind.DISTRICT:
            kind, district_id = DISTRICT, unit.pk
        elif unit.parent is not None and unit.parent.kind == Unit.Kind.DISTRICT:
            kind, district_id = DISTRICT, unit.parent_id
        elif unit.kind == Unit.Kind.COMMUNE:
            continue
        else:
            kind, district_id = PROVINCIAL, follows.get(m.user_id)
        officials[m.user_id] = Official(
            m.user,
            kind,
            unit,
            district_id,
            away[m.user_id],
            frozenset(cluster_communes[m.user_id]) if kind == PROVINCIAL else frozenset(),
        )
    return list(officials.values())


def default_days(month: date, count: int, offset: int = 0) -> list[date]:
    """Plausible conference days: weekdays from the 5th to the 25th, spread out."""
    days = [
        month + timedelta(days=d) for d in range(4, 25) if (month + timedelta(days=d)).weekday() < 5
    ]
    return [days[(i * 2 + offset) % len(days)] for i in range(count)]


def conference_days(rnd: RosterRound, communes: list[Unit]) -> dict[tuple[int, date], date]:
    """Each commune's conference day per month of the round; missing days are
    proposed (weekdays spread within each district) and saved as defaults."""
    known = {
        (c, m): d
        for c, m, d in ConferenceDate.objects.filter(
            commune__in=communes, month__in=rnd.months
        ).values_list("commune_id", "month", "day")
    }
    by_district: dict[int, list[Unit]] = defaultdict(list)
    for commune in communes:
        by_district[commune.parent_id].append(commune)
    new = []
    for d_index, group in enumerate(by_district.values()):
        for month in rnd.months:
            proposed = default_days(month, len(group), offset=d_index)
            for commune, day in zip(group, proposed, strict=True):
                if (commune.pk, month) not in known:
                    known[(commune.pk, month)] = day
                    new.append(
                        ConferenceDate(commune=commune, month=month, day=day, is_default=True)
                    )
    if new:
        ConferenceDate.objects.bulk_create(new, ignore_conflicts=True)
    return known


def neighbour_entries(rnd: RosterRound) -> list[tuple[int, int, str, date]]:
    """(official, commune, kind, day) of other rounds in the months around this one
    and in the quarters it touches."""
    start = min(add_months(rnd.start, -1), quarter_of(rnd.start))
    end = add_months(quarter_of(rnd.months[-1]), 3)
    return list(
        RosterEntry.objects.filter(round__province=rnd.province, day__gte=start, day__lt=end)
        .exclude(round=rnd)
        .values_list("official_id", "commune_id", "kind", "day")
    )


# Requirements -------------------------------------------------------------------


@dataclass
class Need:
    """At least one official of ``kind`` at one of ``conferences`` (indexes)."""

    kind: str
    commune: Unit
    conferences: list[int]
    period: str


def needs_of(
    rnd: RosterRound,
    communes: list[Unit],
    conferences: list[Conference],
    outside: list[tuple[int, int, str, date]],
) -> list[Need]:
    index = {(c.commune.pk, c.month): i for i, c in enumerate(conferences)}
    covered = {(commune, kind, quarter_of(month_start(day))) for _o, commune, kind, day in outside}
    needs = []
    for kind, freq in (
        (PROVINCIAL, rnd.provincial_frequency),
        (DISTRICT, rnd.district_frequency),
    ):
        for position, commune in enumerate(communes):
            if kind == DISTRICT and not under_district(commune):
                continue  # no district tier: the province's pool alone attends
            if freq == RosterRound.Frequency.MONTHLY:
                for month in rnd.months:
                    needs.append(
                        Need(kind, commune, [index[(commune.pk, month)]], month_label(month))
                    )
            elif freq == RosterRound.Frequency.QUARTERLY:
                quarters = sorted({quarter_of(m) for m in rnd.months})
                for quarter in quarters:
                    if (commune.pk, kind, quarter) in covered:
                        continue
                    q_months = [add_months(quarter, i) for i in range(3)]
                    inside = [m for m in q_months if m in rnd.months]
                    if len(inside) < 3:
                        due = q_months[position % 3]
                        inside = [m for m in inside if m >= due]
                        if not inside:
                            continue
                    label = _("Q%(q)s/%(year)s") % {
                        "q": (quarter.month - 1) // 3 + 1,
                        "year": quarter.year,
                    }
                    needs.append(
                        Need(kind, commune, [index[(commune.pk, m)] for m in inside], label)
                    )
    return needs


def under_district(commune: Unit) -> bool:
    """The commune sits under a district (2018), not directly under the province."""
    return commune.parent is not None and commune.parent.kind == Unit.Kind.DISTRICT


def kind_label(kind: str) -> str:
    return _("a provincial official") if kind == PROVINCIAL else _("a district official")


# Generation ---------------------------------------------------------------------


class _Problem:
    """The CP-SAT model of one round."""

    def __init__(
        self,
        rnd: RosterRound,
        officials: list[Official],
        conferences: list[Conference],
        needs: list[Need],
        outside: list[tuple[int, int, str, date]],
    ) -> None:
        self.rnd = rnd
        self.officials = officials
        self.conferences = conferences
        self.needs = needs
        self.outside_months = {(o, c, month_start(d)) for o, c, _k, d in outside}
        self.limit = {
            PROVINCIAL: rnd.provincial_monthly_limit,
            DISTRICT: rnd.district_monthly_limit,
        }
        # Candidates that break no hard rule on their own.
        self.eligible: dict[int, list[int]] = defaultdict(list)  # conference -> officials
        self.blocked_by_repeat: dict[int, list[int]] = defaultdict(list)
        for ci, conf in enumerate(conferences):
            for oi, off in enumerate(officials):
                if off.kind == DISTRICT and off.district_id != conf.commune.parent_id:
                    continue
                if not off.free_on(conf.day):
                    continue
                if self._repeats_outside(off, conf):
                    self.blocked_by_repeat[ci].append(oi)
                    continue
                self.eligible[ci].append(oi)

    def _repeats_outside(self, off: Official, conf: Conference) -> bool:
        if not self.rnd.no_repeat:
            return False
        uid, cid = off.user.pk, conf.commune.pk
        return (uid, cid, add_months(conf.month, -1)) in self.outside_months or (
            uid,
            cid,
            add_months(conf.month, 1),
        ) in self.outside_months

    # Counting checks, each naming the rule that cannot be met.
    def precheck(self) -> list[str]:
        problems: list[str] = []
        for need in self.needs:
            if not any(
                self.officials[oi].kind == need.kind
                for ci in need.conferences
                for oi in self.eligible[ci]
            ):
                days = ", ".join(
                    formats.date_format(self.conferences[ci].day, "d/m/Y")
                    for ci in need.conferences
                )
                repeat = any(
                    self.officials[oi].kind == need.kind
                    for ci in need.conferences
                    for oi in self.blocked_by_repeat[ci]
                )
                why = (
                    _("the only free officials attended it in the month before or after")
                    if repeat
                    else _("no such official is free that day")
                )
                problems.append(
                    _(
                        "%(commune)s (%(district)s) needs %(kind)s in %(period)s "
                        "(on %(days)s) but %(why)s."
                    )
                    % {
                        "commune": need.commune.name,
                        "district": need.commune.parent.name,
                        "kind": kind_label(need.kind),
                        "period": need.period,
                        "days": days,
                        "why": why,
                    }
                )
        if problems:
            return problems
        problems += self._capacity_checks()
        problems += self._same_day_checks()
        return problems

    def _capacity_checks(self) -> list[str]:
        problems = []
        # Needs of a single conference must be met in that month.
        for kind in KINDS:
            groups: dict[tuple[date, int | None], int] = defaultdict(int)
            for need in self.needs:
                if need.kind == kind and len(need.conferences) == 1:
                    conf = self.conferences[need.conferences[0]]
                    groups[(conf.month, conf.commune.parent_id if kind == DISTRICT else None)] += 1
            for (month, district_id), count in groups.items():
                month_days = {c.day for c in self.conferences if c.month == month}
                pool = [
                    off
                    for off in self.officials
                    if off.kind == kind
                    and (district_id is None or off.district_id == district_id)
                    and any(off.free_on(d) for d in month_days)
                ]
                capacity = len(pool) * self.limit[kind]
                if count > capacity:
                    params = {
                        "n": count,
                        "kind": kind_label(kind),
                        "period": month_label(month),
                        "k": len(pool),
                        "cap": capacity,
                    }
                    if district_id is None:
                        problems.append(
                            _(
                                "%(n)s communes need %(kind)s in %(period)s but the %(k)s "
                                "available officials can attend at most %(cap)s (monthly limit)."
                            )
                            % params
                        )
                    else:
                        params["district"] = next(
                            c.commune.parent.name
                            for c in self.conferences
                            if c.commune.parent_id == district_id
                        )
                        problems.append(
                            _(
                                "%(district)s: %(n)s communes need %(kind)s in %(period)s but "
                                "its %(k)s available officials can attend at most %(cap)s "
                                "(monthly limit)."
                            )
                            % params
                        )
        # All needs of a kind over the round against the officials' total capacity.
        months = self.rnd.months
        for kind in KINDS:
            if kind == DISTRICT:
                continue  # checked per district and month above when monthly
            count = sum(1 for n in self.needs if n.kind == kind)
            pool = [o for o in self.officials if o.kind == kind]
            capacity = len(pool) * self.limit[kind] * len(months)
            if count > capacity:
                problems.append(
                    _(
                        "%(n)s commune visits need %(kind)s in %(period)s but the %(k)s "
                        "officials can attend at most %(cap)s (monthly limit)."
                    )
                    % {
                        "n": count,
                        "kind": kind_label(kind),
                        "period": self.rnd.title,
                        "k": len(pool),
                        "cap": capacity,
                    }
                )
        return problems

    def _same_day_checks(self) -> list[str]:
        problems = []
        for kind in KINDS:
            per_day: dict[tuple[date, int | None], list[Unit]] = defaultdict(list)
            for need in self.needs:
                if need.kind == kind and len(need.conferences) == 1:
                    conf = self.conferences[need.conferences[0]]
                    key = (conf.day, conf.commune.parent_id if kind == DISTRICT else None)
                    per_day[key].append(conf.commune)
            for (day, district_id), communes in per_day.items():
                free = [
                    o
                    for o in self.officials
                    if o.kind == kind
                    and (district_id is None or o.district_id == district_id)
                    and o.free_on(day)
                ]
                if len(communes) > len(free):
                    problems.append(
                        _(
                            "%(n)s communes%(where)s hold their conference on %(day)s and need "
                            "%(kind)s, but only %(k)s such officials are free that day "
                            "(no official attends two conferences the same day)."
                        )
                        % {
                            "n": len(communes),
                            "where": (
                                " " + _("of %(district)s") % {"district": communes[0].parent.name}
                            )
                            if district_id
                            else "",
                            "day": formats.date_format(day, "d/m/Y"),
                            "kind": kind_label(kind),
                            "k": len(free),
                        }
                    )
        return problems

    def _fair_share(self) -> dict[tuple[int, date], int]:
        """Each official's even share of its pool's needs per month (rounded up);
        the pool is the provincial officials, or a district's officials."""

        def pool(kind: str, district_id: int | None) -> tuple[str, int | None]:
            return (kind, district_id if kind == DISTRICT else None)

        demand: dict[tuple[str, int | None], int] = defaultdict(int)
        for need in self.needs:
            demand[pool(need.kind, need.commune.parent_id)] += 1
        sizes: dict[tuple[str, int | None], int] = defaultdict(int)
        for off in self.officials:
            sizes[pool(off.kind, off.district_id)] += 1
        months = len(self.rnd.months)
        share = {}
        for oi, off in enumerate(self.officials):
            key = pool(off.kind, off.district_id)
            fair = math.ceil(demand[key] / months / max(sizes[key], 1))
            for month in self.rnd.months:
                share[(oi, month)] = fair
        return share

    def pools(self) -> list[tuple[str, int | None]]:
        """Independent parts of the problem: the provincial officials, and each
        district's officials (no rule links two pools)."""
        found = {(PROVINCIAL, None)}
        found |= {(DISTRICT, c.commune.parent_id) for c in self.conferences}
        return sorted(found, key=lambda p: (p[0] != PROVINCIAL, p[1] or 0))

    def _in_pool(self, oi: int, pool: tuple[str, int | None]) -> bool:
        off = self.officials[oi]
        return off.kind == pool[0] and (pool[0] == PROVINCIAL or off.district_id == pool[1])

    def solve(
        self, **relax: bool
    ) -> tuple[int, dict[tuple[int, int], bool], tuple[str, int | None] | None]:
        """Solve each pool; return (status, chosen, the first pool with no solution)."""
        chosen: dict[tuple[int, int], bool] = {}
        statuses = []
        for pool in self.pools():
            status, part = self.solve_pool(pool, **relax)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return status, {}, pool
            chosen.update(part)
            statuses.append(status)
        overall = (
            cp_model.OPTIMAL if all(s == cp_model.OPTIMAL for s in statuses) else cp_model.FEASIBLE
        )
        return overall, chosen, None

    def _greedy(self, pool: tuple[str, int | None], x: dict[tuple[int, int], Any]) -> set:
        """A quick roster for the solver to start from: the hardest needs first,
        each to the preferred, least-loaded official who breaks no rule."""
        load: dict[tuple[int, date], int] = defaultdict(int)
        busy: set[tuple[int, date]] = set()
        visits: set[tuple[int, int, date]] = set()
        filled: set[int] = set()
        chosen: set[tuple[int, int]] = set()
        by_conf: dict[int, list[int]] = defaultdict(list)
        for oi, ci in x:
            by_conf[ci].append(oi)
        needs = [
            n
            for n in self.needs
            if n.kind == pool[0] and (pool[0] == PROVINCIAL or n.commune.parent_id == pool[1])
        ]
        needs.sort(key=lambda n: sum(len(by_conf[ci]) for ci in n.conferences))
        for need in needs:
            if any(ci in filled for ci in need.conferences):
                continue
            best = None
            for ci in need.conferences:
                conf = self.conferences[ci]
                for oi in by_conf[ci]:
                    cid = conf.commune.pk
                    if (
                        load[(oi, conf.month)] >= self.limit[pool[0]]
                        or (oi, conf.day) in busy
                        or (oi, cid, add_months(conf.month, -1)) in visits
                        or (oi, cid, add_months(conf.month, 1)) in visits
                    ):
                        continue
                    rank = (
                        not self.officials[oi].prefers(conf.commune),
                        load[(oi, conf.month)],
                        ci,
                        oi,
                    )
                    if best is None or rank < best[0]:
                        best = (rank, oi, ci)
            if best is None:
                continue
            _rank, oi, ci = best
            conf = self.conferences[ci]
            chosen.add((oi, ci))
            filled.add(ci)
            load[(oi, conf.month)] += 1
            busy.add((oi, conf.day))
            visits.add((oi, conf.commune.pk, conf.month))
        return chosen

    def _cost(self, oi: int, ci: int) -> int:
        """An assignment's cost in the objective: 1, plus ``PREFERENCE_COST`` for a
        provincial official who neither follows the commune's district nor is
        assigned to its cluster (when the round prefers them)."""
        off, conf = self.officials[oi], self.conferences[ci]
        if self.rnd.prefer_district and off.kind == PROVINCIAL and not off.prefers(conf.commune):
            return 1 + PREFERENCE_COST
        return 1

    def _flow(self, pool: tuple[str, int | None], keys: list[tuple[int, int]]) -> set | None:
        """The optimal roster of the pool without the no-repeat rule, as a
        min-cost flow: source → need → (official, day) → (official, month) →
        sink. The (official, day) node lets one unit through (no two
        conferences the same day), the (official, month) arcs carry the monthly
        limit and the fairness cost (0 up to the fair share, 2 above it), so
        the flow's cost is the solver's objective. Needs of one kind never share
        a conference, so each conference gets at most one official of the kind.
        None when not every need can be met (the solver then names the rule)."""
        needs = [n for n in self.needs if self._need_in_pool(n, pool)]
        if not needs:
            return set()
        by_conf: dict[int, list[int]] = defaultdict(list)
        for oi, ci in keys:
            by_conf[ci].append(oi)
        target = self._fair_share()
        flow = min_cost_flow.SimpleMinCostFlow()
        source, sink = 0, 1
        nodes: dict[Any, int] = {}

        def node(key: Any) -> int:
            if key not in nodes:
                nodes[key] = len(nodes) + 2
            return nodes[key]

        choice_arcs: dict[int, tuple[int, int]] = {}
        for n, need in enumerate(needs):
            flow.add_arc_with_capacity_and_unit_cost(source, node(("need", n)), 1, 0)
            for ci in need.conferences:
                conf = self.conferences[ci]
                for oi in by_conf[ci]:
                    arc = flow.add_arc_with_capacity_and_unit_cost(
                        node(("need", n)), node(("day", oi, conf.day)), 1, self._cost(oi, ci)
                    )
                    choice_arcs[arc] = (oi, ci)
        # In the order the nodes were made (a set of tuples holding a str would follow
        # the process's hash seed, and the flow's choice among equal rosters with it).
        days = [key for key in nodes if key[0] == "day"]
        for _tag, oi, day in days:
            flow.add_arc_with_capacity_and_unit_cost(
                nodes[("day", oi, day)], node(("month", oi, month_start(day))), 1, 0
            )
        for key in [k for k in nodes if k[0] == "month"]:
            _tag, oi, month = key
            limit = self.limit[self.officials[oi].kind]
            share = min(target.get((oi, month), 0), limit)
            if share:
                flow.add_arc_with_capacity_and_unit_cost(nodes[key], sink, share, 0)
            if limit > share:
                flow.add_arc_with_capacity_and_unit_cost(nodes[key], sink, limit - share, 2)
        flow.set_node_supply(source, len(needs))
        flow.set_node_supply(sink, -len(needs))
        if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
            return None
        if flow.maximum_flow() < len(needs):
            return None
        return {key for arc, key in choice_arcs.items() if flow.flow(arc)}

    def _repeats(self, chosen: set) -> bool:
        """Whether a roster has an official at one commune in consecutive months."""
        if not self.rnd.no_repeat:
            return False
        visits = {
            (oi, self.conferences[ci].commune.pk, self.conferences[ci].month) for oi, ci in chosen
        }
        return any((oi, cid, add_months(month, 1)) in visits for oi, cid, month in visits)

    def _need_in_pool(self, need: Need, pool: tuple[str, int | None]) -> bool:
        return need.kind == pool[0] and (pool[0] == PROVINCIAL or need.commune.parent_id == pool[1])

    def solve_pool(
        self,
        pool: tuple[str, int | None],
        *,
        no_repeat: bool = True,
        same_day: bool = True,
        limits: bool = True,
        optimise: bool = True,
    ) -> tuple[int, dict[tuple[int, int], bool]]:
        model = cp_model.CpModel()
        x: dict[tuple[int, int], cp_model.IntVar] = {}
        eligible = self.eligible
        if not no_repeat:
            eligible = {
                ci: self.eligible.get(ci, []) + self.blocked_by_repeat.get(ci, [])
                for ci in range(len(self.conferences))
            }
        for ci, candidates in eligible.items():
            for oi in candidates:
                if self._in_pool(oi, pool):
                    x[(oi, ci)] = model.new_bool_var(f"x{oi}_{ci}")
        flow_roster = None
        if optimise and no_repeat and same_day and limits:
            flow_roster = self._flow(pool, list(x))
            if flow_roster is not None and not self._repeats(flow_roster):
                # Optimal for the full rules too: no need for the solver.
                return cp_model.OPTIMAL, dict.fromkeys(flow_roster, True)
        by_conf_kind: dict[tuple[int, str], list] = defaultdict(list)
        by_off_month: dict[tuple[int, date], list] = defaultdict(list)
        by_off_day: dict[tuple[int, date], list] = defaultdict(list)
        by_off_commune_month: dict[tuple[int, int, date], cp_model.IntVar] = {}
        for (oi, ci), var in x.items():
            off, conf = self.officials[oi], self.conferences[ci]
            by_conf_kind[(ci, off.kind)].append(var)
            by_off_month[(oi, conf.month)].append(var)
            by_off_day[(oi, conf.day)].append(var)
            by_off_commune_month[(oi, conf.commune.pk, conf.month)] = var
        for group in by_conf_kind.values():
            if len(group) > 1:
                model.add_at_most_one(group)
        for need in self.needs:
            if need.kind != pool[0] or (pool[0] == DISTRICT and need.commune.parent_id != pool[1]):
                continue
            model.add_bool_or(
                [var for ci in need.conferences for var in by_conf_kind.get((ci, need.kind), [])]
            )
        loads = {}
        for (oi, month), group in by_off_month.items():
            if limits:
                model.add(sum(group) <= self.limit[self.officials[oi].kind])
            loads[(oi, month)] = group
        if same_day:
            for group in by_off_day.values():
                if len(group) > 1:
                    model.add_at_most_one(group)
        if no_repeat and self.rnd.no_repeat:
            for (oi, cid, month), var in by_off_commune_month.items():
                after = by_off_commune_month.get((oi, cid, add_months(month, 1)))
                if after is not None:
                    model.add_at_most_one([var, after])
        if optimise:
            terms = [self._cost(oi, ci) * var for (oi, ci), var in x.items()]
            # Fairness: each official-month above its fair share costs 2 per
            # conference (a local penalty: cheaper to solve than a global max).
            target = self._fair_share()
            hint = flow_roster if flow_roster is not None else self._greedy(pool, x)
            hint_load: dict[tuple[int, date], int] = defaultdict(int)
            for oi, ci in hint:
                hint_load[(oi, self.conferences[ci].month)] += 1
            for (oi, month), group in loads.items():
                share = target.get((oi, month), 0)
                # No variable where the share cannot be passed (the limit or the
                # candidates stop it first): fewer variables, a complete hint.
                cap = min(len(group), self.limit[self.officials[oi].kind] if limits else len(group))
                if cap > share:
                    over = model.new_int_var(0, cap - share, f"over{oi}_{month:%Y%m}")
                    model.add(over >= sum(group) - share)
                    terms.append(2 * over)
                    model.add_hint(over, max(0, hint_load[(oi, month)] - share))
            model.minimize(sum(terms))
            for key, var in x.items():
                model.add_hint(var, key in hint)
        solver = cp_model.CpSolver()
        seconds = SOLVER_SECONDS if pool[0] == PROVINCIAL else SOLVER_SECONDS / 5
        # The limit is the solver's deterministic time, so one set of inputs gives one
        # roster whatever the machine's load (the demo and its tests rely on it); the
        # wall-clock limit is only a safety net for a machine far slower than ours.
        budget = seconds if optimise else 3.0
        solver.parameters.max_deterministic_time = budget
        solver.parameters.max_time_in_seconds = 10 * budget
        solver.parameters.num_workers = SOLVER_WORKERS
        if SOLVER_WORKERS == 1:
            # One worker with the full linear relaxation proves these
            # assignment-like models optimal fastest (its bound is tight).
            solver.parameters.linearization_level = 2
        solver.parameters.random_seed = 1
        solver.parameters.relative_gap_limit = RELATIVE_GAP
        status = solver.solve(model)
        chosen = {}
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = {key: True for key, var in x.items() if solver.boolean_value(var)}
        return status, chosen

    def diagnose(self, pool: tuple[str, int | None]) -> str:
        """Name the rule whose relaxation makes the pool's roster possible."""
        relaxations = [
            (
                {"no_repeat": False},
                _(
                    "The rule 'no official at the same commune in consecutive months' cannot be "
                    "met with these officials, dates and limits; add officials or allow repeats."
                ),
            ),
            (
                {"same_day": False},
                _(
                    "The rule 'no official at two conferences the same day' cannot be met: too "
                    "many conferences fall on the same days; move some conference dates."
                ),
            ),
            (
                {"limits": False},
                _(
                    "The monthly limit per official cannot be met with these officials and "
                    "dates; raise the limit or add officials."
                ),
            ),
        ]
        for relax, message in relaxations:
            status, _chosen = self.solve_pool(pool, optimise=False, **relax)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return self._pool_prefix(pool) + message
        return self._pool_prefix(pool) + _(
            "The rules cannot all be met together with these officials and dates; add "
            "officials, raise the limits or lower the visit frequency."
        )

    def _pool_prefix(self, pool: tuple[str, int | None]) -> str:
        if pool[0] == PROVINCIAL:
            return _("Provincial officials: ")
        name = next(
            c.commune.parent.name for c in self.conferences if c.commune.parent_id == pool[1]
        )
        return _("District officials of %(district)s: ") % {"district": name}


def _explain(
    rnd: RosterRound,
    off: Official,
    conf: Conference,
    load: int,
    limit: int,
    need_period: str | None,
    district_names: dict[int, str],
    cluster_names: dict[int, str] | None = None,
) -> str:
    parts = []
    same = off.district_id == conf.commune.parent_id
    cluster = (cluster_names or {}).get(conf.commune.pk)
    if off.kind == DISTRICT:
        parts.append(
            _("%(name)s is an official of %(unit)s (the commune's own district)")
            % {"name": off.name, "unit": off.unit.name}
        )
    elif same:
        parts.append(
            _("%(name)s (%(unit)s) follows %(district)s (preferred: same district)")
            % {
                "name": off.name,
                "unit": off.unit.name,
                "district": district_names[conf.commune.parent_id],
            }
        )
    elif cluster and conf.commune.pk in off.cluster_communes:
        parts.append(
            _("%(name)s (%(unit)s) is assigned to %(cluster)s (preferred: same cluster)")
            % {"name": off.name, "unit": off.unit.name, "cluster": cluster}
        )
    elif cluster:
        parts.append(
            _("%(name)s (%(unit)s): no official assigned to %(cluster)s was free within the rules")
            % {"name": off.name, "unit": off.unit.name, "cluster": cluster}
        )
    else:
        parts.append(
            _("%(name)s (%(unit)s): no official following this district was free within the rules")
            % {"name": off.name, "unit": off.unit.name}
        )
    if rnd.no_repeat:
        parts.append(_("did not attend this commune's conference in the previous month"))
    parts.append(
        _("free on %(day)s, no other conference that day")
        % {"day": formats.date_format(conf.day, "d/m/Y")}
    )
    parts.append(_("%(n)s/%(limit)s conferences in the month") % {"n": load, "limit": limit})
    if need_period:
        parts.append(
            _("the commune needs %(kind)s in %(period)s")
            % {"kind": kind_label(off.kind), "period": need_period}
        )
    return "; ".join(parts) + "."


def generate_roster(rnd: RosterRound) -> RosterResult:
    """Generate the round's roster and save it in place of the round's entries.

    Returns a result with ``ok`` False and translated ``problems`` (saying
    which rule cannot be met) when no roster satisfies the rules; nothing is
    saved then.
    """
    started = time.perf_counter()
    communes = round_communes(rnd)
    officials = round_officials(rnd)
    days = conference_days(rnd, communes)
    conferences = [
        Conference(commune, month, days[(commune.pk, month)])
        for month in rnd.months
        for commune in communes
    ]
    outside = neighbour_entries(rnd)
    needs = needs_of(rnd, communes, conferences, outside)
    problem = _Problem(rnd, officials, conferences, needs, outside)
    problems = problem.precheck()
    if problems:
        return RosterResult(
            False, problems, seconds=time.perf_counter() - started, status="precheck"
        )
    status, chosen, failed = problem.solve()
    if failed is not None:
        message = (
            problem.diagnose(failed)
            if status == cp_model.INFEASIBLE
            else _(
                "No roster was found in the time allowed; lower the visit frequency "
                "or add officials."
            )
        )
        return RosterResult(
            False, [message], seconds=time.perf_counter() - started, status=str(status)
        )
    need_period = {(ci, need.kind): need.period for need in needs for ci in need.conferences}
    loads: dict[tuple[int, date], int] = defaultdict(int)
    district_names = {c.parent_id: c.parent.name for c in communes}
    cluster_names = {
        commune_id: cluster.name
        for cluster in reversed(round_clusters(rnd.province, rnd.start, rnd.end))
        for commune_id in cluster.commune_ids
    }
    entries = []
    for oi, ci in sorted(chosen, key=lambda k: (conferences[k[1]].day, k[1], k[0])):
        off, conf = officials[oi], conferences[ci]
        loads[(oi, conf.month)] += 1
        entries.append(
            RosterEntry(
                round=rnd,
                official=off.user,
                commune=conf.commune,
                kind=off.kind,
                day=conf.day,
                explanation=_explain(
                    rnd,
                    off,
                    conf,
                    loads[(oi, conf.month)],
                    problem.limit[off.kind],
                    need_period.get((ci, off.kind)),
                    district_names,
                    cluster_names,
                ),
            )
        )
    with transaction.atomic():
        rnd.entries.all().delete()
        RosterEntry.objects.bulk_create(entries)
        rnd.generated_at = clock.now()
        rnd.save(update_fields=["generated_at"])
    return RosterResult(
        True,
        entries=entries,
        seconds=time.perf_counter() - started,
        status="optimal" if status == cp_model.OPTIMAL else "feasible",
    )


# Checking a saved roster -----------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    rule: str  # coverage, limit, same_day, repeat, unavailable, district
    message: str
    entry_ids: tuple[int, ...] = ()


def violations(rnd: RosterRound) -> list[Violation]:
    """Every rule a saved roster breaks (for edits, reviews and tests)."""
    communes = round_communes(rnd)
    officials = {o.user.pk: o for o in round_officials(rnd)}
    entries = list(rnd.entries.select_related("official", "commune__parent"))
    outside = neighbour_entries(rnd)
    found: list[Violation] = []
    limit = {PROVINCIAL: rnd.provincial_monthly_limit, DISTRICT: rnd.district_monthly_limit}

    # Coverage: rebuild the needs on the saved conference days.
    days = conference_days(rnd, communes)
    conferences = [Conference(c, m, days[(c.pk, m)]) for m in rnd.months for c in communes]
    index = {(c.commune.pk, c.month): i for i, c in enumerate(conferences)}
    present = {(index.get((e.commune_id, e.month)), e.kind) for e in entries}
    for need in needs_of(rnd, communes, conferences, outside):
        if not any((ci, need.kind) in present for ci in need.conferences):
            found.append(
                Violation(
                    "coverage",
                    _("%(commune)s has no attending official (%(kind)s) in %(period)s.")
                    % {
                        "commune": need.commune.name,
                        "kind": kind_label(need.kind),
                        "period": need.period,
                    },
                )
            )

    per_month: dict[tuple[int, date], list[RosterEntry]] = defaultdict(list)
    per_day: dict[tuple[int, date], list[RosterEntry]] = defaultdict(list)
    visits: dict[tuple[int, int], set[date]] = defaultdict(set)
    for e in entries:
        per_month[(e.official_id, e.month)].append(e)
        per_day[(e.official_id, e.day)].append(e)
        visits[(e.official_id, e.commune_id)].add(e.month)
    for o, c, _k, d in outside:
        visits[(o, c)].add(month_start(d))
    for (_uid, month), group in per_month.items():
        kind = group[0].kind
        if len(group) > limit[kind]:
            found.append(
                Violation(
                    "limit",
                    _("%(name)s has %(n)s conferences in %(month)s, above the limit of %(limit)s.")
                    % {
                        "name": group[0].official.get_full_name() or group[0].official.username,
                        "n": len(group),
                        "month": month_label(month),
                        "limit": limit[kind],
                    },
                    tuple(e.pk for e in group),
                )
            )
    for (_uid, day), group in per_day.items():
        if len(group) > 1:
            found.append(
                Violation(
                    "same_day",
                    _("%(name)s is at %(n)s conferences on %(day)s.")
                    % {
                        "name": group[0].official.get_full_name() or group[0].official.username,
                        "n": len(group),
                        "day": formats.date_format(day, "d/m/Y"),
                    },
                    tuple(e.pk for e in group),
                )
            )
    for e in entries:
        name = e.official.get_full_name() or e.official.username
        off = officials.get(e.official_id)
        if rnd.no_repeat and add_months(e.month, -1) in visits[(e.official_id, e.commune_id)]:
            found.append(
                Violation(
                    "repeat",
                    _("%(name)s attends %(commune)s in two consecutive months (%(month)s).")
                    % {"name": name, "commune": e.commune.name, "month": month_label(e.month)},
                    (e.pk,),
                )
            )
        if off is None:
            found.append(
                Violation(
                    "district",
                    _("%(name)s is not an attending official of this province.") % {"name": name},
                    (e.pk,),
                )
            )
            continue
        if not off.free_on(e.day):
            found.append(
                Violation(
                    "unavailable",
                    _("%(name)s is unavailable on %(day)s.")
                    % {"name": name, "day": formats.date_format(e.day, "d/m/Y")},
                    (e.pk,),
                )
            )
        if off.kind == DISTRICT and off.district_id != e.commune.parent_id:
            found.append(
                Violation(
                    "district",
                    _("%(name)s is a district official of another district than %(commune)s.")
                    % {"name": name, "commune": e.commune.name},
                    (e.pk,),
                )
            )
    return found


# The preference of officials for their district or cluster -------------------------


@dataclass
class PreferenceMiss:
    """An assignment outside the official's district or cluster, and why."""

    entry: RosterEntry
    preferred: str  # the cluster or district whose officials were preferred
    reasons: list[str]


@dataclass
class PreferenceReport:
    by_cluster: bool
    total: int = 0
    respected: int = 0
    misses: list[PreferenceMiss] = field(default_factory=list)

    @property
    def applies(self) -> bool:
        """Whether any provincial assignment was subject to a preference."""
        return self.total > 0


def _official_name(user: User) -> str:
    return user.get_full_name() or user.username


def preference_report(rnd: RosterRound) -> PreferenceReport:
    """How many provincial assignments went to an official of the commune's cluster
    (or followed district), and for each of the others why none of them attends:
    unavailable, at another conference that day, at the monthly limit, at the
    commune the month before or after, or kept for an even load. A few queries
    whatever the round's size."""
    from theodoi.tuyenvan.models import ScoringChain

    chain = ScoringChain.objects.in_force(rnd.province, rnd.start)
    report = PreferenceReport(by_cluster=bool(chain and chain.by_cluster))
    if not rnd.prefer_district:
        return report
    officials = {o.user.pk: o for o in round_officials(rnd)}
    clusters = round_clusters(rnd.province, rnd.start, rnd.end)
    cluster_of: dict[int, Any] = {}
    for cluster in reversed(clusters):
        for commune_id in cluster.commune_ids:
            cluster_of[commune_id] = cluster
    entries = list(
        rnd.entries.filter(kind=PROVINCIAL)
        .select_related("official", "commune__parent", "edited_by")
        .order_by("day", "commune__name", "pk")
    )
    busy: dict[tuple[int, date], list[RosterEntry]] = defaultdict(list)
    load: dict[tuple[int, date], int] = defaultdict(int)
    visits: set[tuple[int, int, date]] = set()
    for e in rnd.entries.select_related("commune"):
        busy[(e.official_id, e.day)].append(e)
        load[(e.official_id, e.month)] += 1
        visits.add((e.official_id, e.commune_id, e.month))
    for o, c, _k, d in neighbour_entries(rnd):
        visits.add((o, c, month_start(d)))
    limit = rnd.provincial_monthly_limit
    for e in entries:
        commune = e.commune
        preferred = [o for o in officials.values() if o.kind == PROVINCIAL and o.prefers(commune)]
        cluster = cluster_of.get(commune.pk)
        group = cluster.name if cluster is not None else commune.parent.name
        nobody_follows = not any(o.district_id for o in officials.values() if o.kind == PROVINCIAL)
        if not preferred and cluster is None and not report.by_cluster and nobody_follows:
            continue  # 2018 with no official following a district: no preference
        report.total += 1
        if e.official_id in {o.user.pk for o in preferred}:
            report.respected += 1
            continue
        reasons = []
        if e.edit_reason:
            reasons.append(_("changed by hand: %(reason)s") % {"reason": e.edit_reason})
        if not preferred:
            reasons.append(
                _("no official is assigned to %(group)s") % {"group": group}
                if cluster is not None or report.by_cluster
                else _("no official follows %(group)s") % {"group": group}
            )
        for o in preferred:
            uid = o.user.pk
            if not o.free_on(e.day):
                why = _("unavailable that day")
            elif busy.get((uid, e.day)):
                why = _("at %(commune)s's conference that day") % {
                    "commune": busy[(uid, e.day)][0].commune.name
                }
            elif load[(uid, e.month)] >= limit:
                why = _("already at %(n)s/%(limit)s conferences in the month") % {
                    "n": load[(uid, e.month)],
                    "limit": limit,
                }
            elif rnd.no_repeat and (
                (uid, commune.pk, add_months(e.month, -1)) in visits
                or (uid, commune.pk, add_months(e.month, 1)) in visits
            ):
                why = _("attends this commune in the month before or after")
            else:
                why = _("kept for the other communes within an even load")
            reasons.append(f"{o.name}: {why}")
        report.misses.append(PreferenceMiss(e, group, reasons))
    return report


# How the roster's communes are grouped (district, or cluster without a district tier)


@dataclass
class Grouping:
    """The grouping of a round's communes in force: districts (2018) or, when the
    scoring chain is by cluster, the province's clusters of communes; a commune
    in no cluster is "directly under the province"."""

    by_cluster: bool
    clusters: list[Any] = field(default_factory=list)
    cluster_of: dict[int, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return _("Cluster") if self.by_cluster else _("District")

    def name_of(self, commune: Unit) -> str:
        if not self.by_cluster:
            return commune.parent.name if commune.parent else ""
        cluster = self.cluster_of.get(commune.pk)
        return cluster.name if cluster is not None else str(_("Directly under the province"))

    def label_entries(self, entries: Any) -> list[RosterEntry]:
        """The entries, each with ``group_name``: its commune's district or cluster."""
        entries = list(entries)
        for e in entries:
            e.group_name = self.name_of(e.commune)
        return entries


def round_grouping(rnd: RosterRound) -> Grouping:
    return province_grouping(rnd.province, rnd.start, rnd.end)


def province_grouping(province: Unit, start: date, end: date | None = None) -> Grouping:
    """The grouping of the province's communes by the chain in force at ``start``."""
    from theodoi.tuyenvan.models import ScoringChain

    chain = ScoringChain.objects.in_force(province, month_start(start))
    if not (chain and chain.by_cluster):
        return Grouping(False)
    clusters = round_clusters(province, start, end or start)
    cluster_of = {}
    for cluster in reversed(clusters):
        for commune_id in cluster.commune_ids:
            cluster_of[commune_id] = cluster
    return Grouping(True, clusters, cluster_of)


def rounds_groupings(rounds: list[RosterRound]) -> dict[int, Grouping]:
    """Each round's grouping, in a number of queries that does not grow with the
    rounds (one for the chains, and the clusters of each province by cluster)."""
    from theodoi.tuyenvan.models import ScoringChain

    chains = list(ScoringChain.objects.filter(province_id__in={r.province_id for r in rounds}))
    clusters: dict[int, list[Any]] = {}
    found: dict[int, Grouping] = {}
    for rnd in rounds:
        in_force = max(
            (
                c
                for c in chains
                if c.province_id == rnd.province_id
                and c.valid_from <= rnd.start
                and (c.valid_to is None or c.valid_to >= rnd.start)
            ),
            key=lambda c: c.valid_from,
            default=None,
        )
        if not (in_force and in_force.by_cluster):
            found[rnd.pk] = Grouping(False)
            continue
        if rnd.province_id not in clusters:
            clusters[rnd.province_id] = round_clusters(rnd.province, date.min, date.max)
        valid = [
            c
            for c in clusters[rnd.province_id]
            if c.valid_from <= rnd.end and (c.valid_to is None or c.valid_to >= rnd.start)
        ]
        cluster_of = {cid: c for c in reversed(valid) for cid in c.commune_ids}
        found[rnd.pk] = Grouping(True, valid, cluster_of)
    return found
