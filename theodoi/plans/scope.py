"""Which units a plan's work items can be assigned to."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from theodoi.units.models import Unit

from .models import Plan


def plan_units(plan: Plan, keep: Iterable[int] = ()) -> QuerySet[Unit]:
    """The units of the plan's province active during the plan's year.

    ``keep`` adds units already assigned (a unit dissolved since stays
    choosable on the work items that name it).
    """
    province = Unit.objects.descendants(plan.issuer_id, include_self=True).active_between(
        plan.first_day, plan.last_day
    )
    return Unit.objects.filter(Q(pk__in=province.values("pk")) | Q(pk__in=list(keep))).order_by(
        "position", "name"
    )
