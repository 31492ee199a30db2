"""The reporting API under /api/v1/: periods, reports and their workflow, rates, exports.

Access: every object is fetched through ``theodoi.permissions.reporting``
(``access_*``), as the pages do: 404 outside what the caller may see, 403 when
seen but not allowed. Errors are the API kit's ``ErrorOut`` (``StaleOut`` with
the report as it is now for a 409); lists are paged.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

import pydantic
from django import forms as django_forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from theodoi import permissions
from theodoi.core import clock
from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    MAX_ID,
    WRITE_ERRORS,
    Id,
    IsoDate,
    Money,
    Pagination,
    ShortText,
    StaleOut,
    Text,
    paginate,
)
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

access = permissions.reporting
router = Router(tags=["reporting"])


def _plan_ref(value: Any) -> Any:
    """A plan's id (ASCII digits within a 64-bit key) or its number ("112-KH/TU").

    Digits of other scripts ("³": ``isdigit()`` is true, ``int()`` fails) and
    numbers past 2⁶³ are a field error, not a lookup.
    """
    if isinstance(value, bool):
        raise PydanticCustomError("int_parsing", "Enter a whole number")
    if isinstance(value, int):
        if 0 < value <= MAX_ID:
            return value
        raise PydanticCustomError("int_parsing", "Enter a whole number")
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            if text.isascii() and len(text) <= 19 and 0 < int(text) <= MAX_ID:
                return int(text)
            raise PydanticCustomError("int_parsing", "Enter a whole number")
        if text and len(text) <= 100 and "\x00" not in text:
            return text
    raise PydanticCustomError("plan_ref", "Enter the plan's id or its number")


# A plan by id or number: what the reporting API's ``plan`` fields take.
PlanRef = Annotated[int | str, BeforeValidator(_plan_ref)]


class ReportingPeriodOut(Schema):
    id: int
    plan: int
    kind: str
    code: str
    title: str
    start: date
    end: date
    due: date


class ReportEntryOut(Schema):
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


class ReportSummaryOut(Schema):
    id: int
    period: int
    period_code: str
    unit: int
    unit_name: str
    state: str
    version: int
    first_submitted_at: datetime | None
    submitted_at: datetime | None


class ReportOut(ReportSummaryOut):
    comment: str
    entries: list[ReportEntryOut]


class ReportEntryIn(Schema):
    work_item: Id
    status: Literal[tuple(ProgressEntry.Status.values)] | None = None  # type: ignore[valid-type]
    percent: int | None = Field(None, ge=0, le=100)
    completed_on: IsoDate | None = None
    results: Text | None = None
    shortcomings: Text | None = None
    proposals: Text | None = None
    budget_spent: Money | None = None


class ReportPatchIn(Schema):
    version: Id
    entries: list[ReportEntryIn] = Field([], max_length=1000)


class ReportSubmitIn(Schema):
    version: Id | None = None
    entries: list[ReportEntryIn] = Field([], max_length=1000)


class ReportAcceptIn(Schema):
    comment: Text = ""
    version: Id | None = None


class ReportReturnIn(Schema):
    comment: Text = Field(..., min_length=1)
    version: Id | None = None


class ReportReopenIn(Schema):
    reason: Text = Field(..., min_length=1)
    version: Id | None = None


class ReportingUnitRateOut(Schema):
    unit: int
    name: str
    state: str = Field(
        ...,
        description="on_time, late, missing, not_due, ceased (the unit ceased during the "
        "period: it owes nothing and counts in no rate; its successor owes), or empty",
    )
    structure: str = Field(
        "",
        description="When the periods span a reform, which structure the unit belongs to "
        "('until 30/06/2025', 'from 01/07/2025'); else empty.",
    )
    expected: int
    received: int
    on_time: int


class ReportingRatesOut(Schema):
    period: int
    code: str
    expected: int
    received: int
    on_time: int
    completeness: float | None
    timeliness: float | None
    units: list[ReportingUnitRateOut]


class ConsolidatedExportIn(Schema):
    """Fields left out take their defaults: no number, today's date, the usual
    recipients, the unit's head (or "K/T TRƯỞNG BAN") as signer."""

    format: Literal["docx", "xlsx"]
    number: ShortText | None = Field(None, max_length=40, description="e.g. 15-BC/BTGTU")
    issued_on: IsoDate | None = None
    recipients: list[ShortText] | None = Field(None, max_length=30)
    signer_authority: ShortText | None = Field(None, max_length=100)
    signer_position: ShortText | None = Field(None, max_length=100)
    signer_name: ShortText | None = Field(None, max_length=100)


