"""The plans' part of a handover (registered with ``theodoi.units.handover``).

- **plans** the ceased body coordinates (``Plan.owner``) that still run on the
  effective day (their year is not over) pass to the successor; earlier plans
  stay its own. The issuing body of a plan never changes: it issued it.
- **assignments** it holds that are still open (not done, not cancelled) in
  running plans pass to the successor; where the successor already takes part
  in the same work item, the two become one (a lead part wins over a
  coordinating one). Closed assignments and those of earlier plans stay.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.units.handover import HandoverResult, register

from .models import Assignment, Plan


def plans_step(result: HandoverResult) -> None:
    owned = Plan.objects.filter(owner=result.predecessor)
    moved = []
    for plan in owned.filter(year__gte=result.effective.year).order_by("pk"):
        plan.owner = result.successor
        result.save(plan)
        moved.append(plan.pk)
    result.move("plans", moved)
    result.keep(
        "plans",
        owned.filter(year__lt=result.effective.year).count(),
        _(
            "Plans of years ended before the effective day stay with the body that coordinated "
            "them; the issuing body of a plan never changes."
        ),
    )
    _assignments(result)


def _assignments(result: HandoverResult) -> None:
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
        result.stamp(assignment)
        if other is None:
            assignment.unit = result.successor
            result.save(assignment)
            continue
        # The successor takes part already: one part, the lead one if either leads.
        if assignment.role == Assignment.Role.LEAD and other.role != Assignment.Role.LEAD:
            other.role = Assignment.Role.LEAD
            other.status = assignment.status
            other.percent_done = assignment.percent_done
            assignment.delete()
            result.save(other)
        else:
            assignment.delete()
    result.move("assignments", moved_ids)
    result.keep(
        "assignments",
        mine.count(),
        _(
            "Done or cancelled assignments, and those of plans of earlier years, stay: "
            "the work was the old body's."
        ),
    )


register(
    "plans",
    plans_step,
    kinds={"plans": gettext_lazy("running plans"), "assignments": gettext_lazy("open assignments")},
    order=10,
)
