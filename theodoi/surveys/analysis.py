"""The survey's results from the database: a constant number of aggregate queries.

Everything here counts only the responses the survey's stated rule keeps
(``Response.objects.counted(survey)``), within the chosen point and dates;
the statistics themselves are :mod:`theodoi.surveys.stats`.

Dimensions: each Likert question and each rating-grid item whose version is
marked "counts in the satisfaction index". A dimension pools every version of
its question (the scale never changes: 1…5); the distribution tables show
each version separately. The overall index is the mean, over respondents, of
each respondent's mean of the dimensions they rated.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Avg, Count, F, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from . import stats, tally
from .models import (
    FLAG_FIELDS,
    Answer,
    CollectionPoint,
    Flag,
    Kind,
    Question,
    QuestionVersion,
    Response,
    Survey,
    tr,
)


@dataclass(frozen=True)
class Filters:
    point_id: int | None = None
    start: date | None = None
    end: date | None = None


def _bounds(day: date, end: bool = False) -> datetime:
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    return timezone.make_aware(moment)


def counted_responses(survey: Survey, filters: Filters) -> QuerySet[Response]:
    queryset = Response.objects.filter(survey=survey).counted(survey)
    if filters.point_id:
        queryset = queryset.filter(point_id=filters.point_id)
    if filters.start:
        queryset = queryset.filter(submitted_at__gte=_bounds(filters.start))
    if filters.end:
        queryset = queryset.filter(submitted_at__lt=_bounds(filters.end, end=True))
    return queryset


def _answers(survey: Survey, filters: Filters) -> QuerySet[Answer]:
    return Answer.objects.filter(response__in=counted_responses(survey, filters))


@dataclass
class Dimension:
    key: str
    question_id: int
    item: str
    label: str
    estimate: stats.Estimate
    moments: stats.Moments


@dataclass
class Questionnaire:
    """The survey's questions and their versions, read once."""

    questions: list[Question]
    versions: dict[int, QuestionVersion]
    by_question: dict[int, list[QuestionVersion]]

    @classmethod
    def load(cls, survey: Survey) -> Questionnaire:
        questions = list(
            Question.objects.filter(survey=survey).select_related("section", "current")
        )
        versions = {v.pk: v for v in QuestionVersion.objects.filter(question__survey=survey)}
        by_question: dict[int, list[QuestionVersion]] = defaultdict(list)
        for version in sorted(versions.values(), key=lambda v: v.number):
            by_question[version.question_id].append(version)
        return cls(questions, versions, by_question)

    def dimension_keys(self, language: str) -> list[tuple[str, int, str, str]]:
        """(key, question id, item, label) of every dimension, in questionnaire order."""
        keys = []
        for question in self.questions:
            seen: set[str] = set()
            for version in reversed(self.by_question.get(question.pk, [])):
                if not version.in_index:
                    continue
                if version.kind == Kind.LIKERT and "" not in seen:
                    seen.add("")
                    keys.append((question.code, question.pk, "", tr(version.text, language)))
                for item in version.items if version.kind == Kind.GRID else []:
                    if item["code"] not in seen:
                        seen.add(item["code"])
                        keys.append(
                            (
                                f"{question.code}.{item['code']}",
                                question.pk,
                                item["code"],
                                tr(item["label"], language),
                            )
                        )
        return keys


def totals(survey: Survey, filters: Filters) -> tally.Totals:
    """The folded and live cells within the filters (see :mod:`theodoi.surveys.tally`)."""
    live = Response.objects.filter(survey=survey)
    if filters.point_id:
        live = live.filter(point_id=filters.point_id)
    if filters.start:
        live = live.filter(submitted_at__gte=_bounds(filters.start))
    if filters.end:
        live = live.filter(submitted_at__lt=_bounds(filters.end, end=True))
    return tally.read(survey, filters.point_id, filters.start, filters.end, live_from=live)