class ConsolidatedExportOut(Schema):
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


class ReportStaleOut(StaleOut):
    """409: a stale version or a refused step; ``current`` is the report as it is now."""

    current: ReportOut | None = None  # type: ignore[assignment]


# Helpers --------------------------------------------------------------------------


class Mapped(Sequence[Any]):
    """A queryset read page by page and turned into output rows: what
    ``@paginate`` slices without loading every row."""

    def __init__(self, queryset: QuerySet[Any], row: Callable[[Any], Any]) -> None:
        self.queryset, self.row = queryset, row

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.row(obj) for obj in self.queryset[index]]
        return self.row(self.queryset[index])


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


def _entry_data(entries: list[ReportEntryIn]) -> dict[int, dict[str, Any]]:
    return {
        e.work_item: {
            k: v for k, v in e.dict(exclude={"work_item"}).items() if k in e.model_fields_set
        }
        for e in entries
    }


def _conflict(message: str, report: ProgressReport) -> Status:
    current = ProgressReport.objects.select_related("period", "unit").get(pk=report.pk)
    return Status(409, {"message": message, "fields": {}, "current": _full(current)})


def _run(step: Any, report: ProgressReport, **kwargs: Any) -> Any:
    """Run a workflow action: the report as saved, or 409 with the report as it is."""
    try:
        done = step(report, **kwargs)
    except actions.StaleReport as stale:
        return _conflict(str(stale), stale.report)
    except actions.TransitionRefused as refused:
        return _conflict(_message(refused), report)
    except actions.EntryErrors as invalid:
        raise _invalid(
            {
                f"entries.{item}.{name}": message
                for item, errors in invalid.errors.items()
                for name, message in errors.items()
            }
        ) from None
    return _full(ProgressReport.objects.select_related("period", "unit").get(pk=done.pk))


def _message(error: Exception) -> str:
    """The text of a refusal (a ValidationError's messages, or the exception's text)."""
    return " ".join(getattr(error, "messages", None) or [str(error)])


def _optional_body(request: HttpRequest, schema: type[Schema]) -> Any:
    """Parse an optional JSON body: none means all defaults; bad input is a 422."""
    if request.content_type != "application/json" or not request.body.strip():
        return schema()
    try:
        return schema.model_validate_json(request.body)
    except pydantic.ValidationError as error:
        raise ValidationError([{**e, "loc": ("body", *e["loc"])} for e in error.errors()]) from None


def _plan_id(plan: int | str) -> int:
    """The id of a plan given by id or by number (Http404 for an unknown number)."""
    if isinstance(plan, int):
        return plan
    found = Plan.objects.filter(number=plan).values_list("pk", flat=True).first()
    if found is None:
        raise Http404
    return found


def _form_errors(form: django_forms.BaseForm, prefix: str = "") -> dict[str, str]:
    return {
        (prefix + name if name != "__all__" else name): " ".join(str(m) for m in errors)
        for name, errors in form.errors.items()
    }


def _invalid(fields: dict[str, str]) -> DjangoValidationError:
    """Field errors, answered by the API's handler as a 422 naming each field."""
    return DjangoValidationError(fields)


def _form_data(body: Schema, exclude_unset: bool = False) -> dict[str, Any]:
    """A schema's values as form data (dates as ISO text, None as empty)."""
    return {
        k: ("" if v is None else v.isoformat() if isinstance(v, date) else v)
        for k, v in body.dict(exclude_unset=exclude_unset).items()
    }


REPORT_RESPONSES: dict[int, Any] = {200: ReportOut, **WRITE_ERRORS, 409: ReportStaleOut}


# Endpoints ------------------------------------------------------------------------


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


@router.get(
    "periods",
    response={200: list[ReportingPeriodOut], **ERRORS},
    summary="Reporting periods of a plan",
)
@paginate(Pagination)
def list_periods(request: HttpRequest, plan: PlanRef) -> Any:
    """`plan` is the plan's id or its number (112-KH/TU)."""
    found = access.access_plan_periods(request.user, _plan_id(plan))
    return Mapped(found.reporting_periods.all(), _period_out)


