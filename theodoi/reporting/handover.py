"""The reports' part of a handover (registered with ``theodoi.units.handover``).

Reports the ceased body has not sent yet (draft or returned) for periods that
end on or after the effective day pass to the successor (the units valid at a
period's end report for it); where the successor already has one, the old
draft's entries for work items the successor's lacks are moved into it and the
old draft is removed. Sent and decided reports, and those of periods that
ended before, stay the old body's. Inspections of the body stay its own, and
so do their follow-ups; the open ones are counted (not handed over yet).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.units.handover import HandoverResult, register

from .models import FollowUp, ProgressEntry, ProgressReport


def reports_step(result: HandoverResult) -> None:
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
        result.stamp(report)
        if other is None:
            report.unit = result.successor
            result.save(report)
            continue
        have = set(other.entries.values_list("work_item_id", flat=True))
        for entry in ProgressEntry.objects.filter(report=report).exclude(work_item_id__in=have):
            entry.report = other
            result.save(entry)
        report.delete()
    result.move("reports", moved_ids)
    result.keep(
        "reports",
        mine.count(),
        _(
            "Sent and decided reports, and drafts of periods that ended before the effective day, "
            "stay the old body's."
        ),
    )

    open_follow_ups = FollowUp.objects.filter(
        inspection__unit=result.predecessor, closed_on__isnull=True
    )
    result.keep(
        "inspection_follow_ups",
        open_follow_ups.count(),
        _(
            "Inspections stay the inspected unit's, with their follow-ups, open ones too: close or "
            "carry them over by hand (not handed over yet)."
        ),
    )


register(
    "reporting",
    reports_step,
    kinds={
        "reports": gettext_lazy("unsent reports"),
        "inspection_follow_ups": gettext_lazy("open follow-ups of inspections"),
    },
    order=20,
)
