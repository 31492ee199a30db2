"""The tourist satisfaction survey: who runs it, who reads it.

Staff of a survey are the coordinators and leadership viewers whose reach
includes the survey's owner unit (the Ban Tuyên giáo's public-opinion
specialists act for the committee above it, so its coordinators reach it).
Coordinators build and run the survey (questions, points, codes, the
workflow, the exclusion rule); viewers read its results and raw responses.
Once the results are published, every signed-in account of the committee the
owner serves (or in the owner's reach) reads the results, not the raw
responses. Everyone else
does not see the survey at all (404).

Respondents are anonymous: the public answer page reaches a collection point
by its link token and, through it, only that point's open survey
(:func:`answerable_point`); it never calls the staff helpers.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet
from django.http import Http404

from theodoi.permissions import AnyUser, Role, fetch, home_ids, parse_id, reach, reaches

STAFF_ROLES = (Role.COORDINATOR, Role.VIEWER)


def _survey_of(obj: Any) -> Any:
    from theodoi.surveys.models import CollectionPoint, Question, Response, Section

    if isinstance(obj, CollectionPoint | Question | Response | Section):
        return obj.survey
    return obj


@rules.predicate
def runs_survey(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _survey_of(obj).owner_id, Role.COORDINATOR)


@rules.predicate
def is_survey_staff(user: AnyUser, obj: Any) -> bool:
    return reaches(user, _survey_of(obj).owner_id, *STAFF_ROLES)


def _published_within(user: AnyUser) -> Q:
    """Published surveys whose owner is in the user's reach or serves a unit the user is in."""
    home = home_ids(user)
    return Q(state="published") & (
        Q(owner_id__in=reach(user)) | Q(owner_id__in=home) | Q(owner__parent_id__in=home)
    )


@rules.predicate
def reads_published_survey(user: AnyUser, obj: Any) -> bool:
    survey = _survey_of(obj)
    if survey.state != "published" or not user.is_authenticated:
        return False
    home = home_ids(user)
    return (
        reaches(user, survey.owner_id) or survey.owner_id in home or survey.owner.parent_id in home
    )


@rules.predicate
def coordinates_unit(user: AnyUser, unit: Any) -> bool:
    """Surveys are created for a unit the user coordinates (any unit, without one)."""
    if unit is None:
        return bool(reach(user, Role.COORDINATOR))
    return reaches(user, unit, Role.COORDINATOR)


rules.add_perm("surveys.add_survey", coordinates_unit)
rules.add_perm("surveys.view_survey", is_survey_staff | reads_published_survey)
rules.add_perm("surveys.view_results", is_survey_staff | reads_published_survey)
rules.add_perm("surveys.view_responses", is_survey_staff)
rules.add_perm("surveys.change_survey", runs_survey)
rules.add_perm("surveys.run_survey", runs_survey)
# Interviewer mode: the survey's coordinators enter answers from paper or an interview.
rules.add_perm("surveys.interview", runs_survey)

# access_survey(user, pk, action): the short action names the pages and the API use.
ACTIONS = {
    "view": "surveys.view_survey",
    "results": "surveys.view_results",
    "responses": "surveys.view_responses",
    "change": "surveys.change_survey",
    "run": "surveys.run_survey",
    "interview": "surveys.interview",
}


def default_owner(user: AnyUser) -> Any:
    """The unit a new survey belongs to by default: the user's first coordinator unit."""
    from theodoi.permissions import memberships

    for membership in memberships(user):
        if membership.role == Role.COORDINATOR:
            return membership.unit
    return None