@router.get(
    "reports",
    response={200: list[ReportSummaryOut], **LIST_ERRORS},
    summary="Reports the user may read",
)
@paginate(Pagination)
def list_reports(request: HttpRequest, period: Id | None = None, unit: Id | None = None) -> Any:
    reports = access.visible_reports(
        request.user, ProgressReport.objects.select_related("period", "unit")
    )
    if period is not None:
        reports = reports.filter(period_id=period)
    if unit is not None:
        reports = reports.filter(unit_id=unit)
    return Mapped(reports.order_by("period__end", "unit__position", "unit__name", "pk"), _summary)


@router.get("reports/{report_id}", response={200: ReportOut, **ERRORS})
def get_report(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _full(access.access_report(request.user, report_id))


@router.patch("reports/{report_id}", response=REPORT_RESPONSES, summary="Save a draft")
def patch_report(request: HttpRequest, report_id: int, body: ReportPatchIn) -> Any:
    """Refused with 409 and the newer report when `version` is not the current one."""
    report = access.access_report(request.user, report_id, "change")
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
    report = access.access_report(request.user, report_id, "submit")
    body = _optional_body(request, ReportSubmitIn)
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
    report = access.access_report(request.user, report_id, "decide")
    body = _optional_body(request, ReportAcceptIn)
    return _run(
        actions.do_accept_report,
        report,
        by=request.user,
        comment=body.comment,
        version=body.version,
    )


@router.post("reports/{report_id}/return", response=REPORT_RESPONSES)
def return_report(request: HttpRequest, report_id: int, body: ReportReturnIn) -> Any:
    report = access.access_report(request.user, report_id, "decide")
    return _run(
        actions.do_return_report,
        report,
        by=request.user,
        comment=body.comment,
        version=body.version,
    )


@router.post("reports/{report_id}/reopen", response=REPORT_RESPONSES)
def reopen_report(request: HttpRequest, report_id: int, body: ReportReopenIn) -> Any:
    report = access.access_report(request.user, report_id, "decide")
    return _run(
        actions.do_reopen_report,
        report,
        by=request.user,
        reason=body.reason,
        version=body.version,
    )


@router.get("periods/{period_id}/rates", response={200: ReportingRatesOut, **ERRORS})
def period_rates(request: HttpRequest, period_id: int) -> dict[str, Any]:
    period = access.access_period(request.user, period_id)
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
                "structure": structure,
                "expected": r.expected,
                "received": r.received,
                "on_time": r.on_time,
            }
            for u, structure, cells, r in table.labelled_rows()
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


@router.post("periods/{period_id}/exports", response={202: ConsolidatedExportOut, **WRITE_ERRORS})
def start_export(request: HttpRequest, period_id: int, body: ConsolidatedExportIn) -> Status:
    """Start the consolidated report in the background; poll GET exports/{id}."""
    period = access.access_period(request.user, period_id, "manage")
    data = {**consolidation.export_defaults(period), **_form_data(body, exclude_unset=True)}
    if isinstance(data["recipients"], list):
        if any("\n" in line for line in data["recipients"]):
            raise _invalid({"recipients": _("Give one recipient per list item.")})
        data["recipients"] = "\n".join(data["recipients"])
    form = ExportForm(data, period=period)
    if not form.is_valid():
        raise _invalid(_form_errors(form))
    values = dict(form.cleaned_data)
    export = consolidation.do_start_export(
        period, fmt=values.pop("format"), by=request.user, **values
    )
    return Status(202, _export(export))


@router.get("exports/{export_id}", response={200: ConsolidatedExportOut, **ERRORS})
def get_export(request: HttpRequest, export_id: int) -> dict[str, Any]:
    return _export(access.access_export(request.user, export_id))


class ReportingRangeRatesOut(Schema):
    plan: int
    periods: list[str]
    expected: int
    received: int
    on_time: int
    completeness: float | None
    timeliness: float | None
    units: list[ReportingUnitRateOut]


@router.get("rates", response={200: ReportingRangeRatesOut, **ERRORS}, summary="Rates over periods")
def range_rates(
    request: HttpRequest,
    plan: PlanRef,
    start: IsoDate | None = None,
    end: IsoDate | None = None,
) -> dict[str, Any]:
    """Completeness and timeliness over every period of the plan that ends within
    [start, end] (all periods when not given), per unit and overall."""
    found = access.access_reporting_plan(request.user, _plan_id(plan))
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
                "structure": structure,
                "expected": r.expected,
                "received": r.received,
                "on_time": r.on_time,
            }
            for u, structure, _cells, r in table.labelled_rows()
        ],
    }


