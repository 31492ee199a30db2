"""The unit's records of the period beside each work item of a progress report."""

from __future__ import annotations

from typing import Any

from django import template

from theodoi.activities.models import Activity
from theodoi.activities.targets import subtrees
from theodoi.permissions import activities as access

register = template.Library()


def _by_work_item(context: Any, report: Any) -> dict[int, list[Activity]]:
    """The report's unit's records of the period by work item: one query per report."""
    cache = context.render_context.setdefault("activities_beside", {})
    if report.pk not in cache:
        from theodoi.activities.api import held_within

        user = context["request"].user
        period = report.period
        units = subtrees([report.unit_id])[report.unit_id]
        grouped: dict[int, list[Activity]] = {}
        records = (
            held_within(access.visible_activities(user, Activity.objects.all()), units)
            .filter(start__gte=period.start, start__lte=period.end, work_item__isnull=False)
            .order_by("start", "pk")
        )
        for activity in records:
            grouped.setdefault(activity.work_item_id, []).append(activity)
        cache[report.pk] = grouped
    return cache[report.pk]


@register.inclusion_tag("activities/_beside.html", takes_context=True)
def activities_beside(context: Any, report: Any, work_item_id: int) -> dict[str, Any]:
    """Read-only: what the unit recorded for this work item within the report's period."""
    return {
        "records": _by_work_item(context, report).get(work_item_id, []),
        "work_item_id": work_item_id,
    }


@register.inclusion_tag("activities/_actual.html", takes_context=True)
def indicator_actual(context: Any, programme: Any, indicator: Any) -> dict[str, Any]:
    """An indicator's actual, computed from the records by its linked target (the
    programme's indicators evaluated together once per page), with its source."""
    from theodoi.activities.targets import indicator_actuals
    from theodoi.plans.models import Indicator

    cache = context.render_context.setdefault("activities_actuals", {})
    if programme.pk not in cache:
        ids = Indicator.objects.filter(objective__programme=programme).values_list("pk", flat=True)
        cache[programme.pk] = indicator_actuals(list(ids))
    user = context["request"].user
    result = cache[programme.pk].get(indicator.pk)
    if result is not None and not user.has_perm("activities.view_target", result.target):
        result = None
    return {"result": result}
