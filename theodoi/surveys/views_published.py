"""Published results on the public portal: indices with their intervals and n, no answers.

A survey's results are public once its workflow reaches "published results"
(``permissions.surveys.public_results``); before that the page is a 404. The
page shows the method, the counts, each dimension's index with its 95%
interval and n ("n too small" below the survey's threshold) and the overall
index by collection point. Free text is shown (its most frequent terms) only
when the staff chose to publish it; raw answers never are.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from theodoi.permissions import surveys as access
from theodoi.portal.models import Category

from . import analysis
from .models import Answer, Kind
from .texts import frequent_terms


def _portal(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A page in the portal's public layout (its header lists the portal's categories)."""
    context.setdefault("portal_categories", Category.objects.all())
    return render(request, template, context)


def published_list(request: HttpRequest) -> HttpResponse:
    surveys = access.published_surveys().order_by("-closes_on", "-pk")
    language = (get_language() or "vi")[:2]
    return _portal(
        request,
        "surveys/published_list.html",
        {"surveys": [(s, s.title_in(language)) for s in surveys]},
    )


def published_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access.public_results(pk)
    wanted = (get_language() or "vi")[:2]
    language = wanted if wanted in survey.languages else survey.languages[0]
    everything = analysis.Filters()
    questionnaire = analysis.Questionnaire.load(survey)
    data = analysis.totals(survey, everything)
    dimensions, overall = analysis.indices(survey, questionnaire, everything, language, data)
    points = list(survey.points.all())
    split = analysis.breakdown(survey, questionnaire, everything, "point", language, points, data)
    terms: list[tuple[str, int]] = []
    if survey.public_texts:
        texts = (
            Answer.objects.filter(
                response__in=analysis.counted_responses(survey, everything),
                version__kind__in=[Kind.SHORT_TEXT, Kind.LONG_TEXT],
            )
            .exclude(text="")
            .order_by("-pk")
            .values_list("text", flat=True)[:5000]
        )
        terms = frequent_terms(texts, limit=30)
    return _portal(
        request,
        "surveys/published.html",
        {
            "survey": survey,
            "title": survey.title_in(language),
            "counts": analysis.response_counts(survey, everything, data),
            "excluded": analysis.flag_labels(survey),
            "dimensions": dimensions,
            "overall": overall,
            "by_point": [(label, split.overall[g]) for g, label in split.groups] if split else [],
            "terms": terms,
        },
    )
