"""The detailed plans API: a plan's detailed plans and budget summary, one detailed plan,
its workflow steps. Access is the pages' (``theodoi.permissions.budgets``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from theodoi.core.apikit import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    Money,
    ObjectIn,
    Pagination,
    ShortText,
    StaleOut,
    Text,
    UnitRef,
    paginate,
)
from theodoi.core.workflow import Stale
from theodoi.permissions import budgets as access
from theodoi.permissions import plans as plan_access

from . import actions
from .models import DetailedPlan, FundingSource
from .summary import BY, summarise

router = Router(tags=["budgets"])


class LineSchema(Schema):
    work_item: Id
    activity: ShortText = Field(..., max_length=500)
    timing: ShortText = Field("", max_length=100)
    output: ShortText = Field("", max_length=300)
    amount: Money = Field(..., description='In đồng; "12.500.000" is accepted')
    source: Literal["provincial", "district", "programme", "other"] = "provincial"


class LineOut(LineSchema):
    id: int
    work_item_title: str


class DetailedPlanOut(Schema):
    id: int
    plan_id: int
    unit: UnitRef
    revision: int
    state: str
    note: str
    comment: str
    finance_opinion: str
    submitted_at: datetime | None
    decided_at: datetime | None
    version: int
    total: int


class DetailedPlanDetailOut(DetailedPlanOut):
    lines: list[LineOut]
    steps: list[str]


class DetailedPlanIn(ObjectIn):
    unit: Id | None = Field(None, description="The lead unit; your own by default")
    note: Text = ""
    lines: list[LineSchema] = Field(default_factory=list, max_length=500)


class StepIn(ObjectIn):
    version: int | None = Field(None, description="The version you read (409 when stale)")
    comment: Text = Field("", description="Required to return; the opinion for a finance step")


class LinesIn(ObjectIn):
    version: int
    note: Text | None = None
    lines: list[LineSchema] = Field(..., max_length=500)


class SummaryRowOut(Schema):
    key: str
    label: str
    estimate: int
    spent: int | None
    remaining: int | None
    rate: float | None
    overspent: bool
    overspent_items: int
    unspent_items: int
    unplanned_items: int
    by_source: dict[str, int]


class SummaryOut(Schema):
    plan_id: int
    period: str | None
    by: str
    estimate: int
    spent: int
    awaiting: list[UnitRef]
    rows: list[SummaryRowOut]


class SummaryQuery(Schema):
    by: Literal["unit", "field", "work_item", "source"] = "unit"
    period: Id | None = None


def _unit(unit: Any) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def _out(dp: DetailedPlan) -> dict[str, Any]:
    lines = list(dp.lines.all())
    return {
        "id": dp.pk,
        "plan_id": dp.plan_id,
        "unit": _unit(dp.unit),
        "revision": dp.revision,
        "state": dp.state,
        "note": dp.note,
        "comment": dp.comment,
        "finance_opinion": dp.finance_opinion,
        "submitted_at": dp.submitted_at,
        "decided_at": dp.decided_at,
        "version": dp.version,
        "total": sum(line.amount for line in lines),
    }


def _detail(dp: DetailedPlan) -> dict[str, Any]:
    lines = dp.lines.select_related("work_item")
    return {
        **_out(dp),
        "lines": [
            {
                "id": line.pk,
                "work_item": line.work_item_id,
                "work_item_title": str(line.work_item),
                "activity": line.activity,
                "timing": line.timing,
                "output": line.output,
                "amount": line.amount,
                "source": line.source,
            }
            for line in lines
        ],
        "steps": actions.BUDGET_WORKFLOW.allowed(dp),
    }


def _lines(items: list[LineSchema]) -> list[actions.LineIn]:
    return [actions.LineIn(**item.dict()) for item in items]


def _stale(stale: Stale) -> Any:
    return Status(409, StaleOut(message=str(stale), current={"version": stale.current.version}))


@router.get(
    "/plans/{id}/budgets",
    response={200: list[DetailedPlanOut], **ERRORS},
    summary="The detailed plans of a plan you may see",
)
@paginate(Pagination)
def list_budgets(request: HttpRequest, id: str) -> Any:
    plan = plan_access.access_plan(request.auth, id)
    return access.visible_detailed_plans(
        request.auth,
        DetailedPlan.objects.filter(plan=plan)
        .select_related("unit")
        .annotate(total=Coalesce(Sum("lines__amount"), 0))
        .order_by("unit__position", "unit__name", "revision"),
    )


@router.post(
    "/plans/{id}/budgets",
    response={201: DetailedPlanDetailOut, **WRITE_ERRORS},
    summary="Open a lead unit's detailed plan (draft) with its lines",
)
def create_budget(request: HttpRequest, id: str, payload: DetailedPlanIn) -> Any:
    user = request.auth
    plan = plan_access.access_plan(user, id)
    units = access.filing_units(user, plan)
    if payload.unit is not None:
        unit = units.filter(pk=payload.unit).first()
        if unit is None:
            raise ValidationError(
                {"unit": _("You cannot file a detailed plan for this unit under this plan.")}
            )
    else:
        mine = list(units[:2])
        if len(mine) != 1:
            raise ValidationError({"unit": _("Say which unit the detailed plan is for.")})
        unit = mine[0]
    dp = actions.do_open_detailed_plan(
        plan, unit, by=user, note=payload.note, lines=_lines(payload.lines)
    )
    return Status(201, _detail(access.access_detailed_plan(user, dp.pk)))


@router.get(
    "/budgets/{id}",
    response={200: DetailedPlanDetailOut, **ERRORS},
    summary="A detailed plan with its lines",
)
def get_budget(request: HttpRequest, id: str) -> Any:
    return _detail(access.access_detailed_plan(request.auth, id))


@router.put(
    "/budgets/{id}/lines",
    response={200: DetailedPlanDetailOut, **WRITE_ERRORS},
    summary="Replace the lines of a draft or returned detailed plan",
)
def put_lines(request: HttpRequest, id: str, payload: LinesIn) -> Any:
    dp = access.access_detailed_plan(request.auth, id, "change")
    try:
        dp = actions.do_set_lines(
            dp, _lines(payload.lines), by=request.auth, version=payload.version,
            note=payload.note,
        )  # fmt: skip
    except Stale as stale:
        return _stale(stale)
    return _detail(access.access_detailed_plan(request.auth, dp.pk))


STEPS = {
    "submit": lambda dp, by, p: actions.do_submit(dp, by=by, version=p.version),
    "approve": lambda dp, by, p: actions.do_approve(
        dp, by=by, comment=p.comment, version=p.version
    ),
    "return": lambda dp, by, p: actions.do_return(dp, by=by, comment=p.comment, version=p.version),
    "opinion": lambda dp, by, p: actions.do_give_opinion(
        dp, by=by, opinion=p.comment, version=p.version
    ),
    "revise": lambda dp, by, p: actions.do_revise(dp, by=by, reason=p.comment, version=p.version),
}


def _step(request: HttpRequest, id: str, step: str, payload: StepIn) -> Any:
    dp = access.access_detailed_plan(request.auth, id, step)
    try:
        dp = STEPS[step](dp, request.auth, payload)
    except Stale as stale:
        return _stale(stale)
    return _detail(access.access_detailed_plan(request.auth, dp.pk))


@router.post(
    "/budgets/{id}/submit",
    response={200: DetailedPlanDetailOut, **WRITE_ERRORS},
    summary="Submit a detailed plan (to the finance reviewer first, where configured)",
)
def submit_budget(request: HttpRequest, id: str, payload: StepIn) -> Any:
    return _step(request, id, "submit", payload)


@router.post(
    "/budgets/{id}/approve",
    response={200: DetailedPlanDetailOut, **WRITE_ERRORS},
    summary="Approve a submitted detailed plan (the plan's coordinators); it is locked",
)
def approve_budget(request: HttpRequest, id: str, payload: StepIn) -> Any:
    return _step(request, id, "approve", payload)


@router.post(
    "/budgets/{id}/return",
    response={200: DetailedPlanDetailOut, **WRITE_ERRORS},
    summary="Return a detailed plan with comments (required)",
)
def return_budget(request: HttpRequest, id: str, payload: StepIn) -> Any:
    return _step(request, id, "return", payload)


@router.post(
    "/budgets/{id}/opinion",
    response={200: DetailedPlanDetailOut, **WRITE_ERRORS},
    summary="The finance reviewer's opinion (comment required)",
)
def opinion_budget(request: HttpRequest, id: str, payload: StepIn) -> Any:
    return _step(request, id, "opinion", payload)


@router.post(
    "/budgets/{id}/revise",
    response={201: DetailedPlanDetailOut, **WRITE_ERRORS},
    summary="Open a new revision of an approved detailed plan (reason required)",
)
def revise_budget(request: HttpRequest, id: str, payload: StepIn) -> Any:
    result = _step(request, id, "revise", payload)
    return result if isinstance(result, Status) else Status(201, result)


@router.get(
    "/plans/{id}/budget-summary",
    response={200: SummaryOut, **ERRORS},
    summary="Estimates in force beside spending, by unit, field, work item or funding source",
)
def budget_summary(request: HttpRequest, id: str, query: Query[SummaryQuery]) -> Any:
    plan = access.access_plan_budgets(request.auth, id)
    period = None
    if query.period is not None:
        period = plan.reporting_periods.filter(pk=query.period).first()
        if period is None:
            raise ValidationError({"period": _("Not a reporting period of this plan.")})
    summary = summarise(plan, period)
    assert query.by in BY
    return {
        "plan_id": plan.pk,
        "period": summary.period.code if summary.period is not None else None,
        "by": query.by,
        "estimate": summary.estimate,
        "spent": summary.spent,
        "awaiting": [_unit(dp.unit) for dp in summary.awaiting],
        "rows": [
            {
                "key": r.key,
                "label": str(r.label),
                "estimate": r.estimate,
                "spent": r.spent,
                "remaining": r.remaining,
                "rate": r.rate,
                "overspent": r.overspent,
                "overspent_items": r.overspent_items,
                "unspent_items": r.unspent_items,
                "unplanned_items": r.unplanned_items,
                "by_source": r.by_source,
            }
            for r in summary.rows(query.by)
        ],
    }


__all__ = ["FundingSource", "router"]
