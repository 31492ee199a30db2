"""The thi đua API: rankings with their components, weights and rules; weight sets;
closing and reopening a year.

Access is the pages' (``theodoi.permissions.thidua``): another province's ranking
is 404; weights, closing and reopening are the province's coordinators' (403 for
the others who read the ranking).
"""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    MAX_PAGE_SIZE,
    WRITE_ERRORS,
    Id,
    ObjectIn,
    Pagination,
    Reason,
    StaleOut,
    Year,
    paginate,
)
from theodoi.core.workflow import Stale
from theodoi.permissions import thidua as access

from . import actions
from .models import EmulationYear, Level, WeightSet
from .ranking import Ranking, parse_period, ranking

router = Router(tags=["thidua"])


class ThiduaComponentOut(Schema):
    key: str
    label: str
    rule: str = Field(description="What the component counts")
    normalisation: str = Field(description="How its raw value is brought to 0–100")
    weight: int


class ThiduaLineOut(Schema):
    key: str
    raw: Decimal | None
    numerator: int | None
    denominator: int | None
    value: Decimal | None = Field(description="Normalised, 0–100")
    weight: int
    link: str = Field(description="The data the value comes from")


class ThiduaRowOut(Schema):
    rank: int | None = Field(description="None: not ranked (no component with data)")
    unit: int | None
    cluster: int | None
    name: str
    group: str = Field(description="Clusters: 'agency' or 'district', ranked apart")
    score: Decimal | None
    members: list[str]
    components: list[ThiduaLineOut]
    explanation: str


class ThiduaRankingOut(Schema):
    province: int
    period: str
    level: str
    state: Literal["draft", "final"]
    weights: dict[str, int]
    weights_set: bool = Field(description="False: the default weights (none set for the year)")
    components: list[ThiduaComponentOut]
    score_rule: str
    tie_rule: str
    computed_on: str
    count: int
    items: list[ThiduaRowOut]


def _explanation(found: Ranking, row: Any) -> str:
    query = urlencode({"period": found.period, "level": found.level})
    if found.level == Level.CLUSTER:
        return reverse("thidua:cluster", args=[row.key]) + "?" + query
    return reverse("thidua:explain", args=[row.key]) + "?" + query


@router.get(
    "/rankings",
    response={200: ThiduaRankingOut, **ERRORS},
    summary="A composite thi đua ranking with its components, weights and rules (paged)",
)
def rankings(
    request: HttpRequest,
    period: str = Query(..., description="YYYY-H1, YYYY-H2 or YYYY"),
    level: Literal["agency", "district", "cluster"] = "agency",
    province: Id | None = None,
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> Any:
    try:
        the_period = parse_period(period)
    except ValueError:
        raise ValidationError({"period": _("Use YYYY-H1, YYYY-H2 or YYYY.")}) from None
    if province is None:
        unit = access.default_province(request.user)
        if unit is None:
            raise Http404
    else:
        unit = access.access_province(request.user, province)
    found = ranking(unit, the_period, level)
    rows = found.rows[(page - 1) * page_size : page * page_size]
    return ThiduaRankingOut(
        province=unit.pk,
        period=found.period,
        level=found.level,
        state="final" if found.final else "draft",
        weights=found.weights,
        weights_set=found.weights_set,
        components=[ThiduaComponentOut(**vars(c)) for c in found.components],
        score_rule=found.score_rule,
        tie_rule=found.tie_rule,
        computed_on=found.computed_on,
        count=len(found.rows),
        items=[
            ThiduaRowOut(
                rank=r.rank,
                unit=r.key if found.level != Level.CLUSTER else None,
                cluster=r.key if found.level == Level.CLUSTER else None,
                name=r.name,
                group=r.group,
                score=r.score,
                members=r.members,
                components=[ThiduaLineOut(**vars(x)) for x in r.lines],
                explanation=_explanation(found, r),
            )
            for r in rows
        ],
    )


class ThiduaWeightSetOut(Schema):
    id: int
    province: int
    year: int
    level: str
    weights: dict[str, int]
    note: str
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_province(obj: WeightSet) -> int:
        return obj.province_id


@router.get(
    "/weight-sets",
    response={200: list[ThiduaWeightSetOut], **LIST_ERRORS},
    summary="The weights set per province, year and level",
)
@paginate(Pagination)
def weight_sets(request: HttpRequest, province: Id | None = None, year: Year | None = None) -> Any:
    found = access.visible_weight_sets(request.user)
    if province is not None:
        found = found.filter(province_id=province)
    if year is not None:
        found = found.filter(year=year)
    return found.order_by("province_id", "-year", "level", "pk")


class ThiduaYearOut(Schema):
    id: int
    province: int
    year: int
    state: str
    version: int
    closed_at: datetime | None

    @staticmethod
    def resolve_province(obj: EmulationYear) -> int:
        return obj.province_id


class ThiduaStepIn(ObjectIn):
    version: int | None = Field(None, description="The version read; a newer one answers 409")
    reason: Reason = ""


@router.post(
    "/years/{year_id}/{step}",
    response={200: ThiduaYearOut, **WRITE_ERRORS},
    summary="Close an emulation year (its rankings become final) or reopen it with a reason",
)
def move_year(
    request: HttpRequest, year_id: Id, step: Literal["close", "reopen"], payload: ThiduaStepIn
) -> Any:
    year = access.access_year(request.user, year_id, step)
    try:
        if step == "close":
            return actions.do_close_year(year, by=request.user, version=payload.version)
        return actions.do_reopen_year(
            year, by=request.user, reason=payload.reason, version=payload.version
        )
    except Stale as stale:
        return Status(409, StaleOut(message=str(stale), current={"version": stale.current.version}))