def visible_surveys(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Surveys the user may open: as staff of the owner, or published within reach."""
    from theodoi.surveys.models import Survey

    queryset = Survey.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(Q(owner_id__in=reach(user, *STAFF_ROLES)) | _published_within(user))


def visible_responses(
    user: AnyUser, survey: Any, queryset: QuerySet[Any] | None = None
) -> QuerySet[Any]:
    """The survey's raw responses, for its staff only (PermissionDenied otherwise)."""
    from theodoi.permissions import require
    from theodoi.surveys.models import Response

    require(user, "surveys.view_responses", survey)
    queryset = Response.objects.all() if queryset is None else queryset
    return queryset.filter(survey=survey)


def access_survey(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """The survey, or Http404 (not visible) / PermissionDenied (action not allowed)."""
    from theodoi.surveys.models import Survey

    return fetch(
        user,
        Survey.objects.select_related("owner"),
        pk,
        "surveys.view_survey",
        ACTIONS.get(action, action),
    )


def access_question(user: AnyUser, pk: Any, action: str = "change") -> Any:
    from theodoi.surveys.models import Question

    return fetch(
        user,
        Question.objects.select_related("survey__owner", "current", "section"),
        pk,
        "surveys.view_survey",
        ACTIONS.get(action, action),
    )


def access_point(user: AnyUser, pk: Any, action: str = "view") -> Any:
    from theodoi.surveys.models import CollectionPoint

    return fetch(
        user,
        CollectionPoint.objects.select_related("survey__owner"),
        pk,
        "surveys.view_survey",
        ACTIONS.get(action, action),
    )


def published_surveys() -> QuerySet[Any]:
    """Surveys whose results are published: anyone (the portal's visitors) reads them."""
    from theodoi.surveys.models import Survey

    return Survey.objects.filter(state=Survey.State.PUBLISHED)


def public_results(pk: Any) -> Any:
    """A survey with published results, for the portal's public page; Http404 otherwise
    (a draft, open or closed survey is its staff's only)."""
    survey = published_surveys().filter(pk=parse_id(pk)).first()
    if survey is None:
        raise Http404
    return survey


def answerable_point(token: str) -> Any:
    """The anonymous respondent's only door: an active point of a survey that is not a draft.

    Http404 for an unknown or inactive point and for a draft survey; the
    caller tells an open survey from a closed one (``collecting(point)``).
    """
    if not isinstance(token, str) or not token.isascii() or len(token) > 32:
        raise Http404
    point = _point_by_token(token)
    if point is None:
        raise Http404
    return point


_TOKEN_SENTINEL = "\x00token\x00"
_POINT_SQL: dict[str, tuple[str, list[Any], dict[int, Any]]] = {}


def _point_query(token: str) -> QuerySet[Any]:
    from theodoi.surveys.models import CollectionPoint, Survey

    return (
        CollectionPoint.objects.select_related("survey")
        .filter(token=token, active=True)
        .exclude(survey__state=Survey.State.DRAFT)
        .order_by()[:1]
    )


def _point_by_token(token: str) -> Any:
    """The point (with its survey) of ``_point_query``, its SQL compiled once per process.

    The public page asks this on every request; building the query through the
    ORM each time cost more than running it.
    """
    from django.db import connections, router

    from theodoi.surveys.models import CollectionPoint, Survey

    db = router.db_for_read(CollectionPoint)
    compiled = _POINT_SQL.get(db)
    if compiled is None:
        compiler = _point_query(_TOKEN_SENTINEL).using(db).query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        converters = compiler.get_converters([col for col, _alias, _name in compiler.select])
        compiled = _POINT_SQL[db] = (sql, list(params), converters)
    sql, params, converters = compiled
    point_fields = [f.attname for f in CollectionPoint._meta.concrete_fields]
    survey_fields = [f.attname for f in Survey._meta.concrete_fields]
    connection = connections[db]
    with connection.cursor() as cursor:
        cursor.execute(sql, [token if p == _TOKEN_SENTINEL else p for p in params])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, (functions, expression) in converters.items():
        for convert in functions:
            values[position] = convert(values[position], expression, connection)
    point = CollectionPoint.from_db(db, point_fields, values[: len(point_fields)])
    point.survey = Survey.from_db(db, survey_fields, values[len(point_fields) :])
    return point
