"""THE RESULT RULE: how a commune's month is scored. The only place it is decided.

For a commune, a month, and the criteria set in force for that month (the
published set of the commune's province with the latest ``effective_from`` on
or before the month; a closed month keeps the set stored on its result):

1. **The district score stands.** For every criterion scored by people, the
   final points are the points on the district scorer's *submitted* sheet.
   The commune's self-assessment and the attending officials' observations
   (averaged when several officials attended) are shown beside it, never
   summed into the total.
2. **Discrepancies are flagged.** Where the submitted sources differ on a
   criterion by more than the set's ``discrepancy_threshold`` (max − min >
   threshold), the criterion is flagged. A flag stays open until the district
   confirms or corrects it with a reason (a :class:`Resolution`). A month with
   open flags cannot be approved or closed.
3. **A missing source is shown, never treated as zero.** Missing sheets are
   listed in ``missing_sources``; without the district's sheet the month has
   no total and no band ("awaiting the district"), whatever else is present.
4. **System-scored criteria** are computed from the system's own records and
   cannot be typed in: ``submissions`` gives the maximum, minus
   ``missing_penalty`` for each expected submission (the monthly report and the
   related documents) not sent by the due date once it has passed, minus
   ``late_penalty`` for each sent after it (one province's table: −1 and −0.5),
   never below the minimum; ``meeting`` gives the maximum when the month's
   conference is recorded, else the minimum.
5. **Total** = district points of people-scored criteria + system points.
6. **Band**: the band with the highest ``min`` that the total reaches
   (``total >= min``, so 80 is Tốt and 79.99 is Khá with the default bands).
   When the set says so, a month without a conference is "not eligible for
   classification" whatever its total.
7. **Deductions** (the ranking tie-break) count the criteria, other than bonus
   ones, whose final points are below their maximum.

The rule is written once, as the pure function :func:`decide`: a commune-month's
inputs (:class:`MonthInputs`) to its result (:class:`MonthResult`: totals per
source, the chosen total, band, flags, deductions, missing sources, lateness and
the line-by-line result). Three loaders feed it:

- ``compute_month`` for every commune under a unit with a fixed number of
  queries: the people-scored lines come summed per commune from one SQL
  aggregate over all score rows (:class:`PeopleTotals`; the line rule of steps 2
  and 7 said in SQL, checked against :func:`decide` on lines by the tests),
  then bulk-writes the results;
- ``explain`` for one commune, line by line, for people to read;
- ``preview.preview_month`` for a criteria set tried on a closed month.
"""

from __future__ import annotations

import calendar
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from theodoi.core import clock
from theodoi.units.models import Unit

from .models import (
    NOT_ELIGIBLE,
    CriteriaSet,
    Criterion,
    CriterionGroup,
    Meeting,
    MeetingOfficial,
    MonthlyResult,
    Resolution,
    Score,
    ScoreSheet,
    Submission,
)

Source = ScoreSheet.Source
EXPECTED_SUBMISSIONS = (Submission.Kind.REPORT, Submission.Kind.DOCUMENTS)
TWO_PLACES = Decimal("0.01")


def dec(value: Any) -> Decimal | None:
    """A database number as a 2-place Decimal (SQLite returns floats)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(TWO_PLACES)


def due_date(criteria_set: CriteriaSet, month: date) -> date:
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=min(criteria_set.report_due_day, last))


def set_in_force(commune: Unit, month: date) -> CriteriaSet | None:
    """The set a commune's month is scored under (its stored set once closed)."""
    stored = (
        MonthlyResult.objects.filter(
            commune=commune, month=month, status=MonthlyResult.Status.CLOSED
        )
        .select_related("criteria_set")
        .first()
    )
    if stored:
        return stored.criteria_set
    province_id = province_of(commune)
    return CriteriaSet.objects.in_force(province_id, month) if province_id else None


