"""Results: rankings (page and XLSX), a commune's trend, the province's bulletin."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from theodoi.core import clock
from theodoi.core.apikit import Year
from theodoi.permissions import tuyenvan as access
from theodoi.units.models import Unit

from .. import documents, results
from ..models import MonthlyResult, month_key
from .common import default_month, query_value

LEVELS = results.LEVELS


# begin home: the period as people write it ("06/2018", "Q2/2018", "Quý 2/2018", "6-2018")
_WRITTEN = (
    (re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$"), "{1}-{0:0>2}"),
    (re.compile(r"^\s*(?:q|quý|quy)\s*([1-4])\s*[/.-]?\s*(\d{4})\s*$", re.I), "{1}-Q{0}"),
    (re.compile(r"^\s*(\d{4})\s*[/.-]?\s*(?:q|quý|quy)\s*([1-4])\s*$", re.I), "{0}-Q{1}"),
)


def normalize_period(text: str) -> str:
    """A period key ('2018-06', '2018-Q2', '2018') from the ways people write one."""
    for pattern, key in _WRITTEN:
        found = pattern.match(text)
        if found:
            return key.format(*found.groups())
    return text.strip()


def period_choices(year: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """The picker's periods around ``year``: each year's months, quarters and the year."""
    today = clock.today()
    groups = []
    for y in range(max(year, today.year), min(year, today.year) - 2, -1):
        options = [(f"{y}", _("Year %(y)s") % {"y": y})]
        options += [
            (f"{y}-Q{q}", _("Quarter %(q)s/%(y)s") % {"q": q, "y": y}) for q in range(4, 0, -1)
        ]
        options += [(f"{y}-{m:02d}", f"{m:02d}/{y}") for m in range(12, 0, -1)]
        groups.append((str(y), options))
    return groups


# end home


def _ranking_scope(request: HttpRequest) -> tuple[results.Period, str, Unit]:
    """The period, level and unit a ranking is asked for (the access layer decides the unit).

    A period written as people write it ("06/2018", "Quý 2/2018") is read as such;
    anything else is not a period (404, as a bad id is)."""
    asked = normalize_period(request.GET.get("period") or "") or month_key(default_month())
    try:
        period = results.parse_period(asked)
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
    levels = results.levels_for(within, period)
    level, ranked = results.rank(within, period, level, levels)
    full = user.has_perm("tuyenvan.view_results", within)
    context: dict[str, Any] = {
        # begin home: a picker, and open months marked provisional
        "period_choices": period_choices(period.start.year),
        "provisional": results.results_within(within, period)
        .exclude(status=MonthlyResult.Status.CLOSED)
        .exists(),
        # end home
        "period": period,
        "level": level,
        "levels": levels,
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
    # begin budgets: a POST issues the bulletin: its number is reserved in the register
    issue = request.method == "POST"
    if issue and not request.user.has_perm("tuyenvan.accept_district", within):
        raise PermissionDenied
    data = documents.bulletin_docx(within, the_month, issue=issue, by=request.user)
    # end budgets
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="ban-tin-tuyen-van-{month}.docx"'
    return response
