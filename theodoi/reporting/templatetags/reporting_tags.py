from django import template
from django.utils.translation import gettext as _

from theodoi.documents.party import format_vn_number

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """85.0 -> "85%", 66.7 -> "66,7%"; None -> "—"."""
    if value is None:
        return "—"
    return f"{format_vn_number(float(value), 1).removesuffix(',0')}%"


@register.filter
def vnd(value: int | None) -> str:
    return "—" if value is None else format_vn_number(int(value))


@register.filter
def band(value: float | None) -> str:
    """The DHIS2-style colour band of a rate."""
    if value is None:
        return "r-none"
    if value >= 90:
        return "r-good"
    if value >= 70:
        return "r-fair"
    return "r-poor"


@register.filter
def cell_label(state: str) -> str:
    return {
        "on_time": _("On time"),
        "late": _("Late"),
        "missing": _("Missing"),
        "not_due": _("Not yet due"),
        "ceased": _("Ceased during the period"),
        "none": "",
    }.get(state, state)


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key, key)
