"""The reporting API under /api/v1/: periods, reports and their workflow, rates, exports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import pydantic
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError, ValidationError

from theodoi import permissions
from theodoi.core import clock
from theodoi.plans.models import Plan

from . import actions, consolidation, rates
from .models import ConsolidatedExport, ProgressEntry, ProgressReport, ReportingPeriod

router = Router(tags=["reporting"])


class PeriodOut(Schema):
    id: int
    plan: int
    kind: str
    code: str
    title: str
    start: date
    end: date
    due: date


class EntryOut(Schema):
    id: int
    work_item: int
    work_item_title: str
    role: str
    status: str
    status_label: str
    percent: int
    completed_on: date | None
    results: str
    shortcomings: str
    proposals: str
    budget_spent: int | None
    evidence: list[str]


class ReportSummary(Schema):
    id: int
    period: int
    period_code: str
    unit: int
    unit_name: str
    state: str
    version: int
    first_submitted_at: datetime | None
    submitted_at: datetime | None


class ReportOut(ReportSummary):
    comment: str
    entries: list[EntryOut]


class EntryIn(Schema):
    work_item: int
    status: Literal[tuple(ProgressEntry.Status.values)] | None = None  # type: ignore[valid-type]
    percent: int | None = Field(None, ge=0, le=100)
    completed_on: date | None = None
    results: str | None = None
    shortcomings: str | None = None
    proposals: str | None = None
    budget_spent: int | None = Field(None, ge=0)


class ReportPatch(Schema):
    version: int
    entries: list[EntryIn] = []


class SubmitIn(Schema):
    version: int | None = None
    entries: list[EntryIn] = []


class AcceptIn(Schema):
    comment: str = ""
    version: int | None = None


class ReturnIn(Schema):
    comment: str = Field(..., min_length=1)
    version: int | None = None


class ReopenIn(Schema):
    reason: str = Field(..., min_length=1)
    version: int | None = None


class UnitRate(Schema):
    unit: int
    name: str
    state: str
    expected: int
    received: int
    on_time: int


class RatesOut(Schema):
    period: int
    code: str
    expected: int
    received: int
    on_time: int
    completeness: float | None
    timeliness: float | None
    units: list[UnitRate]


class ExportIn(Schema):
    format: Literal["docx", "xlsx"]
    number: str = Field("", max_length=40)


class ExportOut(Schema):
    id: int
    period: int
    format: str
    state: str
    progress: int
    download: str | None


class Message(Schema):
    message: str


class Conflict(Schema):
    message: str
    report: ReportOut | None = None


# Helpers --------------------------------------------------------------------------


def _summary(report: ProgressReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "period": report.period_id,
        "period_code": report.period.code,
        "unit": report.unit_id,
        "unit_name": report.unit.name,
        "state": report.state,
        "version": report.version,
        "first_submitted_at": report.first_submitted_at,
        "submitted_at": report.submitted_at,
    }


def _full(report: ProgressReport) -> dict[str, Any]:
    entries = report.entries.select_related("work_item").prefetch_related("evidence")
    return {
        **_summary(report),
        "comment": report.comment,
        "entries": [
            {
                "id": e.pk,
                "work_item": e.work_item_id,
                "work_item_title": str(e.work_item),
                "role": e.role,
                "status": e.status,
                "status_label": str(e.get_status_display()),
                "percent": e.percent,
                "completed_on": e.completed_on,
                "results": e.results,
                "shortcomings": e.shortcomings,
                "proposals": e.proposals,
                "budget_spent": e.budget_spent,
                "evidence": [
                    reverse("reporting:evidence", args=[ev.pk]) for ev in e.evidence.all()
                ],
            }
            for e in entries
        ],
    }


def _report(request: HttpRequest, pk: int, perm: str = "reporting.view_report") -> ProgressReport:
    report = get_object_or_404(ProgressReport.objects.select_related("period__plan", "unit"), pk=pk)
    if not request.user.has_perm("reporting.view_report", report):
        raise HttpError(404, _("Not found."))
    if not request.user.has_perm(perm, report):
        raise HttpError(403, _("You may not do this."))
    return report


def _period(
    request: HttpRequest, pk: int, perm: str = "reporting.view_reporting"
) -> ReportingPeriod:
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=pk)
    if not request.user.has_perm("reporting.view_reporting", period):
        raise HttpError(404, _("Not found."))
    if not request.user.has_perm(perm, period):
        raise HttpError(403, _("You may not do this."))
    return period


def _entry_data(entries: list[EntryIn]) -> dict[int, dict[str, Any]]:
    return {
        e.work_item: {
            k: v for k, v in e.dict(exclude={"work_item"}).items() if k in e.model_fields_set
        }
        for e in entries
    }


def _run(step: Any, report: ProgressReport, **kwargs: Any) -> Any:
    """Run a workflow action, turning its refusals into JSON responses."""
    try:
        done = step(report, **kwargs)
    except actions.StaleReport as stale:
        return Status(409, {"message": str(stale), "report": _full(stale.report)})
    except actions.TransitionRefused as refused:
        return Status(409, {"message": str(refused), "report": None})
    except actions.EntryErrors as invalid:
        fields = {
            f"entries.{item}.{name}": message
            for item, errors in invalid.errors.items()
            for name, message in errors.items()
        }
        return Status(422, {"message": _("The input is not valid."), "fields": fields})
    return _full(ProgressReport.objects.select_related("period", "unit").get(pk=done.pk))


def _optional_body(request: HttpRequest, schema: type[Schema]) -> Any:
    """Parse an optional JSON body: none means all defaults; bad input is a 422."""
    if request.content_type != "application/json" or not request.body.strip():
        return schema()
    try:
        return schema.model_validate_json(request.body)
    except pydantic.ValidationError as error:
        raise ValidationError([{**e, "loc": ("body", *e["loc"])} for e in error.errors()]) from None


REPORT_RESPONSES = {200: ReportOut, 409: Conflict, 422: dict, 403: Message, 404: Message}


# Endpoints ------------------------------------------------------------------------


@router.get("periods", response=list[PeriodOut], summary="Reporting periods of a plan")
def list_periods(request: HttpRequest, plan: str) -> list[dict[str, Any]]:
    """`plan` is the plan's id or its number (112-KH/TU)."""
    found = Plan.objects.filter(
        Q(number=plan) | Q(pk=int(plan)) if plan.isdigit() else Q(number=plan)
    ).first()
    if found is None or not request.user.has_perm("plans.view_plan", found):
        raise HttpError(404, _("Not found."))
    return [
        {
            "id": p.pk,
            "plan": p.plan_id,
            "kind": p.kind,
            "code": p.code,
            "title": p.title,
            "start": p.start,
            "end": p.end,
            "due": p.due,
        }
        for p in found.reporting_periods.all()
    ]


