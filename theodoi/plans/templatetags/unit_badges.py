"""``{% unit_badges assignments %}``: a work item's units as badges.

Past five units, all but the first four fold into a "+N" ``<details>``. A tag
rather than an included template: the plan page shows its 200 work items'
badges, and an include per work item was half of that page's rendering time.
It takes Assignment objects or the plan page's dicts (``role``,
``role_display``, ``label``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

register = template.Library()

FOLD_AFTER = 5  # more units than this fold
SHOWN = 4  # units shown before the fold


def _badge(assignment: Any) -> str:
    if isinstance(assignment, dict):
        role, display, label = assignment["role"], assignment["role_display"], assignment["label"]
    else:
        role, display = assignment.role, assignment.get_role_display()
        label = assignment.unit.label
    return _badge_html(str(role), str(display), str(label))


@lru_cache(maxsize=4096)
def _badge_html(role: str, display: str, label: str) -> str:
    """A badge's HTML, made once per role, translated role name and unit: a plan's
    page shows the same few dozen badges hundreds of times."""
    return format_html('<span class="badge {}" title="{}">{}</span> ', role, display, label)


@register.simple_tag
def unit_badges(assignments: Iterable[Any]) -> SafeString:
    badges = [_badge(a) for a in assignments]
    if len(badges) <= FOLD_AFTER:
        return mark_safe(f'\n<span class="unit-badges">{"".join(badges)}</span>\n')  # noqa: S308 - escaped by format_html
    rest = len(badges) - SHOWN
    more = ngettext("%(n)s more unit", "%(n)s more units", rest) % {"n": rest}
    summary = format_html(
        '<details class="more-units"><summary aria-label="{}">+{}</summary>', more, rest
    )
    return mark_safe(  # noqa: S308 - every part escaped by format_html
        f'\n<span class="unit-badges">{"".join(badges[:SHOWN])}{summary}'
        f"{''.join(badges[SHOWN:])}</details></span>\n"
    )