def province_of(unit: Unit) -> int | None:
    ancestors = Unit.objects.ancestors(unit, include_self=True).filter(kind=Unit.Kind.PROVINCE)
    found = ancestors.values_list("pk", flat=True).first()
    return found


# ---------------------------------------------------------------------------
# System-scored criteria


@dataclass(frozen=True)
class SubmissionFacts:
    """Lateness: expected submissions missing once due, and sent after the due date."""

    missing: int = 0
    late: int = 0


def lateness(first_sent: Mapping[str, date | None], due: date, today: date) -> SubmissionFacts:
    """Missing and late among the expected submissions, from each kind's first
    sending as a local date. The one place lateness is decided."""
    passed = today > due
    missing = late = 0
    for kind in EXPECTED_SUBMISSIONS:
        sent = first_sent.get(kind)
        if sent is None:
            missing += 1 if passed else 0
        elif sent > due:
            late += 1
    return SubmissionFacts(missing=missing, late=late)


def local_dates(first_sent: Mapping[str, datetime | None]) -> dict[str, date | None]:
    """First sendings (moments) as the local dates :func:`lateness` compares."""
    return {k: None if v is None else timezone.localdate(v) for k, v in first_sent.items()}


def submission_facts(
    first_sent: Mapping[str, datetime | None],
    criteria_set: CriteriaSet,
    month: date,
    today: date | None = None,
) -> SubmissionFacts:
    """Missing and late among the expected submissions, from each kind's first sending."""
    return lateness(local_dates(first_sent), due_date(criteria_set, month), today or clock.today())


def system_points(criterion: Criterion, *, meeting_held: bool, facts: SubmissionFacts) -> Decimal:
    if criterion.system_rule == Criterion.SystemRule.MEETING:
        return criterion.max_points if meeting_held else criterion.min_points
    points = (
        criterion.max_points
        - criterion.missing_penalty * facts.missing
        - criterion.late_penalty * facts.late
    )
    return max(criterion.min_points, points)


def classify(
    criteria_set: CriteriaSet, total: Decimal | None, meeting_held: bool
) -> tuple[str, str, bool]:
    eligible = meeting_held or not criteria_set.ineligible_without_meeting
    code, label = criteria_set.band_for(total, eligible)
    return code, label, eligible


# ---------------------------------------------------------------------------
# THE RULE: a commune-month's inputs to its result, with no database access


@dataclass(frozen=True)
class CriterionScores:
    """The submitted points of one people-scored criterion, per source."""

    criterion: Criterion
    self_points: Decimal | None = None
    district_points: Decimal | None = None
    official_points: tuple[Decimal, ...] = ()
    resolved: bool = False  # the district confirmed or corrected a flag

    @property
    def official_mean(self) -> Decimal | None:
        if not self.official_points:
            return None
        return (sum(self.official_points, Decimal(0)) / len(self.official_points)).quantize(
            TWO_PLACES
        )

    @property
    def spread(self) -> Decimal | None:
        values = [v for v in (self.self_points, self.district_points) if v is not None] + list(
            self.official_points
        )
        return max(values) - min(values) if len(values) > 1 else None


@dataclass(frozen=True)
class PeopleTotals:
    """The people-scored criteria already summed per source (the database aggregate)."""

    district: Decimal | None = None
    self: Decimal | None = None
    official: Decimal | None = None
    open_flags: int = 0
    deductions: int = 0


@dataclass(frozen=True)
class MonthInputs:
    """What the rule reads of a commune's month.

    ``people`` line by line (explain, preview) or ``totals`` summed already
    (compute); ``officials_expected`` is None when no conference was recorded.
    """

    criteria_set: CriteriaSet
    system_criteria: tuple[Criterion, ...]
    sheets: Mapping[str, int]  # submitted sheets per source
    officials_expected: int | None
    first_sent: Mapping[str, date | None]  # each expected submission's first sending, local
    due: date
    today: date
    people: tuple[CriterionScores, ...] | None = None
    totals: PeopleTotals | None = None