@router.get("reports", response=list[ReportSummary], summary="Reports the user may read")
def list_reports(
    request: HttpRequest, period: int | None = None, unit: int | None = None
) -> list[dict[str, Any]]:
    reports = permissions.visible_reports(
        request.user, ProgressReport.objects.select_related("period", "unit")
    )
    if period is not None:
        reports = reports.filter(period_id=period)
    if unit is not None:
        reports = reports.filter(unit_id=unit)
    return [_summary(r) for r in reports.order_by("period__end", "unit__position", "unit__name")]


@router.get("reports/{report_id}", response={200: ReportOut, 403: Message, 404: Message})
def get_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _full(_report(request, report_id))


@router.patch("reports/{report_id}", response=REPORT_RESPONSES, summary="Save a draft")
def patch_report(request: HttpRequest, report_id: int, body: ReportPatch) -> Any:
    """Refused with 409 and the newer report when `version` is not the current one."""
    report = _report(request, report_id, "reporting.change_report")
    return _run(
        actions.do_save_draft,
        report,
        data=_entry_data(body.entries),
        version=body.version,
        by=request.user,
    )


@router.post("reports/{report_id}/submit", response=REPORT_RESPONSES)
def submit_report(request: HttpRequest, report_id: int) -> Any:
    """The body may be empty, or carry a `version` and last `entries` to save with it."""
    report = _report(request, report_id, "reporting.submit_report")
    body = _optional_body(request, SubmitIn)
    return _run(
        actions.do_submit_report,
        report,
        by=request.user,
        version=body.version,
        data=_entry_data(body.entries),
    )


@router.post("reports/{report_id}/accept", response=REPORT_RESPONSES)
def accept_report(request: HttpRequest, report_id: int) -> Any:
    """The body may be empty, or carry a `comment` and a `version`."""
    report = _report(request, report_id, "reporting.decide_report")
    body = _optional_body(request, AcceptIn)
    return _run(
        actions.do_accept_report,
        report,
        by=request.user,
        comment=body.comment,
        version=body.version,
    )


