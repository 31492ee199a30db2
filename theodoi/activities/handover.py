"""The activities' part of a handover (registered with ``theodoi.units.handover``).

- **targets** scoped to the ceased body whose period is not over on the
  effective day take the successor as scope; targets of periods that ended
  before stay (their figures were the old body's).
- **network members** (reporters, propagandists, opinion collaborators) still
  in term on the effective day serve the successor; those whose term ended
  stay on the old body's list.
- **planned activities** the body recorded for the effective day or later
  (not yet held) pass to the successor, as the body that holds them; those
  held before stay its record.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.units.handover import HandoverResult, register

from .models import Activity, NetworkMember, Target


def activities_step(result: HandoverResult) -> None:
    old, new, day = result.predecessor, result.successor, result.effective

    targets = Target.objects.filter(unit=old)
    result.reassign("activity_targets", targets.filter(end__gte=day).order_by("pk"), unit=new)
    result.keep(
        "activity_targets",
        targets.count(),
        _(
            "Targets of periods that ended before the effective day stay: they measured the old "
            "body's records."
        ),
    )

    members = NetworkMember.objects.filter(unit=old)
    in_term = members.filter(Q(term_end__isnull=True) | Q(term_end__gte=day)).order_by("pk")
    result.reassign("network_members", in_term, unit=new)
    result.keep(
        "network_members",
        members.count(),
        _("Members whose term ended before the effective day stay on the old body's list."),
    )

    owned = Activity.objects.filter(owner=old)
    moved = []
    for activity in owned.filter(start__gte=day).order_by("pk"):
        activity.owner = new
        result.save(activity)
        if activity.units.filter(pk=old.pk).exists():
            activity.units.remove(old)
            activity.units.add(new)
        moved.append(activity.pk)
    result.move("planned_activities", moved)
    result.keep(
        "planned_activities",
        owned.count(),
        _("Activities held before the effective day stay the old body's record."),
    )


register(
    "activities",
    activities_step,
    kinds={
        "activity_targets": gettext_lazy("open activity targets"),
        "network_members": gettext_lazy("network members in term"),
        "planned_activities": gettext_lazy("planned activities"),
    },
    order=30,
)
