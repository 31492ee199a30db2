"""The reporting API under /api/v1/: periods, reports and their workflow, rates, exports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import pydantic
from django import forms as django_forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.errors import HttpError, ValidationError
from ninja.files import UploadedFile
from pydantic import AfterValidator

from theodoi import permissions
from theodoi.core import clock
from theodoi.plans.models import Plan

from . import actions, consolidation, rates
from .forms import (
    CloseFollowUpForm,
    EvidenceForm,
    ExportForm,
    FollowUpForm,
    InspectionForm,
    PeriodForm,
    ScheduleForm,
)
from .models import (
    ConsolidatedExport,
    Evidence,
    FollowUp,
    Inspection,
    ProgressEntry,
    ProgressReport,
    ReportingPeriod,
)
from .periods import do_set_schedule

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


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL")  # reported as "This value is not valid."
    return value


# Text that reaches the database without a form: no NUL bytes (PostgreSQL refuses them).
Text = Annotated[str, AfterValidator(_no_nul)]


class AcceptIn(Schema):
    comment: Text = Field("", max_length=10_000)
    version: int | None = None


class ReturnIn(Schema):
    comment: Text = Field(..., min_length=1, max_length=10_000)
    version: int | None = None


class ReopenIn(Schema):
    reason: Text = Field(..., min_length=1, max_length=10_000)
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
    """Fields left out take their defaults: no number, today's date, the usual
    recipients, the unit's head (or "K/T TRƯỞNG BAN") as signer."""

    format: Literal["docx", "xlsx"]
    number: str | None = Field(None, max_length=40, description="e.g. 15-BC/BTGTU")
    issued_on: date | None = None
    recipients: list[str] | None = Field(None, max_length=30)
    signer_authority: str | None = Field(None, max_length=100)
    signer_position: str | None = Field(None, max_length=100)
    signer_name: str | None = Field(None, max_length=100)


class ExportOut(Schema):
    id: int
    period: int
    format: str
    state: str
    progress: int
    number: str
    issued_on: date | None
    recipients: list[str]
    signer_authority: str
    signer_position: str
    signer_name: str
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


def _find_plan(plan: str | int) -> Plan | None:
    """A plan by id or number; None for anything else (NUL bytes, huge numbers)."""
    text = str(plan).strip()
    if not text or "\x00" in text or len(text) > 100:
        return None
    query = Q(number=text)
    if text.isdigit() and int(text) < 2**63:
        query |= Q(pk=int(text))
    return Plan.objects.filter(query).select_related("owner").first()


def _plan(request: HttpRequest, plan: str | int, perm: str = "reporting.view_reporting") -> Plan:
    found = _find_plan(plan)
    if found is None or not request.user.has_perm("reporting.view_reporting", found):
        raise HttpError(404, _("Not found."))
    if not request.user.has_perm(perm, found):
        raise HttpError(403, _("You may not do this."))
    return found


def _form_errors(form: django_forms.BaseForm, prefix: str = "") -> dict[str, str]:
    return {
        (prefix + name if name != "__all__" else name): " ".join(str(m) for m in errors)
        for name, errors in form.errors.items()
    }


def _invalid(fields: dict[str, str]) -> Status:
    return Status(422, {"message": _("The input is not valid."), "fields": fields})


def _form_data(body: Schema, exclude_unset: bool = False) -> dict[str, Any]:
    """A schema's values as form data (dates as ISO text, None as empty)."""
    return {
        k: ("" if v is None else v.isoformat() if isinstance(v, date) else v)
        for k, v in body.dict(exclude_unset=exclude_unset).items()
    }


ERRORS = {403: Message, 404: Message, 409: Message, 422: dict}
REPORT_RESPONSES = {200: ReportOut, 409: Conflict, 422: dict, 403: Message, 404: Message}


# Endpoints ------------------------------------------------------------------------


@router.get("periods", response=list[PeriodOut], summary="Reporting periods of a plan")
def list_periods(request: HttpRequest, plan: str) -> list[dict[str, Any]]:
    """`plan` is the plan's id or its number (112-KH/TU)."""
    found = _find_plan(plan)
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
        "number": export.number,
        "issued_on": export.issued_on,
        "recipients": consolidation.recipient_lines(export.recipients),
        "signer_authority": export.signer_authority,
        "signer_position": export.signer_position,
        "signer_name": export.signer_name,
        "download": reverse("reporting:export-download", args=[export.pk]) if done else None,
    }