@router.post("reports/{report_id}/return", response=REPORT_RESPONSES)
def return_report(request: HttpRequest, report_id: int, body: ReturnIn) -> Any:
    report = _report(request, report_id, "reporting.decide_report")
    return _run(
        actions.do_return_report,
        report,
        by=request.user,
        comment=body.comment,
        version=body.version,
    )


@router.post("reports/{report_id}/reopen", response=REPORT_RESPONSES)
def reopen_report(request: HttpRequest, report_id: int, body: ReopenIn) -> Any:
    report = _report(request, report_id, "reporting.decide_report")
    return _run(
        actions.do_reopen_report,
        report,
        by=request.user,
        reason=body.reason,
        version=body.version,
    )


@router.get("periods/{period_id}/rates", response={200: RatesOut, 403: Message, 404: Message})
def period_rates(request: HttpRequest, period_id: int) -> dict[str, Any]:
    period = _period(request, period_id)
    table = rates.rate_table([period], clock.today())
    overall = table.overall
    return {
        "period": period.pk,
        "code": period.code,
        "expected": overall.expected,
        "received": overall.received,
        "on_time": overall.on_time,
        "completeness": overall.completeness,
        "timeliness": overall.timeliness,
        "units": [
            {
                "unit": u.pk,
                "name": u.name,
                "state": cells[0].state,
                "expected": r.expected,
                "received": r.received,
                "on_time": r.on_time,
            }
            for u, cells, r in table.rows()
        ],
    }


def _export(export: ConsolidatedExport) -> dict[str, Any]:
    done = export.state == ConsolidatedExport.State.DONE
    return {
        "id": export.pk,
        "period": export.period_id,
        "format": export.format,
        "state": export.state,
        "progress": export.progress,
        "download": reverse("reporting:export-download", args=[export.pk]) if done else None,
    }


@router.post("periods/{period_id}/exports", response={202: ExportOut, 403: Message, 404: Message})
def start_export(request: HttpRequest, period_id: int, body: ExportIn) -> Status:
    """Start the consolidated report in the background; poll GET exports/{id}."""
    period = _period(request, period_id, "reporting.manage_reporting")
    export = consolidation.do_start_export(
        period, fmt=body.format, number=body.number, by=request.user
    )
    return Status(202, _export(export))


@router.get("exports/{export_id}", response={200: ExportOut, 404: Message})
def get_export(request: HttpRequest, export_id: int) -> dict[str, Any]:
    export = get_object_or_404(
        ConsolidatedExport.objects.select_related("period__plan"), pk=export_id
    )
    if not request.user.has_perm("reporting.view_reporting", export.period):
        raise HttpError(404, _("Not found."))
    return _export(export)


class RangeRatesOut(Schema):
    plan: int
    periods: list[str]
    expected: int
    received: int
    on_time: int
    completeness: float | None
    timeliness: float | None
    units: list[UnitRate]


@router.get("rates", response={200: RangeRatesOut, 404: Message}, summary="Rates over periods")
def range_rates(
    request: HttpRequest, plan: str, start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """Completeness and timeliness over every period of the plan that ends within
    [start, end] (all periods when not given), per unit and overall."""
    found = Plan.objects.filter(
        Q(number=plan) | Q(pk=int(plan)) if plan.isdigit() else Q(number=plan)
    ).first()
    if found is None or not request.user.has_perm("reporting.view_reporting", found):
        raise HttpError(404, _("Not found."))
    periods = found.reporting_periods.all()
    if start:
        periods = periods.filter(start__gte=start)
    if end:
        periods = periods.filter(end__lte=end)
    table = rates.rate_table(periods, clock.today())
    overall = table.overall
    return {
        "plan": found.pk,
        "periods": [p.code for p in table.periods],
        "expected": overall.expected,
        "received": overall.received,
        "on_time": overall.on_time,
        "completeness": overall.completeness,
        "timeliness": overall.timeliness,
        "units": [
            {
                "unit": u.pk,
                "name": u.name,
                "state": "",
                "expected": r.expected,
                "received": r.received,
                "on_time": r.on_time,
            }
            for u, _cells, r in table.rows()
        ],
    }
