"""Results: rankings (page and XLSX), a commune's trend, the province's bulletin."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from theodoi.core import clock
from theodoi.core.apikit import Year
from theodoi.permissions import tuyenvan as access
from theodoi.units.models import Unit

from .. import documents, results
from ..models import MonthlyResult, month_key
from .common import default_month, query_value

LEVELS = ("commune", "district")


def _ranking_scope(request: HttpRequest) -> tuple[results.Period, str, Unit]:
    """The period, level and unit a ranking is asked for (the access layer decides the unit)."""
    try:
        period = results.parse_period(request.GET.get("period") or month_key(default_month()))
    except ValueError:
        raise Http404 from None
    level = request.GET.get("level", "commune")
    if level not in LEVELS:
        raise Http404
    within = access.access_ranking(request.user, request.GET.get("within"), level)
    return period, level, within


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    user = request.user
    period, level, within = _ranking_scope(request)
    ranked = (
        results.rank_districts(within, period)
        if level == "district"
        else results.rank_communes(within, period)
    )
    full = user.has_perm("tuyenvan.view_results", within)
    context: dict[str, Any] = {
        "period": period,
        "level": level,
        "within": within,
        "ranked": ranked,
        "query": request.GET.urlencode(),
        "scopes": access.visible_ranking_scopes(user).order_by("kind", "name"),
        "max_score": max((r.score for r in ranked), default=Decimal(100)) or Decimal(100),
        "full": full,
        # Rows the user may open (a commune reporter: its own commune only).
        "openable": {r.unit_id for r in ranked}
        if full
        else set(
            access.visible_tuyenvan_communes(user)
            .filter(pk__in=[r.unit_id for r in ranked])
            .values_list("pk", flat=True)
        ),
    }
    if not full:  # a commune reporter: where its commune stands
        context["standing"] = [r for r in ranked if r.unit_id in context["openable"]]
    if period.is_month:
        context["bands"] = results.band_distribution(within, period.start)
        context["improved"] = results.most_improved(within, period.start)
        if context["full"]:
            context["attention"] = results.attention(within, period.start)
    return render(request, "tuyenvan/rankings.html", context)


@login_required
def rankings_xlsx(request: HttpRequest) -> HttpResponse:
    period, level, within = _ranking_scope(request)
    data = documents.rankings_xlsx(within, period, level)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="xep-hang-{period.key}.xlsx"'
    return response


@login_required
def trend(request: HttpRequest, commune_id: int) -> HttpResponse:
    """A commune's months of a year: only the months the user may read."""
    commune = access.access_commune(request.user, commune_id)
    year = request.GET.get("year") or ""
    year_int = query_value(Year, year) if year else clock.today().year
    rows = access.visible_tuyenvan_results(
        request.user, MonthlyResult.objects.filter(commune=commune, month__year=year_int)
    ).order_by("month")
    # The results of the communes it came from, under the names that earned them.
    earlier = (
        access.predecessor_history(request.user, commune)
        .filter(month__year=year_int)
        .select_related("commune__parent")
        .order_by("commune__parent__name", "commune__name", "month")
    )
    return render(
        request,
        "tuyenvan/trend.html",
        {"commune": commune, "rows": rows, "year": year_int, "earlier": earlier},
    )


@login_required
def bulletin(request: HttpRequest, month: str) -> HttpResponse:
    within = access.access_bulletin(request.user)
    the_month = access.parse_month_key(month)
    data = documents.bulletin_docx(within, the_month)
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="ban-tin-tuyen-van-{month}.docx"'
    return response