# Ad hoc periods, the schedule ---------------------------------------------------------


class ReportingPeriodIn(Schema):
    plan: PlanRef = Field(..., description="The plan's id or number (112-KH/TU).")
    code: ShortText = Field(..., max_length=20, description="e.g. 2018-GK for a mid-term review")
    title: ShortText = Field(..., max_length=200)
    start: IsoDate
    end: IsoDate
    due: IsoDate


@router.post(
    "periods", response={201: ReportingPeriodOut, **WRITE_ERRORS}, summary="Add an ad hoc period"
)
def add_period(request: HttpRequest, body: ReportingPeriodIn) -> Status:
    """A coordinator adds a period of the plan's own (kind `ad_hoc`) with its due date."""
    plan = access.access_reporting_plan(request.user, _plan_id(body.plan), "manage")
    form = PeriodForm(_form_data(body))
    if not form.is_valid():
        raise _invalid(_form_errors(form))
    period = actions.do_add_period(plan, **form.cleaned_data)
    return Status(201, _period_out(period))


class ReportingScheduleRule(Schema):
    kind: Literal["month", "quarter", "half", "year"]
    rule: Literal["day_of_last_month", "days_after_end"]
    days: int = Field(..., ge=1, le=90)
    shift_off_days: bool = False


class ReportingScheduleOut(Schema):
    plan: int
    schedules: list[ReportingScheduleRule]
    periods: list[ReportingPeriodOut]
    created: list[str] = []


class ReportingScheduleIn(Schema):
    schedules: list[ReportingScheduleRule] = Field(..., max_length=4)


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


