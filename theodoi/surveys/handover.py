"""The surveys' part of a handover (registered with ``theodoi.units.handover``).

A **survey** the ceased body owns that is still a draft or open (collecting
answers) passes to the successor, with its collection points and answers;
closed and published surveys stay the old body's (their results were its).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.units.handover import HandoverResult, register

from .models import Survey


def surveys_step(result: HandoverResult) -> None:
    owned = Survey.objects.filter(owner=result.predecessor)
    open_states = (Survey.State.DRAFT, Survey.State.OPEN)
    result.reassign(
        "surveys", owned.filter(state__in=open_states).order_by("pk"), owner=result.successor
    )
    result.keep(
        "surveys",
        owned.count(),
        _("Closed and published surveys stay: their results were the old body's."),
    )


register(
    "surveys", surveys_step, kinds={"surveys": gettext_lazy("draft or open surveys")}, order=60
)