@dataclass(frozen=True)
class ResultLine:
    """One criterion's outcome: its final points, where they come from, its flags."""

    criterion: Criterion
    final: Decimal | None
    source: str  # "district", "system", or "" (not scored)
    flagged: bool = False
    open_flag: bool = False
    deducted: bool = False


@dataclass(frozen=True)
class MonthResult:
    self_total: Decimal | None
    district_total: Decimal | None
    official_total: Decimal | None
    system_total: Decimal
    total: Decimal | None
    band: str
    band_label: str
    eligible: bool
    open_flags: int
    deductions: int
    missing_sources: tuple[str, ...]
    meeting_held: bool
    lateness: SubmissionFacts
    # People-scored lines as given (none from totals), then the system lines.
    lines: tuple[ResultLine, ...]

    def basis(self, line: ResultLine) -> str:
        """Why a system line has its points, in words."""
        if line.source != "system":
            return ""
        return _system_basis(line.criterion, self.meeting_held, self.lateness)


def _deducted(criterion: Criterion, final: Decimal | None) -> bool:
    return (
        final is not None
        and criterion.kind != Criterion.Kind.BONUS
        and final < criterion.max_points
    )


def _people_line(scores: CriterionScores, threshold: Decimal) -> ResultLine:
    spread = scores.spread
    flagged = spread is not None and spread > threshold
    final = scores.district_points
    return ResultLine(
        criterion=scores.criterion,
        final=final,
        source=str(Source.DISTRICT) if final is not None else "",
        flagged=flagged,
        open_flag=flagged and not scores.resolved,
        deducted=_deducted(scores.criterion, final),
    )


def _sum(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) if values else None


def _totals(people: tuple[CriterionScores, ...], lines: list[ResultLine]) -> PeopleTotals:
    return PeopleTotals(
        district=_sum([p.district_points for p in people if p.district_points is not None]),
        self=_sum([p.self_points for p in people if p.self_points is not None]),
        official=_sum([m for p in people if (m := p.official_mean) is not None]),
        open_flags=sum(1 for line in lines if line.open_flag),
        deductions=sum(1 for line in lines if line.deducted),
    )


def decide(inputs: MonthInputs, *, memo: dict[Any, Any] | None = None) -> MonthResult:
    """THE RULE (steps 1–7 above) applied to one commune's month.

    ``memo``: a dict the caller keeps across the communes of one computation, so
    the system lines and bands of the few (set, conference, lateness) and (set,
    total, conference) combinations are worked out once; the result is the same.
    """
    criteria_set = inputs.criteria_set
    held = inputs.officials_expected is not None
    facts = lateness(inputs.first_sent, inputs.due, inputs.today)
    memo = {} if memo is None else memo
    # The system criteria are the set's: the same tuple for every commune of a set.
    key = ("system", id(inputs.system_criteria), held, facts)
    if key not in memo:
        lines = []
        for criterion in inputs.system_criteria:
            points = system_points(criterion, meeting_held=held, facts=facts)
            lines.append(
                ResultLine(
                    criterion=criterion,
                    final=points,
                    source="system",
                    deducted=_deducted(criterion, points),
                )
            )
        memo[key] = (
            tuple(lines),
            sum((line.final for line in lines), Decimal(0)),  # type: ignore[misc]
            sum(1 for line in lines if line.deducted),
        )
    system_lines, system_total, system_deductions = memo[key]
    people_lines: list[ResultLine] = []
    totals = inputs.totals or PeopleTotals()
    if inputs.people is not None:
        threshold = criteria_set.discrepancy_threshold
        people_lines = [_people_line(p, threshold) for p in inputs.people]
        totals = _totals(inputs.people, people_lines)
    sheets = inputs.sheets
    missing = []
    if sheets.get(Source.SELF, 0) < 1:
        missing.append(str(Source.SELF))
    if sheets.get(Source.DISTRICT, 0) < 1:
        missing.append(str(Source.DISTRICT))
    if sheets.get(Source.OFFICIAL, 0) < (inputs.officials_expected or 0):
        missing.append(str(Source.OFFICIAL))
    has_district = sheets.get(Source.DISTRICT, 0) > 0
    district_total = dec(totals.district) if has_district else None
    total = (district_total or Decimal(0)) + system_total if has_district else None
    key = ("band", id(criteria_set), total, held)
    if key not in memo:
        memo[key] = classify(criteria_set, total, held)
    band, label, eligible = memo[key]
    return MonthResult(
        self_total=dec(totals.self) if sheets.get(Source.SELF, 0) > 0 else None,
        district_total=district_total,
        official_total=dec(totals.official) if sheets.get(Source.OFFICIAL, 0) > 0 else None,
        system_total=system_total,
        total=total,
        band=band,
        band_label=label,
        eligible=eligible,
        open_flags=totals.open_flags,
        deductions=totals.deductions + system_deductions,
        missing_sources=tuple(missing),
        meeting_held=held,
        lateness=facts,
        lines=(*people_lines, *system_lines),
    )


