"""Handing a ceased body's open work to the body that succeeded it.

When the Ban Tuyên giáo and the Ban Dân vận became the Ban Tuyên giáo và Dân
vận Tỉnh ủy (1 July 2025), an administrator hands each old ban's open work to
the merged ban, with a reason (the unit's handover page, or
``theodoi hand-over``). What moves, and what does not:

- **memberships** of the old body move to the successor (same role and
  title); one already held there is not duplicated. The successor keeps its
  own head: a moved head stays head only if the successor has none yet.
- **plans** it coordinates (``Plan.owner``) that still run on the effective
  day (their year is not over) pass to the successor; earlier plans stay
  its own. The issuing body of a plan never changes: it issued it.
- **assignments** it holds that are still open (not done, not cancelled) in
  those running plans pass to the successor; where the successor already
  takes part in the same work item, the two become one (a lead part wins
  over a coordinating one). Closed assignments and those of earlier plans
  stay.
- **reports** it has not sent yet (draft or returned) for periods that end on
  or after the effective day pass to the successor (the units valid at a
  period's end report for it); where the successor already has one, the
  old draft's entries for work items the successor's lacks are moved into it
  and the old draft is removed. Sent and decided reports, and those of
  periods that ended before, stay the old body's.

Nothing is re-attributed: a 2018 report stays the Ban Tuyên giáo's. Every
changed row's history records the person and the reason; a ``UnitHandover``
keeps what moved (ids by kind) and counts what stayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Membership, Unit, UnitHandover, UnitLineage


class HandoverError(ValueError):
    """The handover cannot be done as asked (the message says why, translated)."""


@dataclass
class HandoverResult:
    predecessor: Unit
    successor: Unit
    effective: date
    moved: dict[str, list[int]] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    record: UnitHandover | None = None

    def count(self, kind: str) -> int:
        return len(self.moved.get(kind, []))

    @property
    def anything(self) -> bool:
        return any(self.moved.values())

    def __str__(self) -> str:
        moved = ", ".join(f"{len(ids)} {kind}" for kind, ids in self.moved.items())
        kept = ", ".join(f"{n} {kind}" for kind, n in self.kept.items() if n)
        return f"moved: {moved}; kept: {kept or 'nothing'}"


KINDS = ("memberships", "plans", "assignments", "reports")


def successors_of(unit: Unit) -> list[UnitLineage]:
    """The lineage links from ``unit`` to the bodies it may hand over to."""
    return list(unit.successor_links.select_related("successor").order_by("effective", "pk"))


def _stamp(obj: Any, by: Any, reason: str) -> None:
    obj._history_user = by
    obj._change_reason = reason


def hand_over(
    predecessor: Unit,
    successor: Unit,
    *,
    reason: str,
    by: Any = None,
    effective: date | None = None,
    dry_run: bool = False,
) -> HandoverResult:
    """Hand ``predecessor``'s open work to ``successor`` (see the module's rules).

    The successor must be recorded as the predecessor's successor (a lineage
    link); ``effective`` defaults to that link's date. All or nothing. With
    ``dry_run`` nothing is saved: the result says what would move.
    """
    reason = (reason or "").strip()
    if not reason:
        raise HandoverError(_("Give the reason for the handover."))
    if predecessor.pk == successor.pk:
        raise HandoverError(_("A unit cannot hand over to itself."))
    link = UnitLineage.objects.filter(predecessor=predecessor, successor=successor).first()
    if link is None:
        raise HandoverError(
            _("%(successor)s is not recorded as a successor of %(predecessor)s.")
            % {"successor": successor.name, "predecessor": predecessor.name}
        )
    effective = effective or link.effective
    result = HandoverResult(predecessor, successor, effective, {k: [] for k in KINDS}, {})
    why = _("Handover to %(successor)s: %(reason)s") % {
        "successor": successor.name,
        "reason": reason,
    }
    with transaction.atomic():
        _memberships(result, by, why)
        _plans(result, by, why)
        _assignments(result, by, why)
        _reports(result, by, why)
        if dry_run:
            transaction.set_rollback(True)
        elif result.anything:
            result.record = UnitHandover.objects.create(
                predecessor=predecessor,
                successor=successor,
                effective=effective,
                reason=reason,
                by=by if getattr(by, "pk", None) else None,
                moved=result.moved,
                kept=result.kept,
            )
    return result


def _memberships(result: HandoverResult, by: Any, why: str) -> None:
    successor = result.successor
    held = set(Membership.objects.filter(unit=successor).values_list("user_id", "role"))
    has_head = Membership.objects.filter(unit=successor, is_head=True).exists()
    for m in Membership.objects.filter(unit=result.predecessor).order_by("-is_head", "pk"):
        result.moved["memberships"].append(m.pk)
        _stamp(m, by, why)
        if (m.user_id, m.role) in held:
            m.delete()  # the same role is held at the successor already
        else:
            m.unit = successor
            if m.is_head and has_head:
                m.is_head = False
            has_head = has_head or m.is_head
            m.save()
            held.add((m.user_id, m.role))


def _plans(result: HandoverResult, by: Any, why: str) -> None:
    from theodoi.plans.models import Plan

    owned = Plan.objects.filter(owner=result.predecessor)
    for plan in owned.filter(year__gte=result.effective.year).order_by("pk"):
        plan.owner = result.successor
        _stamp(plan, by, why)
        plan.save()
        result.moved["plans"].append(plan.pk)
    result.kept["plans"] = owned.filter(year__lt=result.effective.year).count()


def _assignments(result: HandoverResult, by: Any, why: str) -> None:
    from theodoi.plans.models import Assignment

    mine = Assignment.objects.filter(unit=result.predecessor)
    running = mine.filter(
        status__in=Assignment.Status.OPEN,  # type: ignore[attr-defined]
        work_item__task__plan__year__gte=result.effective.year,
    ).select_related("work_item")
    theirs = {
        a.work_item_id: a
        for a in Assignment.objects.filter(
            unit=result.successor, work_item_id__in=running.values("work_item_id")
        )
    }
    moved_ids = []
    for assignment in running.order_by("pk"):
        moved_ids.append(assignment.pk)
        other = theirs.get(assignment.work_item_id)
        _stamp(assignment, by, why)
        if other is None:
            assignment.unit = result.successor
            assignment.save()
            continue
        # The successor takes part already: one part, the lead one if either leads.
        if assignment.role == Assignment.Role.LEAD and other.role != Assignment.Role.LEAD:
            other.role = Assignment.Role.LEAD
            other.status = assignment.status
            other.percent_done = assignment.percent_done
            assignment.delete()
            _stamp(other, by, why)
            other.save()
        else:
            assignment.delete()
    result.moved["assignments"] = moved_ids
    result.kept["assignments"] = mine.count()


def _reports(result: HandoverResult, by: Any, why: str) -> None:
    from theodoi.reporting.models import ProgressEntry, ProgressReport

    mine = ProgressReport.objects.filter(unit=result.predecessor)
    pending = mine.filter(
        state__in=ProgressReport.EDITABLE, period__end__gte=result.effective
    ).order_by("pk")
    theirs = {
        r.period_id: r
        for r in ProgressReport.objects.filter(
            unit=result.successor, period_id__in=pending.values("period_id")
        )
    }
    moved_ids = []
    for report in pending:
        moved_ids.append(report.pk)
        other = theirs.get(report.period_id)
        _stamp(report, by, why)
        if other is None:
            report.unit = result.successor
            report.save()
            continue
        have = set(other.entries.values_list("work_item_id", flat=True))
        for entry in ProgressEntry.objects.filter(report=report).exclude(work_item_id__in=have):
            entry.report = other
            _stamp(entry, by, why)
            entry.save()
        report.delete()
    result.moved["reports"] = moved_ids
    result.kept["reports"] = mine.count()
