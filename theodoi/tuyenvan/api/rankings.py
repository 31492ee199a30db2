"""Results and rankings: each commune's monthly result, ordered rankings."""

from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from theodoi.core.apikit import ERRORS, LIST_ERRORS, Id, Month, Pagination, paginate
from theodoi.permissions import tuyenvan as access

from .. import results
from ..models import MonthlyResult, month_key

router = Router(tags=["tuyenvan"])


class TvResultOut(Schema):
    commune: int
    commune_name: str
    district: int
    month: str
    criteria_set: int
    total: Decimal | None
    band: str
    band_label: str
    eligible: bool
    self_total: Decimal | None
    district_total: Decimal | None
    official_total: Decimal | None
    system_total: Decimal
    sources_missing: list[str]
    open_flags: int
    deductions: int
    status: str

    @staticmethod
    def resolve_commune(obj: MonthlyResult) -> int:
        return obj.commune_id

    @staticmethod
    def resolve_commune_name(obj: MonthlyResult) -> str:
        return obj.commune.name

    @staticmethod
    def resolve_district(obj: MonthlyResult) -> int:
        return obj.district_id

    @staticmethod
    def resolve_month(obj: MonthlyResult) -> str:
        return month_key(obj.month)

    @staticmethod
    def resolve_criteria_set(obj: MonthlyResult) -> int:
        return obj.criteria_set_id

    @staticmethod
    def resolve_sources_missing(obj: MonthlyResult) -> list[str]:
        return list(obj.missing_sources)


@router.get(
    "/results",
    response={200: list[TvResultOut], **LIST_ERRORS},
    summary="Each commune's result for a month",
)
@paginate(Pagination)
def list_results(request: HttpRequest, month: Month, district: Id | None = None) -> Any:
    found = access.visible_tuyenvan_results(
        request.user, MonthlyResult.objects.filter(month=month)
    ).select_related("commune")
    if district is not None:
        found = found.filter(district_id=district)
    return found.order_by("district_id", "commune__name", "pk")


class TvRankedOut(Schema):
    rank: int
    unit: int
    name: str
    score: Decimal
    band: str
    band_label: str
    deductions: int
    months: int


class TvRankingOut(Schema):
    period: str
    level: str
    within: int
    rule: str
    ranking: list[TvRankedOut]


@router.get(
    "/rankings",
    response={200: TvRankingOut, **ERRORS},
    summary="Ordered ranking, ties by a stated rule",
)
def rankings(
    request: HttpRequest,
    period: str,
    level: Literal["commune", "district", "cluster", "former_district"] = "commune",
    within: Id | None = None,
) -> Any:
    try:
        the_period = results.parse_period(period)
    except ValueError:
        raise ValidationError({"period": _("Use YYYY-MM, YYYY-Qn or YYYY.")}) from None
    unit = access.access_ranking(request.user, within, level)
    level, ranked = results.rank(unit, the_period, level)
    return TvRankingOut(
        period=the_period.key,
        level=level,
        within=unit.pk,
        rule=(results.__doc__ or "").strip(),
        ranking=[
            TvRankedOut(
                rank=r.rank,
                unit=r.unit_id,
                name=r.name,
                score=r.score,
                band=r.band,
                band_label=r.band_label,
                deductions=r.deductions,
                months=r.months,
            )
            for r in ranked
        ],
    )
