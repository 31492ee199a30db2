"""The surveys API: surveys, their questionnaire and versions, results, raw responses.

Access is the pages' (``theodoi.permissions.surveys``): a survey outside the
caller's reach is 404; results of an unpublished survey are for its staff;
raw responses are for its staff only (403 for other roles that see the
survey). Answering is not an API: the public answer page is a page, with
the page's checks (form token, timing, honeypot, device token, rate limit).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    WRITE_ERRORS,
    Id,
    IsoDate,
    Pagination,
    ShortText,
    Text,
    paginate,
)
from theodoi.permissions import require, visible_units
from theodoi.permissions import surveys as access

from . import actions, analysis, stats
from .models import Answer, Response, Survey

router = Router(tags=["surveys"])


class SurveyOut(Schema):
    id: int
    owner_id: int
    title: dict[str, str]
    state: str
    opens_on: date | None
    closes_on: date | None
    languages: list[str]
    revision: int
    version: int


class SurveyIn(Schema):
    owner: Id | None = Field(None, description="The owner unit; the caller's own by default")
    title_vi: ShortText
    title_en: ShortText
    intro_vi: Text = ""
    intro_en: Text = ""
    privacy_vi: Text = ""
    privacy_en: Text = ""
    languages: list[ShortText] = Field(default_factory=lambda: ["vi", "en"], max_length=12)
    opens_on: IsoDate | None = None
    closes_on: IsoDate | None = None


class SurveyVersionOut(Schema):
    number: int
    kind: str
    text: dict[str, str]
    help: dict[str, str]
    required: bool
    choices: list[dict[str, Any]]
    items: list[dict[str, Any]]
    allow_other: bool
    minimum: float | None
    maximum: float | None
    show_if: dict[str, Any]
    in_index: bool
    answers: int


class SurveyQuestionOut(Schema):
    id: int
    code: str
    section: dict[str, str]
    current_version: int
    versions: list[SurveyVersionOut]


class SurveyPointOut(Schema):
    id: int
    name: str
    link: str
    requires_code: bool
    responses: int


class SurveyDetailOut(SurveyOut):
    min_n: int
    excluded_flags: list[str]
    questions: list[SurveyQuestionOut]
    points: list[SurveyPointOut]


class SurveyEstimateOut(Schema):
    n: int
    index: float | None
    low: float | None
    high: float | None
    too_small: bool


class SurveyDimensionOut(SurveyEstimateOut):
    key: str
    label: str


class SurveyResultsOut(Schema):
    method: str
    responses: int
    counted: int
    excluded_flags: list[str]
    overall: SurveyEstimateOut
    dimensions: list[SurveyDimensionOut]


class SurveyResultsQuery(Schema):
    point: Id | None = None
    from_: IsoDate | None = Field(None, alias="from")
    to: IsoDate | None = None


class SurveyAnswerOut(Schema):
    question: str
    version: int
    item: str
    choice: str
    number: float | None
    text: str


class SurveyResponseOut(Schema):
    id: int
    point_id: int
    submitted_at: datetime
    language: str
    revision: int
    channel: str
    seconds: int | None
    flags: list[str]
    answers: list[SurveyAnswerOut]


def _survey_out(survey: Survey) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "owner_id": survey.owner_id,
        "title": survey.title,
        "state": survey.state,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
        "languages": survey.languages,
        "revision": survey.revision,
        "version": survey.version,
    }


@router.get(
    "/surveys", response={200: list[SurveyOut], **LIST_ERRORS}, summary="Surveys you may see"
)
@paginate(Pagination)
def list_surveys(request: HttpRequest) -> Any:
    return access.visible_surveys(request.auth, Survey.objects.order_by("-pk"))


@router.post(
    "/surveys",
    response={201: SurveyOut, **WRITE_ERRORS},
    summary="Create a survey (coordinators of the owner unit)",
)
def create_survey(request: HttpRequest, payload: SurveyIn) -> Any:
    user = request.auth
    if payload.owner is not None:
        owner = visible_units(user).filter(pk=payload.owner).first()
        if owner is None:
            raise ValidationError({"owner": _("Unknown unit: %(id)s.") % {"id": payload.owner}})
    else:
        owner = access.default_owner(user)
    require(user, "surveys.add_survey", owner)
    survey = actions.do_create_survey(
        owner,
        by=user,
        title={"vi": payload.title_vi, "en": payload.title_en},
        intro={"vi": payload.intro_vi, "en": payload.intro_en},
        privacy={"vi": payload.privacy_vi, "en": payload.privacy_en},
        languages=list(payload.languages),
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
    )
    return Status(201, _survey_out(survey))


@router.get(
    "/surveys/{id}",
    response={200: SurveyDetailOut, **ERRORS},
    summary="A survey with its questions, every version of each, and its points",
)
def get_survey(request: HttpRequest, id: str) -> Any:
    survey = access.access_survey(request.auth, id, "view")
    questionnaire = analysis.Questionnaire.load(survey)
    data = analysis.totals(survey, analysis.Filters())
    answered = analysis.answered(data)
    counts = analysis.by_point(survey, data)
    return {
        **_survey_out(survey),
        "min_n": survey.min_n,
        "excluded_flags": survey.excluded_flags,
        "questions": [
            {
                "id": q.pk,
                "code": q.code,
                "section": q.section.title,
                "current_version": q.current.number if q.current else 0,
                "versions": [
                    {
                        "number": v.number,
                        **v.meaning(),
                        "answers": answered.get(v.pk, 0),
                    }
                    for v in questionnaire.by_question.get(q.pk, [])
                ],
            }
            for q in questionnaire.questions
        ],
        "points": [
            {
                "id": p.pk,
                "name": p.name,
                "link": f"/surveys/a/{p.token}/",
                "requires_code": p.requires_code,
                "responses": counts.get(p.pk, {}).get("total", 0),
            }
            for p in survey.points.all()
        ],
    }


def _estimate(e: stats.Estimate) -> dict[str, Any]:
    return {"n": e.n, "index": e.mean, "low": e.low, "high": e.high, "too_small": e.too_small}


METHOD = (
    "Likert 1-5 mapped to 0-100 as (x-1)*25; index = mean of counted answers; 95% CI by "
    "Student's t (mean ± t(0.975, n-1)·s/√n); overall = mean over respondents of each "
    "respondent's mean of the dimensions rated; no figure below the survey's min_n."
)


@router.get(
    "/surveys/{id}/results",
    response={200: SurveyResultsOut, **ERRORS},
    summary="Satisfaction indices with 95% CI and n (optionally one point, between dates)",
)
def survey_results(request: HttpRequest, id: str, filters: Query[SurveyResultsQuery]) -> Any:
    survey = access.access_survey(request.auth, id, "results")
    if filters.point is not None and not survey.points.filter(pk=filters.point).exists():
        raise ValidationError({"point": _("Not a collection point of this survey.")})
    if filters.from_ and filters.to and filters.to < filters.from_:
        raise ValidationError({"to": _("The end is before the start.")})
    chosen = analysis.Filters(filters.point, filters.from_, filters.to)
    questionnaire = analysis.Questionnaire.load(survey)
    data = analysis.totals(survey, chosen)
    dimensions, overall = analysis.indices(survey, questionnaire, chosen, "en", data)
    counts = analysis.response_counts(survey, chosen, data)
    return {
        "method": METHOD,
        "responses": counts["total"],
        "counted": counts["counted"],
        "excluded_flags": survey.excluded_flags,
        "overall": _estimate(overall),
        "dimensions": [
            {"key": d.key, "label": d.label, **_estimate(d.estimate)} for d in dimensions
        ],
    }


@router.get(
    "/surveys/{id}/responses",
    response={200: list[SurveyResponseOut], **ERRORS},
    summary="Raw responses with their answers (the survey's staff only)",
)
@paginate(Pagination)
def survey_responses(request: HttpRequest, id: str) -> Any:
    survey = access.access_survey(request.auth, id, "responses")
    return _ResponsePage(access.visible_responses(request.auth, survey, Response.objects.all()))


class _ResponsePage:
    """A lazily sliced list of responses whose answers are read for the page only."""

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset.order_by("-submitted_at", "-pk")

    def count(self) -> int:
        return self.queryset.count()

    def all(self) -> _ResponsePage:
        return self

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        rows = list(self.queryset[page])
        answers: dict[int, list[dict[str, Any]]] = {r.pk: [] for r in rows}
        for a in Answer.objects.filter(response__in=rows).select_related("question", "version"):
            answers[a.response_id].append(
                {
                    "question": a.question.code,
                    "version": a.version.number,
                    "item": a.item,
                    "choice": a.choice,
                    "number": a.number,
                    "text": a.text,
                }
            )
        return [
            {
                "id": r.pk,
                "point_id": r.point_id,
                "submitted_at": r.submitted_at,
                "language": r.language,
                "revision": r.revision,
                "channel": r.channel,
                "seconds": r.seconds,
                "flags": r.flags,
                "answers": answers[r.pk],
            }
            for r in rows
        ]