def _system_basis(criterion: Criterion, held: bool, facts: SubmissionFacts) -> str:
    if criterion.system_rule == Criterion.SystemRule.MEETING:
        return _("Conference recorded for the month.") if held else _("No conference recorded.")
    return _("%(missing)d missing, %(late)d late submission(s).") % {
        "missing": facts.missing,
        "late": facts.late,
    }


# ---------------------------------------------------------------------------
# A whole district, province or country: aggregate in the database


_AGGREGATE_SQL = """
WITH per_criterion AS (
    SELECT sh.commune_id AS commune_id, s.criterion_id AS criterion_id,
           MAX(s.points) AS hi, MIN(s.points) AS lo, COUNT(*) AS n,
           SUM(CASE WHEN sh.source = 'district' THEN s.points END) AS d_points,
           SUM(CASE WHEN sh.source = 'self' THEN s.points END) AS s_points,
           AVG(CASE WHEN sh.source = 'official' THEN s.points END) AS o_points
    FROM {score} s JOIN {sheet} sh ON s.sheet_id = sh.id
    WHERE sh.month = %s AND sh.state = 'submitted'
      AND sh.criteria_set_id IN ({set_ids}){communes}
    GROUP BY sh.commune_id, s.criterion_id
)
SELECT pc.commune_id,
       SUM(pc.d_points), SUM(pc.s_points), SUM(pc.o_points),
       SUM(CASE WHEN pc.n > 1 AND pc.hi - pc.lo > cs.discrepancy_threshold AND r.id IS NULL
                THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.kind <> 'bonus' AND pc.d_points < c.max_points THEN 1 ELSE 0 END)
FROM per_criterion pc
JOIN {criterion} c ON c.id = pc.criterion_id
JOIN {group} g ON g.id = c.group_id
JOIN {criteria_set} cs ON cs.id = g.criteria_set_id
LEFT JOIN {resolution} r
  ON r.commune_id = pc.commune_id AND r.criterion_id = pc.criterion_id AND r.month = %s
GROUP BY pc.commune_id
"""


