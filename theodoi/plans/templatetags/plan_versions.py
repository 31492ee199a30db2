"""Template tags for plan versions and change proposals, used on pages of other apps too.

``{% plan_versions_card plan %}`` on the plan page; ``{% as_filed report entry %}``
on a report page shows the work item as it was in the version the report was
filed under, when it changed since, and a link that starts a change proposal
from an entry marked "adjustment proposed".
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("plans/_plan_versions_card.html", takes_context=True)
def plan_versions_card(context: dict[str, Any], plan: Any) -> dict[str, Any]:
    user = context["request"].user
    versions = list(
        plan.versions.select_related("approved_by", "decision", "proposal__unit")
        .defer("snapshot")
        .order_by("-number")[:5]
    )
    return {
        "plan": plan,
        "versions": versions,
        "issued": bool(versions),
        "open_proposals": plan.proposals.filter(state__in=("consulting", "submitted")).count(),
        "can_propose": user.has_perm("plans.propose_plan", plan),
        "can_issue": user.has_perm("plans.issue_plan", plan),
    }


@register.inclusion_tag("plans/_as_filed.html")
def as_filed(report: Any, entry: Any) -> dict[str, Any]:
    """The entry's work item as in the version the report was filed under, if it differs."""
    version = report.plan_version
    then = version.work_item(entry.work_item_id) if version is not None else None
    changed = False
    if then is not None:
        item = entry.work_item
        now = {
            "title": item.title,
            "number": item.number,
            "start": item.start.isoformat(),
            "end": item.end.isoformat(),
            "expected_output": item.expected_output,
        }
        changed = any(then.get(k) != v for k, v in now.items())
    return {
        "version": version,
        "then": then,
        "changed": changed,
        "entry": entry,
        "plan_id": report.period.plan_id,
        "propose": entry.status == "change_requested",
    }
