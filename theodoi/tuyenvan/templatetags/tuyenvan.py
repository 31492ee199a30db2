"""Filters for tuyên vận pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from theodoi.documents.issuers import province_committee
from theodoi.documents.party import format_vn_number
from theodoi.tuyenvan.wording import BY_DISTRICT, Wording

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
def source_label(code: str, words: Wording | None = None) -> str:
    """A score source's name, in the words of the month's chain when given
    (``s|source_label:words``: "Huyện chấm" in 2018, "Cụm chấm" in 2026)."""
    return str((words or BY_DISTRICT).source_label(code))


@register.filter
def result_status(status: str, words: Wording | None = None) -> str:
    """A month's status in the words of its chain (``result.status|result_status:words``)."""
    return str((words or BY_DISTRICT).status_label(status, "—"))


@register.filter
def recipient_label(unit: Any) -> str:
    """Where a submission went: a province by its committee ("Tỉnh ủy Lào Cai",
    not the administrative "Tỉnh Lào Cai" of the 2026 structure), else its label."""
    if unit is None:
        return ""
    if unit.kind == unit.Kind.PROVINCE:
        return province_committee(unit.name)
    return str(unit.label)


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
