"""The directions' part of a handover (registered with ``theodoi.units.handover``).

- **follow-ups** assigned to the ceased body and not closed pass to the
  successor; closed ones stay (the old body carried them out).
- **matters** not carried out yet that the body raised, or that are before it
  as the committee (a Tỉnh ủy merged into the new one), pass to the successor;
  those carried out stay.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.units.handover import HandoverResult, register

from .models import FollowUpItem, Matter


def directions_step(result: HandoverResult) -> None:
    old, new = result.predecessor, result.successor

    items = FollowUpItem.objects.filter(unit=old)
    result.reassign("follow_ups", items.filter(closed_on__isnull=True).order_by("pk"), unit=new)
    result.keep(
        "follow_ups",
        items.count(),
        _("Closed follow-ups stay: the old body carried them out."),
    )

    moved = []
    matters = Matter.objects.filter(raised_by=old) | Matter.objects.filter(committee=old)
    for matter in matters.exclude(state=Matter.State.DONE).order_by("pk"):
        if matter.raised_by_id == old.pk:
            matter.raised_by = new
        if matter.committee_id == old.pk:
            matter.committee = new
        result.save(matter)
        moved.append(matter.pk)
    result.move("matters", moved)
    result.keep(
        "matters",
        matters.count(),
        _(
            "Matters carried out stay with the body that raised them and the committee that "
            "directed them."
        ),
    )


register(
    "directions",
    directions_step,
    kinds={
        "follow_ups": gettext_lazy("open follow-ups of directions"),
        "matters": gettext_lazy("matters awaiting or under direction"),
    },
    order=50,
)
