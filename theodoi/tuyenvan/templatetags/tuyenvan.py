"""Filters for tuyên vận pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from theodoi.documents.party import format_vn_number

register = template.Library()


@register.filter
def pts(value: Decimal | float | None) -> str:
    """Points Vietnamese style, '—' when missing: 87,5."""
    if value is None or value == "":
        return "—"
    return format_vn_number(Decimal(str(value)))


@register.filter
def monthkey(value: Any) -> str:
    return f"{value.year:04d}-{value.month:02d}"


@register.filter
def source_label(code: str) -> str:
    return {
        "self": _("Commune self-assessment"),
        "district": pgettext("score source", "District scorer"),
        "official": _("Attending official"),
        "system": _("System"),
    }.get(str(code), str(code))


@register.filter
def barwidth(value: Any, maximum: Any) -> int:
    try:
        return max(0, min(100, int(Decimal(str(value)) * 100 / Decimal(str(maximum)))))
    except (ArithmeticError, ValueError, TypeError):
        return 0


# begin offline
@register.filter
def ptsinput(value: Any) -> str:
    """Points as typed in a form, Vietnamese style (7,5); typed text unchanged."""
    return format_vn_number(value)


# end offline