@router.get("plans/{plan_id}/schedule", response={200: ReportingScheduleOut, **ERRORS})
def get_schedule(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """The plan's reporting schedule: the period kinds it collects and their due-date rules."""
    return _schedule_out(access.access_reporting_plan(request.user, plan_id))


@router.put("plans/{plan_id}/schedule", response={200: ReportingScheduleOut, **WRITE_ERRORS})
def put_schedule(request: HttpRequest, plan_id: int, body: ReportingScheduleIn) -> Any:
    """Set the rules of the kinds given (others are kept), generate missing periods and
    move the due dates of generated periods of those kinds. All or nothing."""
    plan = access.access_reporting_plan(request.user, plan_id, "manage")
    kinds = [s.kind for s in body.schedules]
    if len(set(kinds)) != len(kinds):
        raise _invalid({"schedules": _("Give each period kind once.")})
    cleaned = []
    for i, rule in enumerate(body.schedules):
        form = ScheduleForm(_form_data(rule))
        if not form.is_valid():
            raise _invalid(_form_errors(form, f"schedules.{i}."))
        cleaned.append(form.cleaned_data)
    created: list[str] = []
    with transaction.atomic():
        for values in cleaned:
            created += [p.code for p in do_set_schedule(plan, **values)]
    return _schedule_out(plan, created)


# Evidence ------------------------------------------------------------------------------


class ReportEvidenceOut(Schema):
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


@router.get(
    "reports/{report_id}/entries/{entry_id}/evidence",
    response={200: list[ReportEvidenceOut], **ERRORS},
    summary="Evidence files of a report entry",
)
@paginate(Pagination)
def list_evidence(request: HttpRequest, report_id: int, entry_id: int) -> Any:
    entry = access.access_entry(request.user, entry_id, report=report_id)
    return Mapped(entry.evidence.select_related("uploaded_by").order_by("pk"), _evidence_out)


@router.post(
    "reports/{report_id}/entries/{entry_id}/evidence",
    response={201: ReportEvidenceOut, **WRITE_ERRORS},
    summary="Attach an evidence file (multipart, field `file`)",
)
def add_evidence(
    request: HttpRequest, report_id: int, entry_id: int, file: File[UploadedFile]
) -> Status:
    """PDF, PNG, JPEG, DOCX or XLSX, checked by content; the size limit applies."""
    entry = access.access_entry(request.user, entry_id, "change", report=report_id)
    form = EvidenceForm({}, {"file": file})
    if not form.is_valid():
        raise _invalid(_form_errors(form))
    try:
        evidence = actions.do_add_evidence(entry, form.cleaned_data["file"], by=request.user)
    except actions.TransitionRefused as refused:
        return Status(409, {"message": _message(refused), "fields": {}})
    except DjangoValidationError as error:
        raise _invalid({"file": " ".join(error.messages)}) from None
    return Status(201, _evidence_out(evidence))


@router.delete("evidence/{evidence_id}", response={204: None, **WRITE_ERRORS})
def remove_evidence(request: HttpRequest, evidence_id: int) -> Status:
    evidence = access.access_evidence(request.user, evidence_id, "change")
    try:
        actions.do_remove_evidence(evidence)
    except actions.TransitionRefused as refused:
        return Status(409, {"message": _message(refused), "fields": {}})
    return Status(204, None)


# Inspections and follow-ups --------------------------------------------------------------


class InspectionFollowUpIn(Schema):
    text: Text
    deadline: IsoDate


class InspectionFollowUpOut(Schema):
    id: int
    inspection: int
    text: str
    deadline: date
    closed_on: date | None
    closing_note: str
    overdue: bool


class InspectionIn(Schema):
    plan: PlanRef
    unit: Id
    held_on: IsoDate
    team: Text
    scope: Text
    findings: Text = ""
    follow_ups: list[InspectionFollowUpIn] = Field([], max_length=100)


class InspectionOut(Schema):
    id: int
    plan: int
    unit: int
    unit_name: str
    held_on: date
    team: str
    scope: str
    findings: str
    follow_ups: list[InspectionFollowUpOut]


class FollowUpCloseIn(Schema):
    closing_note: Text


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


@router.get("inspections", response={200: list[InspectionOut], **ERRORS})
@paginate(Pagination)
def list_inspections(request: HttpRequest, plan: PlanRef, open: bool | None = None) -> Any:
    """Inspections of a plan (id or number), newest first; `open=true`: with open follow-ups."""
    found = access.access_reporting_plan(request.user, _plan_id(plan))
    items = found.inspections.select_related("unit").prefetch_related("follow_ups")
    if open is not None:
        with_open = Q(follow_ups__closed_on__isnull=True, follow_ups__isnull=False)
        items = items.filter(with_open).distinct() if open else items.exclude(with_open)
    return Mapped(items, _inspection_out)


@router.post("inspections", response={201: InspectionOut, **WRITE_ERRORS})
def record_inspection(request: HttpRequest, body: InspectionIn) -> Status:
    """Record an inspection (kiểm tra, giám sát) of a unit, with its required follow-ups."""
    plan = access.access_reporting_plan(request.user, _plan_id(body.plan), "manage")
    form = InspectionForm(_form_data(body))
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
        raise _invalid(fields)
    values = {k: form.cleaned_data[k] for k in ("unit", "held_on", "team", "scope", "findings")}
    inspection = actions.do_record_inspection(
        plan, **values, follow_ups=follow_ups, by=request.user
    )
    return Status(201, _inspection_out(inspection))


@router.get("inspections/{inspection_id}", response={200: InspectionOut, **ERRORS})
def get_inspection(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    return _inspection_out(access.access_inspection(request.user, inspection_id))


@router.post(
    "inspections/{inspection_id}/follow-ups",
    response={201: InspectionFollowUpOut, **WRITE_ERRORS},
)
def add_follow_up(request: HttpRequest, inspection_id: int, body: InspectionFollowUpIn) -> Status:
    inspection = access.access_inspection(request.user, inspection_id, "manage")
    form = FollowUpForm(_form_data(body))
    if not form.is_valid():
        raise _invalid(_form_errors(form))
    return Status(201, _follow_up_out(actions.do_add_follow_up(inspection, **form.cleaned_data)))


@router.post(
    "follow-ups/{follow_up_id}/close", response={200: InspectionFollowUpOut, **WRITE_ERRORS}
)
def close_follow_up(request: HttpRequest, follow_up_id: int, body: FollowUpCloseIn) -> Any:
    """Close a follow-up, saying how it was done; an already closed one is a 409."""
    follow_up = access.access_follow_up(request.user, follow_up_id, "manage")
    form = CloseFollowUpForm(_form_data(body))
    if not form.is_valid():
        raise _invalid(_form_errors(form))
    try:
        done = actions.do_close_follow_up(follow_up, **form.cleaned_data)
    except actions.TransitionRefused as refused:
        return Status(409, {"message": _message(refused), "fields": {}})
    return _follow_up_out(done)
