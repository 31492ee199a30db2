"""The grassroots networks' registers and their gaps against the standard numbers.

A unit's gap in a network is the standard number a regulation sets for it
(``NetworkStandard``) minus the members serving on the day asked about; units
without a standard have no gap, only their count. A member's activities
attended are the records it is linked to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from .models import NetworkMember, NetworkStandard


@dataclass
class UnitGap:
    unit_id: int
    unit_name: str
    standard: int | None
    serving: int
    basis: str = ""
    members: list[Any] = field(default_factory=list)

    @property
    def gap(self) -> int:
        if self.standard is None:
            return 0
        return max(self.standard - self.serving, 0)


def members_with_counts(queryset: QuerySet[NetworkMember]) -> QuerySet[NetworkMember]:
    return queryset.select_related("unit").annotate(attended=Count("activities", distinct=True))


def serving_q(day: date) -> Q:
    return (Q(term_start__isnull=True) | Q(term_start__lte=day)) & (
        Q(term_end__isnull=True) | Q(term_end__gte=day)
    )


def gaps(
    network: str, members: QuerySet[NetworkMember], standards: QuerySet[NetworkStandard], day: date
) -> list[UnitGap]:
    """Per unit with members or a standard: serving members against the standard (2 queries)."""
    by_unit: dict[int, UnitGap] = {}
    for member in members_with_counts(members.filter(network=network)).order_by(
        "unit__position", "unit__name", "full_name"
    ):
        row = by_unit.setdefault(member.unit_id, UnitGap(member.unit_id, member.unit.name, None, 0))
        row.members.append(member)
        if member.serves_on(day):
            row.serving += 1
    for standard in standards.filter(network=network).select_related("unit"):
        row = by_unit.setdefault(
            standard.unit_id, UnitGap(standard.unit_id, standard.unit.name, None, 0)
        )
        row.standard = standard.number
        row.basis = standard.basis
    return sorted(by_unit.values(), key=lambda r: (-r.gap, r.unit_name))