def _dimension_moments(
    questionnaire: Questionnaire, cell: tally.Cell
) -> dict[tuple[int, str], stats.Moments]:
    """n, Σx, Σx² of each (question, item) in the index, from the counts of each value."""
    sums: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for (version_id, item, _choice, number), count in cell.counts.items():
        version = questionnaire.versions.get(version_id)
        if version is None or not version.in_index or number is None:
            continue
        moments = sums[(version.question_id, item)]
        moments[0] += count
        moments[1] += count * number
        moments[2] += count * number * number
    return {
        key: stats.Moments.from_likert(int(n), total, squares)
        for key, (n, total, squares) in sums.items()
    }


def indices(
    survey: Survey,
    questionnaire: Questionnaire,
    filters: Filters,
    language: str,
    data: tally.Totals | None = None,
) -> tuple[list[Dimension], stats.Estimate]:
    """Every dimension's index and the overall index."""
    data = data or totals(survey, filters)
    cell = tally.Totals.total(data.counted(survey).values())
    moments = _dimension_moments(questionnaire, cell)
    dimensions = [
        Dimension(
            key,
            qid,
            item,
            label,
            stats.estimate(moments.get((qid, item), stats.Moments()), survey.min_n),
            moments.get((qid, item), stats.Moments()),
        )
        for key, qid, item, label in questionnaire.dimension_keys(language)
    ]
    return dimensions, stats.estimate(cell.overall_moments, survey.min_n)


def _moments_by(rows: list[dict[str, Any]], *key_fields: str) -> dict[tuple, stats.Moments]:
    return {
        tuple(row[f] for f in key_fields): stats.Moments.from_likert(
            row["n"], row["s"] or 0.0, row["ss"] or 0.0
        )
        for row in rows
    }


def _index_rows(answers: QuerySet[Answer], *group: str) -> list[dict[str, Any]]:
    return list(
        answers.filter(version__in_index=True, number__isnull=False)
        .values("question_id", "item", *group)
        .annotate(n=Count("pk"), s=Sum("number"), ss=Sum(F("number") * F("number")))
        .order_by()
    )


def _overall_rows(answers: QuerySet[Answer], *group: str) -> list[dict[str, Any]]:
    """Each respondent's mean of the dimensions rated (Likert scale), with the group."""
    return list(
        answers.filter(version__in_index=True, number__isnull=False)
        .values("response_id", *group)
        .annotate(mean=Avg("number"))
        .order_by()
    )


@dataclass
class Breakdown:
    """Indices by group (point, language or the answer to a single-choice question)."""

    by: str
    groups: list[tuple[str, str]]  # (group key, label)
    overall: dict[str, stats.Estimate] = field(default_factory=dict)
    cells: dict[tuple[str, str], stats.Estimate] = field(default_factory=dict)


def breakdown(
    survey: Survey,
    questionnaire: Questionnaire,
    filters: Filters,
    by: str,
    language: str,
    points: list[CollectionPoint],
    data: tally.Totals | None = None,
) -> Breakdown | None:
    """Indices split by ``point``, ``language`` (from the tally) or ``q:<code>`` (two
    queries over the answers: the tally does not cross one answer with another)."""
    keys = questionnaire.dimension_keys(language)
    if by in ("point", "language"):
        if by == "point":
            groups = [(str(p.pk), p.name) for p in points]
        else:
            groups = [(code, code) for code in survey.languages]
        data = data or totals(survey, filters)
        by_group: dict[str, tally.Cell] = defaultdict(tally.Cell)
        for profile, cell in data.counted(survey).items():
            by_group[str(profile[0]) if by == "point" else profile[2]].add(cell)
        result = Breakdown(by, groups)
        for group, _label in groups:
            cell = by_group.get(group, tally.Cell())
            moments = _dimension_moments(questionnaire, cell)
            for key, qid, item, _l in keys:
                result.cells[(key, group)] = stats.estimate(
                    moments.get((qid, item), stats.Moments()), survey.min_n
                )
            result.overall[group] = stats.estimate(cell.overall_moments, survey.min_n)
        return result
    if not by.startswith("q:"):
        return None
    question = next((q for q in questionnaire.questions if f"q:{q.code}" == by), None)
    if question is None or question.current is None or question.current.kind != Kind.SINGLE:
        return None
    chosen = Answer.objects.filter(
        response_id=OuterRef("response_id"), question_id=question.pk
    ).values("choice")[:1]
    answers = _answers(survey, filters).annotate(group=Subquery(chosen))
    groups = [(c["code"], tr(c["label"], language)) for c in question.current.choices] + (
        [("other", "…")] if question.current.allow_other else []
    )
    result = Breakdown(by, groups)
    index_moments = _moments_by(_index_rows(answers, "group"), "question_id", "item", "group")
    for group, _label in groups:
        for key, qid, item, _l in keys:
            result.cells[(key, group)] = stats.estimate(
                index_moments.get((qid, item, group), stats.Moments()), survey.min_n
            )
    per_group: dict[Any, list[float]] = defaultdict(list)
    for row in _overall_rows(answers, "group"):
        per_group[row["group"]].append(stats.to_index(row["mean"]))
    for group, _label in groups:
        result.overall[group] = stats.estimate(
            stats.Moments.of(per_group.get(group, [])), survey.min_n
        )
    return result


