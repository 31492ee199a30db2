"""The budgets' part of a handover (registered with ``theodoi.units.handover``).

A **detailed plan** (estimate) of the ceased body that is not settled yet
(draft, submitted, awaiting the finance opinion, returned) passes to the
successor, where the successor has none of its own for the same plan (a unit
has one estimate per plan and revision; two in progress would be merged by
hand). Approved and superseded ones stay: they were decided on the old
body's estimate.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.units.handover import HandoverResult, register

from .models import DetailedPlan


def budgets_step(result: HandoverResult) -> None:
    mine = DetailedPlan.objects.filter(unit=result.predecessor)
    theirs = set(
        DetailedPlan.objects.filter(unit=result.successor).values_list("plan_id", flat=True)
    )
    moved = []
    for detailed in mine.filter(state__in=DetailedPlan.OPEN).order_by("pk"):
        if detailed.plan_id in theirs:
            continue
        detailed.unit = result.successor
        result.save(detailed)
        moved.append(detailed.pk)
    result.move("detailed_plans", moved)
    result.keep(
        "detailed_plans",
        mine.count(),
        _(
            "Approved and superseded estimates stay the old body's; an open one stays too where "
            "the successor has its own estimate for the same plan (merge them by hand)."
        ),
    )


register(
    "budgets",
    budgets_step,
    kinds={"detailed_plans": gettext_lazy("open detailed plans (estimates)")},
    order=40,
)
