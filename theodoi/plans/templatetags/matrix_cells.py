"""``{% matrix_cells row.grid lead_title L coordinating_title C %}``: one row of
the assignment matrix's cells (the plan matrix page).

The matrix is units × tasks (135 × 30 for a province's plan): its cells in the
template language were most of the page's time; this writes the same markup.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def matrix_cells(
    grid: list[dict[str, int]], lead_title: Any, lead: Any, coordinating_title: Any, coord: Any
) -> SafeString:
    lead_open = f'<span class="badge lead" title="{conditional_escape(lead_title)}">'
    lead_open += conditional_escape(lead)
    coord_open = (
        f' <span class="badge coordinating" title="{conditional_escape(coordinating_title)}">'
    )
    coord_open += conditional_escape(coord)
    numbers: dict[int, str] = {}

    def number(n: int) -> str:
        if n not in numbers:
            numbers[n] = conditional_escape(localize(n))
        return numbers[n]

    out = []
    for cell in grid:
        html = '<td class="num">'
        if cell.get("lead"):
            html += f"{lead_open}{number(cell['lead'])}</span>"
        if cell.get("coordinating"):
            html += f"{coord_open}{number(cell['coordinating'])}</span>"
        out.append(html + "</td>")
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above
