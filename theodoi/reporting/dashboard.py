"""The leadership dashboard: server-rendered SVG bar charts, each with its table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from theodoi.plans.models import Assignment, Plan

from .rates import rate_table


@dataclass
class Chart:
    title: str
    rows: list[tuple[str, float, str]]  # label, value, shown value
    unit: str = "%"
    maximum: float = 100

    def svg(self) -> SafeString:
        """Horizontal bars, each under its label, so long unit names fit a phone."""
        row_h, width, value_w = 40, 420, 90
        height = len(self.rows) * row_h + 4
        scale = (width - value_w) / (self.maximum or 1)
        parts = [
            f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(self.title)}"'
            ' xmlns="http://www.w3.org/2000/svg">'
        ]
        for i, (label, value, shown) in enumerate(self.rows):
            y = i * row_h
            short = label if len(label) <= 60 else label[:59] + "…"
            w = max(0.0, value) * scale
            if self.unit != "%":
                colour = "#1f5fbf"
            else:
                colour = "#1e7b34" if value >= 90 else "#c99700" if value >= 70 else "#c62828"
            parts.append(
                f'<text x="0" y="{y + 14}"><title>{escape(label)}</title>{escape(short)}</text>'
                f'<rect x="0" y="{y + 19}" width="{w:.1f}" height="16" fill="{colour}"/>'
                f'<text x="{w + 4:.1f}" y="{y + 32}">{escape(shown)}</text>'
            )
        parts.append("</svg>")
        return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped.


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",").removesuffix(",0") + "%"


def build(plan: Plan, today: date) -> dict[str, Any]:
    leads = list(
        Assignment.objects.filter(work_item__task__plan=plan, role=Assignment.Role.LEAD)
        .select_related("unit", "work_item__task__field")
        .order_by("unit__position", "unit__name")
    )
    by_unit: dict[str, list[Assignment]] = defaultdict(list)
    by_field: dict[str, list[Assignment]] = defaultdict(list)
    overdue: dict[str, int] = defaultdict(int)
    for a in leads:
        by_unit[a.unit.name].append(a)
        by_field[a.work_item.task.field.name].append(a)
        if a.deadline_status(today) == Assignment.Deadline.OVERDUE:
            overdue[a.unit.name] += 1

    def done_rows(groups: dict[str, list[Assignment]]) -> list[tuple[str, float, str]]:
        rows = []
        for label, items in groups.items():
            done = sum(1 for a in items if a.status == Assignment.Status.DONE)
            value = 100 * done / len(items)
            rows.append((label, value, f"{_pct(value)} ({done}/{len(items)})"))
        return rows

    table = rate_table(plan.reporting_periods.filter(start__lte=today), today)
    completeness = [
        (p.code, r.completeness or 0, _pct(r.completeness))
        for p, r in zip(table.periods, table.period_rates(), strict=True)
    ]
    timeliness = [
        (p.code, r.timeliness or 0, _pct(r.timeliness))
        for p, r in zip(table.periods, table.period_rates(), strict=True)
    ]
    overdue_rows = [
        (k, float(v), str(v)) for k, v in sorted(overdue.items(), key=lambda kv: -kv[1])
    ]
    return {
        "charts": [
            Chart(_("Work items done, by lead unit"), done_rows(by_unit)),
            Chart(_("Work items done, by field"), done_rows(by_field)),
            Chart(_("Completeness of reports, by period"), completeness),
            Chart(_("Timeliness of reports, by period"), timeliness),
            Chart(
                _("Overdue work items, by lead unit"),
                overdue_rows,
                unit="",
                maximum=max((v for _, v, _ in overdue_rows), default=1),
            ),
        ],
        "today": today,
    }