@dataclass
class Comparison:
    a: Filters
    b: Filters
    overall: stats.Difference
    overall_a: stats.Estimate
    overall_b: stats.Estimate
    dimensions: list[tuple[Dimension, Dimension, stats.Difference]]


def compare(
    survey: Survey,
    questionnaire: Questionnaire,
    a: Filters,
    b: Filters,
    language: str,
    data: tally.Totals | None = None,
) -> Comparison:
    """Period b against period a: each index's difference with Welch's interval.

    ``data``: the point's cells over every day (one read for both periods)."""
    data = data or totals(survey, Filters(a.point_id))
    data_a, data_b = data.within(a.start, a.end), data.within(b.start, b.end)
    dims_a, _ = indices(survey, questionnaire, a, language, data_a)
    dims_b, _ = indices(survey, questionnaire, b, language, data_b)
    overall_a = tally.Totals.total(data_a.counted(survey).values()).overall_moments
    overall_b = tally.Totals.total(data_b.counted(survey).values()).overall_moments
    return Comparison(
        a,
        b,
        stats.difference(overall_a, overall_b, survey.min_n),
        stats.estimate(overall_a, survey.min_n),
        stats.estimate(overall_b, survey.min_n),
        [
            (da, db, stats.difference(da.moments, db.moments, survey.min_n))
            for da, db in zip(dims_a, dims_b, strict=True)
        ],
    )


@dataclass
class Distribution:
    question: Question
    version: QuestionVersion
    base: int  # respondents who answered this version
    rows: list[tuple[str, str, int, float]]  # (item label, value label, count, share %)
    summary: dict[str, float] = field(default_factory=dict)  # numbers: mean, min, max


def distributions(
    survey: Survey,
    questionnaire: Questionnaire,
    filters: Filters,
    language: str,
    data: tally.Totals | None = None,
) -> list[Distribution]:
    """Counts and shares of every question and version."""
    data = data or totals(survey, filters)
    cell = tally.Totals.total(data.counted(survey).values())
    by_version: dict[int, dict[tuple[str, str, float | None], int]] = defaultdict(dict)
    numbers: dict[int, list[float]] = defaultdict(lambda: [0, 0.0, math.inf, -math.inf])
    for (version_id, item, choice, number), count in cell.counts.items():
        version = questionnaire.versions.get(version_id)
        if version is not None and version.kind == Kind.NUMBER:
            if number is not None:
                row = numbers[version_id]
                row[0] += count
                row[1] += count * number
                row[2] = min(row[2], number)
                row[3] = max(row[3], number)
            continue
        by_version[version_id][(item, choice, number)] = count
    result = []
    for question in questionnaire.questions:
        for version in questionnaire.by_question.get(question.pk, []):
            base = cell.bases.get(version.pk, 0)
            rows: list[tuple[str, str, int, float]] = []
            found = by_version[version.pk]
            if version.kind in (Kind.LIKERT, Kind.GRID):
                items = (
                    [(i["code"], tr(i["label"], language)) for i in version.items]
                    if version.kind == Kind.GRID
                    else [("", "")]
                )
                for code, label in items:
                    for point in (1, 2, 3, 4, 5):
                        count = found.get((code, "", float(point)), 0)
                        rows.append((label, str(point), count, _share(count, base)))
            elif version.kind in (Kind.SINGLE, Kind.MULTIPLE):
                options = [(c["code"], tr(c["label"], language)) for c in version.choices]
                if version.allow_other:
                    options.append(("other", "…"))
                for code, label in options:
                    count = found.get(("", code, None), 0)
                    rows.append(("", label, count, _share(count, base)))
            summary: dict[str, float] = {}
            if version.kind == Kind.NUMBER and numbers.get(version.pk, [0])[0]:
                n, total, low, high = numbers[version.pk]
                summary = {"n": n, "mean": total / n, "min": low, "max": high}
            if base or version == question.current:
                result.append(Distribution(question, version, base, rows, summary))
    return result


