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
    plan._theodoi_issued = bool(versions)  # what the permissions below ask (plan_issued)
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
    if then is not None:
        from datetime import date

        then = {
            **then,
            "start": date.fromisoformat(then["start"]) if then.get("start") else None,
            "end": date.fromisoformat(then["end"]) if then.get("end") else None,
        }
    return {
        "version": version,
        "then": then,
        "changed": changed,
        "entry": entry,
        "plan_id": report.period.plan_id,
        "propose": entry.status == "change_requested",
    }


@register.inclusion_tag("plans/_programme_years.html", takes_context=True)
def programme_years(context: dict[str, Any], programme: Any) -> dict[str, Any]:
    """The programme over its term: each year's plans, the indicators' yearly values."""
    from theodoi.permissions.plans import visible_plans
    from theodoi.plans.programme import years_table

    user = context["request"].user
    plans = list(visible_plans(user, programme.plans.order_by("year", "issued_on")))
    reviews = list(programme.reviews.all())
    for review in reviews:
        # The plans built on the review: those of the year after it.
        review.next_plans = [p for p in plans if p.year == review.last_year + 1]
    return {
        "programme": programme,
        "can_record": user.has_perm("plans.record_values", programme),
        "reviews": reviews,
        **years_table(programme, plans),
    }