def _aggregate(set_ids: list[int], month: date, scope: Unit) -> dict[int, tuple]:
    """Per commune: district, self and officials' sums, open flags, deductions.

    A sheet belongs to the set in force for its province when it was made, so
    filtering sheets by the sets in force keeps each commune to its own set.
    """
    communes, communes_params = "", ()
    if not _whole_provinces(scope):
        subquery, communes_params = _communes_under(scope).values("pk").query.sql_with_params()
        communes = f" AND sh.commune_id IN ({subquery})"
    sql = _AGGREGATE_SQL.format(
        communes=communes,
        score=Score._meta.db_table,
        sheet=ScoreSheet._meta.db_table,
        criterion=Criterion._meta.db_table,
        group=CriterionGroup._meta.db_table,
        criteria_set=CriteriaSet._meta.db_table,
        resolution=Resolution._meta.db_table,
        set_ids=", ".join(["%s"] * len(set_ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [month, *set_ids, *communes_params, month])
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _whole_provinces(scope: Unit) -> bool:
    """The scope holds whole provinces: the sets in force then select its sheets."""
    return scope.kind not in (Unit.Kind.DISTRICT, Unit.Kind.COMMUNE)


def _communes_under(scope: Unit) -> Any:
    """Communes at most three levels under ``scope`` (country → province →
    district → commune), as a plain subquery: no list of ids is sent."""
    return Unit.objects.filter(kind=Unit.Kind.COMMUNE).filter(
        Q(pk=scope.pk)
        | Q(parent_id=scope.pk)
        | Q(parent__parent_id=scope.pk)
        | Q(parent__parent__parent_id=scope.pk)
    )


def _scope_communes(scope: Unit, month: date) -> list[tuple[int, int, int]]:
    """(commune, the unit above it, its province) for the communes under ``scope``.

    Works for three tiers (province → district → commune, 2018) and two
    (province → commune, from 7/2025): there the unit above is the province.
    """
    rows = (
        _communes_under(scope)
        .active_on(month)
        .values_list("pk", "parent_id", "parent__kind", "parent__parent_id")
    )
    return [
        (pk, parent, parent if kind == Unit.Kind.PROVINCE else grandparent)
        for pk, parent, kind, grandparent in rows
    ]


RESULT_FIELDS = [
    "district_id",
    "province_id",
    "criteria_set_id",
    "total",
    "self_total",
    "district_total",
    "official_total",
    "system_total",
    "band",
    "band_label",
    "eligible",
    "open_flags",
    "deductions",
    "missing_sources",
    "meeting_held",
    "reports_missing",
    "reports_late",
    "computed_at",
]


def compute_month(scope: Unit, month: date) -> int:
    """(Re)compute the results of every commune under ``scope`` for ``month``.

    Closed months are left as they are. Returns the number of results
    computed; only those that differ from the stored ones are written.
    Queries: 8, plus 1 when some result changed, whatever the number of
    communes, provinces, sources and criteria.
    """
    communes = _scope_communes(scope, month)
    if not communes:
        return 0
    under = _communes_under(scope).values("pk")
    # Rows of communes outside the scope are ignored below, so under a root
    # (the country) the month's rows are read without the subquery of the
    # communes under it, which costs more than the rows it would leave out.
    rooted = scope.parent_id is None
    in_scope = Q() if rooted else Q(commune_id__in=under)
    # The stored results: closed ones are kept, unchanged ones not rewritten.
    stored: dict[int, tuple] = {}
    closed: set[int] = set()
    for commune_id, status, *values in (
        MonthlyResult.objects.filter(in_scope, month=month)
        .values_list("commune_id", "status", *_COMPARED)
        .order_by()
    ):
        if status == MonthlyResult.Status.CLOSED:
            closed.add(commune_id)
        else:
            stored[commune_id] = tuple(values)
    sets = _sets_in_force({c[2] for c in communes if c[2]}, month)
    communes = [c for c in communes if c[0] not in closed and c[2] in sets]
    if not communes:
        return 0
    set_ids = sorted({s.pk for s in sets.values()})

    meetings = dict(
        Meeting.objects.filter(in_scope, month=month)
        .annotate(n=Count("official_links"))
        .values_list("commune_id", "n")
    )
    sheets: dict[int, dict[str, int]] = defaultdict(dict)
    for commune_id, source, n in (
        ScoreSheet.objects.filter(
            month=month, state=ScoreSheet.State.SUBMITTED, criteria_set_id__in=set_ids
        )
        .filter(Q() if _whole_provinces(scope) else Q(commune_id__in=under))
        .values("commune_id", "source")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("commune_id", "source", "n")
    ):
        sheets[commune_id][source] = n
    # Each expected submission's first sending, as a local date (what
    # submission_facts compares with the due date).
    sent: dict[int, dict[str, date]] = defaultdict(dict)
    for sender_id, kind, first in (
        Submission.objects.filter(month=month, kind__in=EXPECTED_SUBMISSIONS)
        .filter(Q() if rooted else Q(sender_id__in=under))
        .values("sender_id", "kind")
        .annotate(first=Min(TruncDate("sent_at")))
        .order_by()
        .values_list("sender_id", "kind", "first")
    ):
        sent[sender_id][kind] = first
    by_set: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in Criterion.objects.filter(
        group__criteria_set_id__in=set_ids, system_rule__gt=""
    ).select_related("group"):
        by_set[criterion.group.criteria_set_id].append(criterion)
    system_criteria = {pk: tuple(found) for pk, found in by_set.items()}
    system_criteria.update({pk: () for pk in set_ids if pk not in system_criteria})
    aggregate = _aggregate(set_ids, month, scope)

    now = timezone.now()
    today = clock.today()
    due = {cs.pk: due_date(cs, month) for cs in sets.values()}
    no_row = (None, None, None, 0, 0)
    memo: dict[Any, Any] = {}
    results = []
    for commune_id, above_id, province_id in communes:
        criteria_set = sets[province_id]
        d_total, s_total, o_total, flags, deductions = aggregate.get(commune_id, no_row)
        result = decide(
            MonthInputs(
                criteria_set=criteria_set,
                system_criteria=system_criteria[criteria_set.pk],
                sheets=sheets.get(commune_id, {}),
                officials_expected=meetings.get(commune_id),
                first_sent=sent.get(commune_id, {}),
                due=due[criteria_set.pk],
                today=today,
                totals=PeopleTotals(
                    district=d_total,
                    self=s_total,
                    official=o_total,
                    open_flags=int(flags or 0),
                    deductions=int(deductions or 0),
                ),
            ),
            memo=memo,
        )
        row = (
            above_id,
            province_id,
            criteria_set.pk,
            result.total,
            result.self_total,
            result.district_total,
            result.official_total,
            result.system_total,
            result.band,
            result.band_label,
            result.eligible,
            result.open_flags,
            result.deductions,
            list(result.missing_sources),
            result.meeting_held,
            result.lateness.missing,
            result.lateness.late,
        )
        results.append((commune_id, row))
    _write(
        [
            {
                "commune_id": commune_id,
                "month": month,
                **dict(zip(_COMPARED, row, strict=True)),
                "computed_at": now,
            }
            for commune_id, row in results
            if stored.get(commune_id) != row
        ]
    )
    return len(results)


# The written columns compared with the stored ones (all but computed_at).
_COMPARED = [f for f in RESULT_FIELDS if f != "computed_at"]


# PostgreSQL array types of the written columns, in RESULT_FIELDS order after
# commune_id and month.
_PG_TYPES = {
    "commune_id": "bigint",
    "month": "date",
    "district_id": "bigint",
    "province_id": "bigint",
    "criteria_set_id": "bigint",
    "total": "numeric",
    "self_total": "numeric",
    "district_total": "numeric",
    "official_total": "numeric",
    "system_total": "numeric",
    "band": "text",
    "band_label": "text",
    "eligible": "boolean",
    "open_flags": "integer",
    "deductions": "integer",
    "missing_sources": "jsonb",
    "meeting_held": "boolean",
    "reports_missing": "integer",
    "reports_late": "integer",
    "computed_at": "timestamptz",
}


def _write(rows: list[dict[str, Any]]) -> None:
    """Upsert results, keeping each row's approval status.

    On PostgreSQL one INSERT … SELECT FROM unnest(arrays) ON CONFLICT writes
    them all; elsewhere Django's bulk_create(update_conflicts=True).
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        MonthlyResult.objects.bulk_create(
            [MonthlyResult(**row) for row in rows],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["commune", "month"],
            update_fields=[f.removesuffix("_id") for f in RESULT_FIELDS],
        )
        return
    columns = ["commune_id", "month", *RESULT_FIELDS]
    arrays = []
    for column in columns:
        values = [row[column] for row in rows]
        if column == "missing_sources":
            values = [json.dumps(v) for v in values]
        arrays.append(values)
    casts = ", ".join(
        f"%s::text[]::{_PG_TYPES[c]}[]" if c == "missing_sources" else f"%s::{_PG_TYPES[c]}[]"
        for c in columns
    )
    table = MonthlyResult._meta.db_table
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in RESULT_FIELDS)
    compared = [c for c in RESULT_FIELDS if c != "computed_at"]
    changed = (
        f"({', '.join(f'{table}.{c}' for c in compared)}) IS DISTINCT FROM "
        f"({', '.join(f'EXCLUDED.{c}' for c in compared)})"
    )
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}, status) "  # noqa: S608
        f"SELECT *, 'open' FROM unnest({casts}) "
        f"ON CONFLICT (commune_id, month) DO UPDATE SET {updates} WHERE {changed}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)


def _sets_in_force(province_ids: set[int], month: date) -> dict[int, CriteriaSet]:
    found: dict[int, CriteriaSet] = {}
    for criteria_set in (
        CriteriaSet.objects.published()
        .filter(owner_id__in=province_ids, effective_from__lte=month)
        .order_by("effective_from", "version")
    ):
        found[criteria_set.owner_id] = criteria_set  # the latest wins
    return found


def recompute(commune: Unit, month: date) -> MonthlyResult | None:
    compute_month(commune, month)
    return MonthlyResult.objects.filter(commune=commune, month=month).first()


# ---------------------------------------------------------------------------
# One commune, line by line


@dataclass
class Line:
    """One criterion of the explanation: every source's points and words, and the
    rule's outcome (``decided``, from :func:`decide`)."""

    criterion: Criterion
    self_points: Decimal | None = None
    district_points: Decimal | None = None
    official_points: list[Decimal] = field(default_factory=list)
    # (official's name, points, reason) for each attending official's line.
    officials: list[tuple[str, Decimal, str]] = field(default_factory=list)
    reasons: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    resolution: Resolution | None = None
    appeals: list[Any] = field(default_factory=list)
    decided: ResultLine | None = None
    system_basis: str = ""

    def scores(self) -> CriterionScores:
        return CriterionScores(
            criterion=self.criterion,
            self_points=self.self_points,
            district_points=self.district_points,
            official_points=tuple(self.official_points),
            resolved=self.resolution is not None,
        )

    @property
    def final(self) -> Decimal | None:
        return self.decided.final if self.decided else None

    @property
    def final_source(self) -> str:
        return self.decided.source if self.decided else ""

    @property
    def system_points(self) -> Decimal | None:
        return self.final if self.final_source == "system" else None

    @property
    def official_mean(self) -> Decimal | None:
        return self.scores().official_mean

    @property
    def spread(self) -> Decimal | None:
        return self.scores().spread

    @property
    def flagged(self) -> bool:
        return bool(self.decided and self.decided.flagged)

    @property
    def open_flag(self) -> bool:
        return bool(self.decided and self.decided.open_flag)

    @property
    def deducted(self) -> bool:
        return bool(self.decided and self.decided.deducted)


@dataclass
class Explanation:
    commune: Unit
    month: date
    criteria_set: CriteriaSet
    groups: list[tuple[CriterionGroup, list[Line]]]
    sheets: list[ScoreSheet]
    result: MonthResult

    @property
    def lines(self) -> list[Line]:
        return [line for _g, lines in self.groups for line in lines]

    @property
    def meeting_held(self) -> bool:
        return self.result.meeting_held

    @property
    def facts(self) -> SubmissionFacts:
        return self.result.lateness

    @property
    def total(self) -> Decimal | None:
        return self.result.total

    @property
    def band(self) -> str:
        return self.result.band

    @property
    def band_label(self) -> str:
        return self.result.band_label

    @property
    def eligible(self) -> bool:
        return self.result.eligible

    @property
    def open_flags(self) -> int:
        return self.result.open_flags

    @property
    def deductions(self) -> int:
        return self.result.deductions

    @property
    def missing_sources(self) -> list[str]:
        return list(self.result.missing_sources)


def explain(
    commune: Unit, month: date, criteria_set: CriteriaSet | None = None
) -> Explanation | None:
    """The rule applied to one commune's month, with every line's sources."""
    from .models import Appeal

    criteria_set = criteria_set or set_in_force(commune, month)
    if criteria_set is None:
        return None
    groups = list(criteria_set.groups.prefetch_related("criteria"))
    lines: dict[int, Line] = {}
    grouped = []
    for group in groups:
        group_lines = [Line(criterion=c) for c in group.criteria.all()]
        lines.update({line.criterion.pk: line for line in group_lines})
        grouped.append((group, group_lines))
    sheets = list(
        ScoreSheet.objects.filter(commune=commune, month=month, criteria_set=criteria_set)
        .select_related("official")
        .prefetch_related("scores")
    )
    for sheet in sheets:
        if not sheet.is_submitted:
            continue
        for score in sheet.scores.all():
            line = lines.get(score.criterion_id)
            if line is None:
                continue
            key = sheet.source if sheet.source != Source.OFFICIAL else f"official:{sheet.official}"
            if sheet.source == Source.SELF:
                line.self_points = score.points
            elif sheet.source == Source.DISTRICT:
                line.district_points = score.points
            else:
                line.official_points.append(score.points)
                name = sheet.official.get_full_name() or sheet.official.username
                line.officials.append((name, score.points, score.reason))
            if score.reason:
                line.reasons[key] = score.reason
            if score.evidence:
                line.evidence[key] = score.evidence
    for resolution in Resolution.objects.filter(commune=commune, month=month):
        if resolution.criterion_id in lines:
            lines[resolution.criterion_id].resolution = resolution
    for appeal in Appeal.objects.filter(commune=commune, month=month).select_related(
        "created_by", "answered_by"
    ):
        if appeal.criterion_id in lines:
            lines[appeal.criterion_id].appeals.append(appeal)

    meeting = Meeting.objects.filter(commune=commune, month=month).first()
    first_sent = dict(
        Submission.objects.filter(sender=commune, month=month, kind__in=EXPECTED_SUBMISSIONS)
        .values("kind")
        .annotate(first=Min("sent_at"))
        .values_list("kind", "first")
        .order_by()
    )
    submitted: dict[str, int] = defaultdict(int)
    for sheet in sheets:
        if sheet.is_submitted:
            submitted[sheet.source] += 1
    people = [line for line in lines.values() if not line.criterion.system_rule]
    result = decide(
        MonthInputs(
            criteria_set=criteria_set,
            system_criteria=tuple(
                line.criterion for line in lines.values() if line.criterion.system_rule
            ),
            sheets=submitted,
            officials_expected=(
                MeetingOfficial.objects.filter(meeting=meeting).count()
                if meeting is not None
                else None
            ),
            first_sent=local_dates(first_sent),
            due=due_date(criteria_set, month),
            today=clock.today(),
            people=tuple(line.scores() for line in people),
        )
    )
    for decided in result.lines:
        line = lines[decided.criterion.pk]
        line.decided = decided
        line.system_basis = result.basis(decided)
    return Explanation(
        commune=commune,
        month=month,
        criteria_set=criteria_set,
        groups=grouped,
        sheets=sheets,
        result=result,
    )


__all__ = [
    "NOT_ELIGIBLE",
    "CriterionScores",
    "Explanation",
    "Line",
    "MonthInputs",
    "MonthResult",
    "PeopleTotals",
    "ResultLine",
    "SubmissionFacts",
    "classify",
    "compute_month",
    "decide",
    "explain",
    "lateness",
    "recompute",
    "set_in_force",
    "system_points",
]