def _share(count: int, base: int) -> float:
    return 100.0 * count / base if base else 0.0


def response_counts(
    survey: Survey, filters: Filters, data: tally.Totals | None = None
) -> dict[str, int]:
    """All responses, those counted, and each flag's count."""
    data = data or totals(survey, filters)
    counted = data.counted(survey)
    result = {
        "total": sum(c.responses for c in data.cells.values()),
        "counted": sum(c.responses for c in counted.values()),
    }
    for flag in FLAG_FIELDS:
        result[str(flag)] = sum(
            c.responses for p, c in data.cells.items() if tally.has_flag(p[3], flag)
        )
    return result


def by_point(survey: Survey, data: tally.Totals | None = None) -> dict[int, dict[str, int]]:
    """Each point's responses: all and counted."""
    data = data or totals(survey, Filters())
    counted = data.counted(survey)
    result: dict[int, dict[str, int]] = {}
    for profile, cell in data.cells.items():
        row = result.setdefault(profile[0], {"point_id": profile[0], "total": 0, "counted": 0})
        row["total"] += cell.responses
        if profile in counted:
            row["counted"] += cell.responses
    return result


def by_day(
    survey: Survey, filters: Filters, data: tally.Totals | None = None
) -> list[tuple[date, int]]:
    data = data or totals(survey, filters)
    days: Counter[date] = Counter()
    for profile, cell in data.counted(survey).items():
        days[profile[1]] += cell.responses
    return sorted(days.items())


def answered(data: tally.Totals) -> Counter[int]:
    """Respondents per question version, every response (suspects too)."""
    return tally.Totals.total(data.cells.values()).bases


def flag_labels(survey: Survey) -> list[str]:
    return [str(Flag(f).label) for f in survey.excluded_flags]


@dataclass
class Quota:
    question: str
    choice: str
    label: str
    target: int
    count: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.count / self.target)) if self.target else 0


def quota_progress(survey: Survey, language: str, data: tally.Totals | None = None) -> list[Quota]:
    """Counted responses against each quota's target.

    Quotas are set on single-choice questions (``actions.clean_quotas``): one answer
    row per response, so a choice's count in the tally is its respondents."""
    if not survey.quotas:
        return []
    questions = {
        q.code: q
        for q in Question.objects.filter(
            survey=survey, code__in=list(survey.quotas)
        ).select_related("current")
    }
    data = data or totals(survey, Filters())
    cell = tally.Totals.total(data.counted(survey).values())
    code_of = {q.pk: code for code, q in questions.items()}
    version_question = {
        pk: v.question_id
        for pk, v in QuestionVersion.objects.filter(question__in=questions.values())
        .only("pk", "question_id")
        .in_bulk()
        .items()
    }
    counts: Counter[tuple[str, str]] = Counter()
    for (version_id, _item, choice, _number), count in cell.counts.items():
        question_id = version_question.get(version_id)
        if question_id is not None and choice:
            counts[(code_of[question_id], choice)] += count
    result = []
    for code, targets in survey.quotas.items():
        question = questions.get(code)
        if question is None or question.current is None:
            continue
        labels = {c["code"]: tr(c["label"], language) for c in question.current.choices}
        for choice, target in targets.items():
            result.append(
                Quota(
                    code, choice, labels.get(choice, choice), target, counts.get((code, choice), 0)
                )
            )
    return result
