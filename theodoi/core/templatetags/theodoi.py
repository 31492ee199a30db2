"""Template filters for Vietnamese number and money formats."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def vnd(value: int | float | Decimal | None) -> str:
    """Format an amount in đồng with thousands grouped: 1.250.000 ₫."""
    if value is None or value == "":
        return "—"
    return f"{number_format(round(Decimal(value)), 0, force_grouping=True)} ₫"


@register.filter
def percent(value: float | Decimal | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{number_format(value, digits)}%"


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key)
