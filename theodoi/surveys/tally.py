"""The results' running totals: answers counted once per response profile.

The results page used to aggregate every answer on every view (1.4 million
rows at 100,000 responses: ~10 s of SQL). Instead, responses are *folded*
into ``Tally`` rows, one per profile (point, local day, language, flags):
the number of responses, the moments (n, Σ, Σ²) of each respondent's
overall index, the respondents per question version and the count of every
(version, item, choice, value). Every statistic of the page is a sum of
those (a Likert value is discrete, so n, Σx and Σx² of a dimension are
Σc, Σc·x and Σc·x² over its counts): the figures are exactly the ones the
answers give, whatever the stated rule, point or dates chosen.

Responses are never edited nor deleted and an answered version never
changes (an edit makes the next version), so folding only appends:
``TallyState.upto`` is the highest response id folded. A read folds what is
settled (submitted more than ``SETTLE`` ago, so that a transaction still
open with a lower id cannot be skipped), then adds the responses above
``upto`` aggregated live by the same code; both under the state row's lock,
so a read never sees a fold half-done.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, Max, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import stats
from .models import FLAG_FIELDS, Answer, Response, Survey, Tally, TallyState

SETTLE = timedelta(seconds=60)
FLAG_BITS = {flag: 1 << n for n, flag in enumerate(FLAG_FIELDS)}

# (point id, local day, language, flags bitmask)
Profile = tuple[int, date, str, int]
# (version id, item, choice, number)
Key = tuple[int, str, str, float | None]


@dataclass
class Cell:
    """What the responses of one profile add up to."""

    responses: int = 0
    overall: list[float] = field(default_factory=lambda: [0, 0.0, 0.0])  # n, Σ, Σ² (index)
    counts: Counter[Key] = field(default_factory=Counter)
    bases: Counter[int] = field(default_factory=Counter)  # version id → respondents

    def add(self, other: Cell) -> None:
        self.responses += other.responses
        self.overall = [a + b for a, b in zip(self.overall, other.overall, strict=True)]
        self.counts.update(other.counts)
        self.bases.update(other.bases)

    @property
    def overall_moments(self) -> stats.Moments:
        n, total, squares = self.overall
        return stats.Moments(int(n), total, squares)

    def dump(self) -> dict[str, Any]:
        return {
            "responses": self.responses,
            "overall_n": int(self.overall[0]),
            "overall_sum": self.overall[1],
            "overall_squares": self.overall[2],
            "counts": [[v, i, c, x, n] for (v, i, c, x), n in sorted(self.counts.items(), key=str)],
            "bases": {str(v): n for v, n in self.bases.items()},
        }

    @classmethod
    def load(cls, row: Tally) -> Cell:
        return cls(
            row.responses,
            [row.overall_n, row.overall_sum, row.overall_squares],
            Counter({(v, i, c, x): n for v, i, c, x, n in row.counts}),
            Counter({int(v): n for v, n in row.bases.items()}),
        )


def flag_mask(flags: Iterable[str]) -> int:
    return sum(FLAG_BITS[f] for f in set(flags) if f in FLAG_BITS)


def has_flag(mask: int, flag: str) -> bool:
    return bool(mask & FLAG_BITS[flag])


def _profile(row: dict[str, Any], prefix: str = "") -> Profile:
    mask = sum(bit for flag, bit in FLAG_BITS.items() if row[prefix + FLAG_FIELDS[flag]])
    return (row[prefix + "point_id"], row["day"], row[prefix + "language"], mask)


def aggregate(responses: QuerySet[Response]) -> dict[Profile, Cell]:
    """The cells of these responses, by profile (four aggregate queries)."""
    cells: dict[Profile, Cell] = defaultdict(Cell)
    flags = list(FLAG_FIELDS.values())
    for row in (
        responses.annotate(day=TruncDate("submitted_at"))
        .values("point_id", "day", "language", *flags)
        .annotate(c=Count("pk"))
        .order_by()
    ):
        cells[_profile(row)].responses += row["c"]
    answers = Answer.objects.filter(response__in=responses.values("pk")).annotate(
        day=TruncDate("response__submitted_at")
    )
    profile = ["response__point_id", "response__language", *(f"response__{f}" for f in flags)]
    for row in (
        answers.values(*profile, "day", "version_id", "item", "choice", "number")
        .annotate(c=Count("pk"))
        .order_by()
    ):
        key = (row["version_id"], row["item"], row["choice"], row["number"])
        cells[_profile(row, "response__")].counts[key] += row["c"]
    for row in (
        answers.values(*profile, "day", "version_id")
        .annotate(r=Count("response_id", distinct=True))
        .order_by()
    ):
        cells[_profile(row, "response__")].bases[row["version_id"]] += row["r"]
    for row in (
        answers.filter(version__in_index=True, number__isnull=False)
        .values(*profile, "day", "response_id")
        .annotate(mean=Avg("number"))
        .order_by()
    ):
        value = stats.to_index(row["mean"])
        moments = cells[_profile(row, "response__")].overall
        moments[0] += 1
        moments[1] += value
        moments[2] += value * value
    return dict(cells)


def fold(survey: Survey, state: TallyState, now: datetime | None = None) -> int:
    """Fold the settled responses not folded yet into the tally; the number folded.

    ``state`` is the survey's state row, locked by the caller's transaction.
    """
    horizon = (now or timezone.now()) - SETTLE
    top = Response.objects.filter(
        survey=survey, pk__gt=state.upto, submitted_at__lt=horizon
    ).aggregate(top=Max("pk"))["top"]
    if top is None:
        return 0
    batch = Response.objects.filter(survey=survey, pk__gt=state.upto, pk__lte=top)
    cells = aggregate(batch)
    folded = sum(c.responses for c in cells.values())
    days = {p[1] for p in cells}
    existing = {
        (row.point_id, row.day, row.language, row.flags): row
        for row in Tally.objects.filter(survey=survey, day__in=days)
    }
    created, updated = [], []
    for profile, cell in cells.items():
        row = existing.get(profile)
        if row is None:
            row = Tally(
                survey=survey,
                point_id=profile[0],
                day=profile[1],
                language=profile[2],
                flags=profile[3],
            )
            created.append(row)
        else:
            cell.add(Cell.load(row))
            updated.append(row)
        for name, value in cell.dump().items():
            setattr(row, name, value)
    Tally.objects.bulk_create(created, batch_size=500)
    Tally.objects.bulk_update(
        updated,
        ["responses", "overall_n", "overall_sum", "overall_squares", "counts", "bases"],
        batch_size=500,
    )
    TallyState.objects.filter(pk=state.pk).update(upto=top)
    state.upto = top
    return folded


@dataclass
class Totals:
    """The cells of a survey within a point and dates (every flag), folded and live."""

    cells: dict[Profile, Cell]

    def counted(self, survey: Survey) -> dict[Profile, Cell]:
        excluded = flag_mask(survey.excluded_flags)
        return {p: c for p, c in self.cells.items() if not p[3] & excluded}

    @staticmethod
    def total(cells: Iterable[Cell]) -> Cell:
        result = Cell()
        for cell in cells:
            result.add(cell)
        return result

    def within(self, start: date | None, end: date | None) -> Totals:
        """The cells of the days from ``start`` to ``end`` (inclusive; None: open)."""
        return Totals(
            {
                p: c
                for p, c in self.cells.items()
                if (start is None or p[1] >= start) and (end is None or p[1] <= end)
            }
        )


def read(
    survey: Survey,
    point_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    *,
    live_from: QuerySet[Response] | None = None,
) -> Totals:
    """Fold what is settled, then every cell within the point and dates.

    ``live_from`` is the survey's responses within the point and dates (the
    caller's filter); those above the folded id are aggregated live.
    """
    with transaction.atomic():
        state = TallyState.objects.select_for_update().filter(survey=survey).first()
        if state is None:  # made with the survey; only a survey made by hand lacks it
            state, _new = TallyState.objects.get_or_create(survey=survey)
        fold(survey, state)
        upto = state.upto
        rows = Tally.objects.filter(survey=survey)
        if point_id:
            rows = rows.filter(point_id=point_id)
        if start:
            rows = rows.filter(day__gte=start)
        if end:
            rows = rows.filter(day__lte=end)
        cells: dict[Profile, Cell] = {
            (r.point_id, r.day, r.language, r.flags): Cell.load(r) for r in rows
        }
        live = live_from if live_from is not None else Response.objects.filter(survey=survey)
        for profile, cell in aggregate(live.filter(pk__gt=upto)).items():
            cells.setdefault(profile, Cell()).add(cell)
    return Totals(cells)
