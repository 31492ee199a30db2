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

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Avg, Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import stats
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


def _overall(rows: list[dict[str, Any]]) -> stats.Moments:
    return stats.Moments.of(stats.to_index(row["mean"]) for row in rows)


def indices(
    survey: Survey, questionnaire: Questionnaire, filters: Filters, language: str
) -> tuple[list[Dimension], stats.Estimate]:
    """Every dimension's index and the overall index (two queries)."""
    answers = _answers(survey, filters)
    moments = _moments_by(_index_rows(answers), "question_id", "item")
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
    overall = stats.estimate(_overall(_overall_rows(answers)), survey.min_n)
    return dimensions, overall


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
) -> Breakdown | None:
    """Indices split by ``point``, ``language`` or ``q:<code>`` (two queries)."""
    answers = _answers(survey, filters)
    if by == "point":
        answers = answers.annotate(group=F("response__point_id"))
        groups = [(str(p.pk), p.name) for p in points]
    elif by == "language":
        answers = answers.annotate(group=F("response__language"))
        groups = [(code, code) for code in survey.languages]
    elif by.startswith("q:"):
        question = next((q for q in questionnaire.questions if f"q:{q.code}" == by), None)
        if question is None or question.current is None or question.current.kind != Kind.SINGLE:
            return None
        chosen = Answer.objects.filter(
            response_id=OuterRef("response_id"), question_id=question.pk
        ).values("choice")[:1]
        answers = answers.annotate(group=Subquery(chosen))
        groups = [(c["code"], tr(c["label"], language)) for c in question.current.choices] + (
            [("other", "…")] if question.current.allow_other else []
        )
    else:
        return None
    result = Breakdown(by, groups)
    moments = _moments_by(_index_rows(answers, "group"), "question_id", "item", "group")
    keys = questionnaire.dimension_keys(language)
    for group, _label in groups:
        for key, qid, item, _l in keys:
            result.cells[(key, group)] = stats.estimate(
                moments.get((qid, item, _match(group, by)), stats.Moments()), survey.min_n
            )
    per_group: dict[Any, list[float]] = defaultdict(list)
    for row in _overall_rows(answers, "group"):
        per_group[row["group"]].append(stats.to_index(row["mean"]))
    for group, _label in groups:
        result.overall[group] = stats.estimate(
            stats.Moments.of(per_group.get(_match(group, by), [])), survey.min_n
        )
    return result


def _match(group: str, by: str) -> Any:
    return int(group) if by == "point" else group


@dataclass
class Comparison:
    a: Filters
    b: Filters
    overall: stats.Difference
    overall_a: stats.Estimate
    overall_b: stats.Estimate
    dimensions: list[tuple[Dimension, Dimension, stats.Difference]]


def compare(
    survey: Survey, questionnaire: Questionnaire, a: Filters, b: Filters, language: str
) -> Comparison:
    """Period b against period a: each index's difference with Welch's interval."""
    dims_a, _ = indices(survey, questionnaire, a, language)
    dims_b, _ = indices(survey, questionnaire, b, language)
    overall_a = _overall(_overall_rows(_answers(survey, a)))
    overall_b = _overall(_overall_rows(_answers(survey, b)))
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
    survey: Survey, questionnaire: Questionnaire, filters: Filters, language: str
) -> list[Distribution]:
    """Counts and shares of every question and version (three queries)."""
    answers = _answers(survey, filters)
    counts = list(
        answers.exclude(version__kind=Kind.NUMBER)
        .values("version_id", "item", "choice", "number")
        .annotate(c=Count("pk"))
        .order_by()
    )
    bases = {
        row["version_id"]: row["r"]
        for row in answers.values("version_id")
        .annotate(r=Count("response_id", distinct=True))
        .order_by()
    }
    numbers = {
        row["version_id"]: row
        for row in answers.filter(version__kind=Kind.NUMBER)
        .values("version_id")
        .annotate(n=Count("pk"), mean=Avg("number"), low=Min("number"), high=Max("number"))
        .order_by()
    }
    by_version: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in counts:
        by_version[row["version_id"]].append(row)
    result = []
    for question in questionnaire.questions:
        for version in questionnaire.by_question.get(question.pk, []):
            base = bases.get(version.pk, 0)
            rows: list[tuple[str, str, int, float]] = []
            found = {(r["item"], r["choice"], r["number"]): r["c"] for r in by_version[version.pk]}
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
            if version.kind == Kind.NUMBER and version.pk in numbers:
                row = numbers[version.pk]
                summary = {
                    "n": row["n"],
                    "mean": row["mean"],
                    "min": row["low"],
                    "max": row["high"],
                }
            if base or version == question.current:
                result.append(Distribution(question, version, base, rows, summary))
    return result


def _share(count: int, base: int) -> float:
    return 100.0 * count / base if base else 0.0


def response_counts(survey: Survey, filters: Filters) -> dict[str, int]:
    """All responses, those counted, and each flag's count (one query)."""
    queryset = Response.objects.filter(survey=survey)
    if filters.point_id:
        queryset = queryset.filter(point_id=filters.point_id)
    if filters.start:
        queryset = queryset.filter(submitted_at__gte=_bounds(filters.start))
    if filters.end:
        queryset = queryset.filter(submitted_at__lt=_bounds(filters.end, end=True))
    kept = Q()
    for flag, name in FLAG_FIELDS.items():
        if flag in survey.excluded_flags:
            kept &= Q(**{name: False})
    row = queryset.aggregate(
        total=Count("pk"),
        counted=Count("pk", filter=kept),
        **{str(flag): Count("pk", filter=Q(**{name: True})) for flag, name in FLAG_FIELDS.items()},
    )
    return {k: v or 0 for k, v in row.items()}


def by_point(survey: Survey) -> dict[int, dict[str, int]]:
    """Each point's responses: all and counted (one query)."""
    kept = Q()
    for flag, name in FLAG_FIELDS.items():
        if flag in survey.excluded_flags:
            kept &= Q(**{name: False})
    rows = (
        Response.objects.filter(survey=survey)
        .values("point_id")
        .annotate(total=Count("pk"), counted=Count("pk", filter=kept))
        .order_by()
    )
    return {row["point_id"]: row for row in rows}


def by_day(survey: Survey, filters: Filters) -> list[tuple[date, int]]:
    rows = (
        counted_responses(survey, filters)
        .annotate(day=TruncDate("submitted_at"))
        .values("day")
        .annotate(c=Count("pk"))
        .order_by("day")
    )
    return [(row["day"], row["c"]) for row in rows]


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


def quota_progress(survey: Survey, language: str) -> list[Quota]:
    """Counted responses against each quota's target (two queries)."""
    if not survey.quotas:
        return []
    questions = {
        q.code: q
        for q in Question.objects.filter(
            survey=survey, code__in=list(survey.quotas)
        ).select_related("current")
    }
    counts = {
        (row["question__code"], row["choice"]): row["n"]
        for row in Answer.objects.filter(
            response__in=counted_responses(survey, Filters()), question__code__in=list(questions)
        )
        .values("question__code", "choice")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    }
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
