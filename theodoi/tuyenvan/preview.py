"""Preview a criteria set on a closed month, in memory: nothing is written.

The rule is ``scoring.decide`` (the district's score stands on every
people-scored line; system lines are recomputed from the records), fed with
the month's recorded scores matched to the previewed set by criterion code:

- a line of the previewed set with the same code takes the district's points,
  held within the line's new minimum and maximum;
- a line with no matching code was not scored that month: it counts 0 and is
  shown as "not scored" (a real month would ask the district to score it);
- system lines (conference held, reports on time) are recomputed with the
  previewed set's penalties and due day;
- the band is the previewed set's band for the total.

Queries: 6 whatever the number of communes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Min

from theodoi.core import clock

from . import scoring
from .models import (
    CriteriaSet,
    Criterion,
    Meeting,
    MonthlyResult,
    Score,
    ScoreSheet,
    Submission,
)


@dataclass
class PreviewRow:
    result: MonthlyResult
    total: Decimal
    band: str
    band_label: str
    eligible: bool
    not_scored: list[str] = field(default_factory=list)
    clamped: list[str] = field(default_factory=list)
    rank_now: int = 0
    rank_preview: int = 0

    @property
    def difference(self) -> Decimal:
        return self.total - (self.result.total or Decimal(0))

    @property
    def band_changed(self) -> bool:
        return self.band != self.result.band


def closed_months(criteria_set: CriteriaSet) -> list[date]:
    """Months of the set's province with at least one closed commune month."""
    return list(
        MonthlyResult.objects.filter(
            province=criteria_set.owner, status=MonthlyResult.Status.CLOSED
        )
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()
    )


def preview_month(criteria_set: CriteriaSet, month: date) -> list[PreviewRow]:
    """Each closed commune month of the province scored under ``criteria_set``."""
    results = list(
        MonthlyResult.objects.filter(
            province=criteria_set.owner,
            month=month,
            status=MonthlyResult.Status.CLOSED,
            total__isnull=False,
        )
        .select_related("commune", "district")
        .order_by("district__name", "commune__name")
    )
    if not results:
        return []
    ids = [r.commune_id for r in results]
    criteria = list(Criterion.objects.filter(group__criteria_set=criteria_set))
    points: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for commune_id, code, value in Score.objects.filter(
        sheet__month=month,
        sheet__source=ScoreSheet.Source.DISTRICT,
        sheet__state=ScoreSheet.State.SUBMITTED,
        sheet__commune_id__in=ids,
    ).values_list("sheet__commune_id", "criterion__code", "points"):
        points[commune_id][code] = scoring.dec(value) or Decimal(0)
    held = set(
        Meeting.objects.filter(month=month, commune_id__in=ids).values_list("commune_id", flat=True)
    )
    sent: dict[int, dict[str, datetime | None]] = defaultdict(dict)
    for commune_id, kind, first in (
        Submission.objects.filter(
            sender_id__in=ids, month=month, kind__in=scoring.EXPECTED_SUBMISSIONS
        )
        .values("sender_id", "kind")
        .annotate(first=Min("sent_at"))
        .values_list("sender_id", "kind", "first")
        .order_by()
    ):
        sent[commune_id][kind] = first
    system = tuple(c for c in criteria if c.system_rule)
    people = [c for c in criteria if not c.system_rule]
    due = scoring.due_date(criteria_set, month)
    today = clock.today()
    rows = []
    for result in results:
        scored = points[result.commune_id]
        lines = []
        not_scored: list[str] = []
        clamped: list[str] = []
        for criterion in people:
            value = scored.get(criterion.code)
            if value is None:
                not_scored.append(criterion.code)
            else:
                held_within = min(max(value, criterion.min_points), criterion.max_points)
                if held_within != value:
                    clamped.append(criterion.code)
                value = held_within
            lines.append(scoring.CriterionScores(criterion=criterion, district_points=value))
        # The month was closed with the district's sheet (it has a total): the
        # rule reads the recorded points as that sheet under the previewed set.
        decided = scoring.decide(
            scoring.MonthInputs(
                criteria_set=criteria_set,
                system_criteria=system,
                sheets={ScoreSheet.Source.DISTRICT: 1},
                officials_expected=0 if result.commune_id in held else None,
                first_sent=scoring.local_dates(sent[result.commune_id]),
                due=due,
                today=today,
                people=tuple(lines),
            )
        )
        rows.append(
            PreviewRow(
                result,
                decided.total or Decimal(0),
                decided.band,
                decided.band_label,
                decided.eligible,
                not_scored=not_scored,
                clamped=clamped,
            )
        )
    _rank(rows, now=True)
    _rank(rows, now=False)
    # Communes whose band changes first, then by district and name.
    rows.sort(key=lambda r: not r.band_changed)
    return rows


def _rank(rows: list[PreviewRow], *, now: bool) -> None:
    """Competition ranking (equal totals share a rank) over the whole province."""

    def score(row: PreviewRow) -> Decimal:
        return (row.result.total or Decimal(0)) if now else row.total

    # Like the rankings: a commune not eligible for classification is not ranked.
    eligible = [r for r in rows if (r.result.eligible if now else r.eligible)]
    ordered = sorted(eligible, key=score, reverse=True)
    previous: Decimal | None = None
    rank = 0
    for position, row in enumerate(ordered, start=1):
        value = score(row)
        if value != previous:
            rank, previous = position, value
        if now:
            row.rank_now = rank
        else:
            row.rank_preview = rank
