"""Filters for tuyên vận pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

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


# begin perf
@register.simple_tag(takes_context=True)
def ranking_rows(context: template.Context) -> str:
    """The rankings table's rows, written in one loop (a province's 100+ communes):
    the same HTML as the template loop it replaces, one ``reverse()`` for the links."""
    from django.urls import reverse
    from django.utils.formats import localize
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    def out(value: Any) -> str:
        return str(conditional_escape(localize(value)))

    ranked = context["ranked"]
    if not ranked:
        empty_row = _("No result for this period yet.")
        return mark_safe(  # noqa: S308 - every value escaped
            f'<tr><td colspan="4" class="muted">{conditional_escape(empty_row)}</td></tr>'
        )
    level, within, period = context["level"], context["within"], context["period"]
    openable, max_score = context["openable"], context["max_score"]
    year = out(period.start.year)
    marker = 987654321
    trend = str(conditional_escape(reverse("tuyenvan:trend", args=[marker]))).split(str(marker))
    period_key = out(period.key)
    parts: list[str] = []
    for r in ranked:
        name = out(r.name)
        if level == "commune":
            if r.unit_id in openable:
                cell = f'<a href="{trend[0]}{r.unit_id}{trend[1]}?year={year}">{name}</a>'
            else:
                cell = name
            if within.kind != "district":
                cell += f'<br><small class="muted">{out(r.parent_name)}</small>'
        elif level == "district":
            cell = (
                f'<a href="?period={period_key}&amp;level=commune&amp;within={out(r.unit_id)}">'
                f"{name}</a>"
            )
        else:
            cell = name
        band = (
            f'<span class="badge b-{out(r.band)}">{out(r.band_label)}</span>' if r.band else ""
        )
        parts.append(
            f'\n      <tr><td class="num"><strong>{out(r.rank)}</strong></td>\n'
            f"        <td>{cell}</td>\n"
            f'        <td class="num"><strong>{out(pts(r.score))}</strong> {band}'
            f'<div class="bar"><span style="width: {out(barwidth(r.score, max_score))}%">'
            "</span></div></td>\n"
            f'        <td class="num">{out(r.deductions)}</td></tr>\n    '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped


# end perf