@router.post("periods/{period_id}/exports", response={202: ExportOut, **ERRORS})
def start_export(request: HttpRequest, period_id: int, body: ExportIn) -> Status:
    """Start the consolidated report in the background; poll GET exports/{id}."""
    period = _period(request, period_id, "reporting.manage_reporting")
    data = {**consolidation.export_defaults(period), **_form_data(body, exclude_unset=True)}
    if isinstance(data["recipients"], list):
        if any(not isinstance(line, str) or "\n" in line for line in data["recipients"]):
            return _invalid({"recipients": _("Give one recipient per list item.")})
        data["recipients"] = "\n".join(data["recipients"])
    form = ExportForm(data, period=period)
    if not form.is_valid():
        return _invalid(_form_errors(form))
    values = dict(form.cleaned_data)
    export = consolidation.do_start_export(
        period, fmt=values.pop("format"), by=request.user, **values
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
    found = _find_plan(plan)
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


# Ad hoc periods, the schedule ---------------------------------------------------------


class PeriodIn(Schema):
    plan: int | str = Field(..., description="The plan's id or number (112-KH/TU).")
    code: str = Field(..., max_length=20, description="e.g. 2018-GK for a mid-term review")
    title: str = Field(..., max_length=200)
    start: date
    end: date
    due: date


def _period_out(p: ReportingPeriod) -> dict[str, Any]:
    return {
        "id": p.pk,
        "plan": p.plan_id,
        "kind": p.kind,
        "code": p.code,
        "title": p.title,
        "start": p.start,
        "end": p.end,
        "due": p.due,
    }


@router.post("periods", response={201: PeriodOut, **ERRORS}, summary="Add an ad hoc period")
def add_period(request: HttpRequest, body: PeriodIn) -> Status:
    """A coordinator adds a period of the plan's own (kind `ad_hoc`) with its due date."""
    plan = _plan(request, body.plan, "reporting.manage_reporting")
    form = PeriodForm(_form_data(body))
    if not form.is_valid():
        return _invalid(_form_errors(form))
    try:
        period = actions.do_add_period(plan, **form.cleaned_data)
    except DjangoValidationError as error:
        return _invalid({k: " ".join(v) for k, v in error.message_dict.items()})
    return Status(201, _period_out(period))


class ScheduleRule(Schema):
    kind: Literal["month", "quarter", "half", "year"]
    rule: Literal["day_of_last_month", "days_after_end"]
    days: int = Field(..., ge=1, le=90)
    shift_off_days: bool = False


class ScheduleOut(Schema):
    plan: int
    schedules: list[ScheduleRule]
    periods: list[PeriodOut]
    created: list[str] = []


class ScheduleIn(Schema):
    schedules: list[ScheduleRule] = Field(..., max_length=4)


def _schedule_out(plan: Plan, created: list[str] | None = None) -> dict[str, Any]:
    return {
        "plan": plan.pk,
        "schedules": [
            {"kind": s.kind, "rule": s.rule, "days": s.days, "shift_off_days": s.shift_off_days}
            for s in plan.reporting_schedules.all()
        ],
        "periods": [_period_out(p) for p in plan.reporting_periods.all()],
        "created": created or [],
    }


@router.get("plans/{plan_id}/schedule", response={200: ScheduleOut, **ERRORS})
def get_schedule(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """The plan's reporting schedule: the period kinds it collects and their due-date rules."""
    return _schedule_out(_plan(request, plan_id))


@router.put("plans/{plan_id}/schedule", response={200: ScheduleOut, **ERRORS})
def put_schedule(request: HttpRequest, plan_id: int, body: ScheduleIn) -> Any:
    """Set the rules of the kinds given (others are kept), generate missing periods and
    move the due dates of generated periods of those kinds. All or nothing."""
    plan = _plan(request, plan_id, "reporting.manage_reporting")
    kinds = [s.kind for s in body.schedules]
    if len(set(kinds)) != len(kinds):
        return _invalid({"schedules": _("Give each period kind once.")})
    cleaned = []
    for i, rule in enumerate(body.schedules):
        form = ScheduleForm(_form_data(rule))
        if not form.is_valid():
            return _invalid(_form_errors(form, f"schedules.{i}."))
        cleaned.append(form.cleaned_data)
    created: list[str] = []
    with transaction.atomic():
        for values in cleaned:
            created += [p.code for p in do_set_schedule(plan, **values)]
    return _schedule_out(plan, created)


# Evidence ------------------------------------------------------------------------------


class EvidenceOut(Schema):
    id: int
    entry: int
    name: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime
    download: str


def _evidence_out(e: Evidence) -> dict[str, Any]:
    return {
        "id": e.pk,
        "entry": e.entry_id,
        "name": e.name,
        "content_type": e.content_type,
        "size": e.size,
        "uploaded_by": e.uploaded_by.get_full_name() or e.uploaded_by.get_username(),
        "uploaded_at": e.uploaded_at,
        "download": reverse("reporting:evidence", args=[e.pk]),
    }


def _entry(request: HttpRequest, report_id: int, entry_id: int, perm: str) -> ProgressEntry:
    report = _report(request, report_id, perm)
    entry = ProgressEntry.objects.filter(pk=entry_id, report=report).first()
    if entry is None:
        raise HttpError(404, _("Not found."))
    entry.report = report
    return entry


@router.get(
    "reports/{report_id}/entries/{entry_id}/evidence",
    response={200: list[EvidenceOut], **ERRORS},
    summary="Evidence files of a report entry",
)
def list_evidence(request: HttpRequest, report_id: int, entry_id: int) -> list[dict[str, Any]]:
    entry = _entry(request, report_id, entry_id, "reporting.view_report")
    return [_evidence_out(e) for e in entry.evidence.select_related("uploaded_by")]


@router.post(
    "reports/{report_id}/entries/{entry_id}/evidence",
    response={201: EvidenceOut, **ERRORS},
    summary="Attach an evidence file (multipart, field `file`)",
)
def add_evidence(
    request: HttpRequest, report_id: int, entry_id: int, file: File[UploadedFile]
) -> Status:
    """PDF, PNG, JPEG, DOCX or XLSX, checked by content; the size limit applies."""
    entry = _entry(request, report_id, entry_id, "reporting.change_report")
    form = EvidenceForm({}, {"file": file})
    if not form.is_valid():
        return _invalid(_form_errors(form))
    try:
        evidence = actions.do_add_evidence(entry, form.cleaned_data["file"], by=request.user)
    except DjangoValidationError as error:
        return _invalid({"file": " ".join(error.messages)})
    except actions.TransitionRefused as refused:
        return Status(409, {"message": str(refused)})
    return Status(201, _evidence_out(evidence))


@router.delete("evidence/{evidence_id}", response={204: None, **ERRORS})
def remove_evidence(request: HttpRequest, evidence_id: int) -> Status:
    evidence = Evidence.objects.select_related("entry").filter(pk=evidence_id).first()
    if evidence is None:
        raise HttpError(404, _("Not found."))
    _report(request, evidence.entry.report_id, "reporting.change_report")
    try:
        actions.do_remove_evidence(evidence)
    except actions.TransitionRefused as refused:
        return Status(409, {"message": str(refused)})
    return Status(204, None)


# Inspections and follow-ups --------------------------------------------------------------


class FollowUpIn(Schema):
    text: str = Field(..., max_length=10_000)
    deadline: date


class FollowUpOut(Schema):
    id: int
    inspection: int
    text: str
    deadline: date
    closed_on: date | None
    closing_note: str
    overdue: bool


class InspectionIn(Schema):
    plan: int | str
    unit: int
    held_on: date
    team: str = Field(..., max_length=10_000)
    scope: str = Field(..., max_length=10_000)
    findings: str = Field("", max_length=10_000)
    follow_ups: list[FollowUpIn] = Field([], max_length=100)


class InspectionOut(Schema):
    id: int
    plan: int
    unit: int
    unit_name: str
    held_on: date
    team: str
    scope: str
    findings: str
    follow_ups: list[FollowUpOut]


class CloseIn(Schema):
    closing_note: str = Field(..., max_length=10_000)


def _follow_up_out(f: FollowUp) -> dict[str, Any]:
    return {
        "id": f.pk,
        "inspection": f.inspection_id,
        "text": f.text,
        "deadline": f.deadline,
        "closed_on": f.closed_on,
        "closing_note": f.closing_note,
        "overdue": f.closed_on is None and f.deadline < clock.today(),
    }


def _inspection_out(i: Inspection) -> dict[str, Any]:
    return {
        "id": i.pk,
        "plan": i.plan_id,
        "unit": i.unit_id,
        "unit_name": i.unit.name,
        "held_on": i.held_on,
        "team": i.team,
        "scope": i.scope,
        "findings": i.findings,
        "follow_ups": [_follow_up_out(f) for f in i.follow_ups.all()],
    }


def _inspection(request: HttpRequest, pk: int, perm: str) -> Inspection:
    found = Inspection.objects.select_related("plan", "unit").filter(pk=pk).first()
    if found is None or not request.user.has_perm("reporting.view_reporting", found):
        raise HttpError(404, _("Not found."))
    if not request.user.has_perm(perm, found):
        raise HttpError(403, _("You may not do this."))
    return found


@router.get("inspections", response={200: list[InspectionOut], **ERRORS})
def list_inspections(
    request: HttpRequest, plan: str, open: bool | None = None
) -> list[dict[str, Any]]:
    """Inspections of a plan (id or number), newest first; `open=true`: with open follow-ups."""
    found = _plan(request, plan)
    items = found.inspections.select_related("unit").prefetch_related("follow_ups")
    if open is not None:
        with_open = Q(follow_ups__closed_on__isnull=True, follow_ups__isnull=False)
        items = items.filter(with_open).distinct() if open else items.exclude(with_open)
    return [_inspection_out(i) for i in items]


@router.post("inspections", response={201: InspectionOut, **ERRORS})
def record_inspection(request: HttpRequest, body: InspectionIn) -> Status:
    """Record an inspection (kiểm tra, giám sát) of a unit, with its required follow-ups."""
    plan = _plan(request, body.plan, "reporting.manage_reporting")
    data = _form_data(body)
    form = InspectionForm(data)
    form.fields["unit"].queryset = permissions.visible_units(request.user)
    fields = _form_errors(form) if not form.is_valid() else {}
    follow_ups = []
    for i, item in enumerate(body.follow_ups):
        sub = FollowUpForm(_form_data(item))
        if sub.is_valid():
            follow_ups.append((sub.cleaned_data["text"], sub.cleaned_data["deadline"]))
        else:
            fields.update(_form_errors(sub, f"follow_ups.{i}."))
    if fields:
        return _invalid(fields)
    values = {k: form.cleaned_data[k] for k in ("unit", "held_on", "team", "scope", "findings")}
    inspection = actions.do_record_inspection(
        plan, **values, follow_ups=follow_ups, by=request.user
    )
    return Status(201, _inspection_out(inspection))


@router.get("inspections/{inspection_id}", response={200: InspectionOut, **ERRORS})
def get_inspection(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    return _inspection_out(_inspection(request, inspection_id, "reporting.view_reporting"))


@router.post("inspections/{inspection_id}/follow-ups", response={201: FollowUpOut, **ERRORS})
def add_follow_up(request: HttpRequest, inspection_id: int, body: FollowUpIn) -> Status:
    inspection = _inspection(request, inspection_id, "reporting.manage_reporting")
    form = FollowUpForm(_form_data(body))
    if not form.is_valid():
        return _invalid(_form_errors(form))
    return Status(201, _follow_up_out(actions.do_add_follow_up(inspection, **form.cleaned_data)))


@router.post("follow-ups/{follow_up_id}/close", response={200: FollowUpOut, **ERRORS})
def close_follow_up(request: HttpRequest, follow_up_id: int, body: CloseIn) -> Any:
    """Close a follow-up, saying how it was done; an already closed one is a 409."""
    follow_up = FollowUp.objects.select_related("inspection__plan").filter(pk=follow_up_id).first()
    if follow_up is None or not request.user.has_perm("reporting.view_reporting", follow_up):
        raise HttpError(404, _("Not found."))
    if not request.user.has_perm("reporting.manage_reporting", follow_up):
        raise HttpError(403, _("You may not do this."))
    form = CloseFollowUpForm(_form_data(body))
    if not form.is_valid():
        return _invalid(_form_errors(form))
    try:
        done = actions.do_close_follow_up(follow_up, **form.cleaned_data)
    except actions.TransitionRefused as refused:
        return Status(409, {"message": str(refused)})
    return _follow_up_out(done)
