"""Pages of periodic reporting: access → validate → change → respond."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi import permissions
from theodoi.core import clock
from theodoi.core.workflow import Stale
from theodoi.plans.models import Plan

from . import actions, consolidation, dashboard, rates, sections
from .forms import (
    AcceptForm,
    CloseFollowUpForm,
    EntryForm,
    EvidenceForm,
    ExportForm,
    FollowUpForm,
    InspectionForm,
    PeriodForm,
    ReminderSettingsForm,
    ReopenForm,
    ReturnForm,
    ScheduleForm,
    SectionForm,
)
from .models import (
    ConsolidatedExport,
    Notification,
    ProgressEntry,
    ProgressReport,
    ReminderSettings,
    ReportingPeriod,
    ReportSection,
)
from .periods import OWING_RULE, do_set_schedule, owing_by_period, owing_units

# Access: every object below is fetched through theodoi.permissions.reporting
# (``access_*``), which answers 404 to those who may not see it and 403 to those
# who see it but may not act, as the API does.
access = permissions.reporting


# Home, notifications --------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My reports (for reporters) and the plans whose reporting the user follows."""
    user = request.user
    today = clock.today()
    my_units = list(access.reporting_units(user))
    periods = list(
        ReportingPeriod.objects.filter(plan__tasks__work_items__assignments__unit__in=my_units)
        .distinct()
        .select_related("plan")
        .order_by("due", "code")
    )
    reports = {
        (r.period_id, r.unit_id): r
        for r in ProgressReport.objects.filter(period__in=periods, unit__in=my_units)
    }
    owing = owing_by_period(periods)
    mine = [
        {"period": p, "unit": u, "report": reports.get((p.pk, u.pk)), "overdue": p.due < today}
        for p in periods
        for u in my_units
        if u.pk in owing[p.pk]
    ]
    plans = access.visible_reporting_plans(user, Plan.objects.select_related("owner"))
    return render(request, "reporting/home.html", {"mine": mine, "plans": plans, "today": today})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        Notification.objects.filter(user=request.user).unread().update(read_at=timezone.now())
        return redirect("reporting:notifications")
    items = list(Notification.objects.filter(user=request.user)[:100])
    return render(request, "reporting/notifications.html", {"items": items})


# Plans and periods ---------------------------------------------------------------


@login_required
def plan_reporting(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.access_reporting_plan(
        request.user, pk, "manage" if request.method == "POST" else "view"
    )
    periods = list(plan.reporting_periods.all())
    today = clock.today()
    chosen = [p for p in periods if p.start <= today] or periods
    form = PeriodForm()
    can_manage = request.user.has_perm("reporting.manage_reporting", plan)
    if request.method == "POST":
        form = PeriodForm(request.POST)
        if form.is_valid():
            try:
                period = actions.do_add_period(plan, **form.cleaned_data)
            except ValidationError as error:
                for name, errs in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errs)
            else:
                messages.success(request, _("Period %(code)s added.") % {"code": period.code})
                return redirect("reporting:plan", plan.pk)
    return render(
        request,
        "reporting/plan.html",
        {
            "plan": plan,
            "periods": periods,
            "table": rates.rate_table(chosen, today),
            "overdue_reports": rates.overdue_reports(periods, today),
            "overdue_items": rates.overdue_work_items(plan.pk, today),
            "form": form,
            "schedule_form": ScheduleForm(),
            "schedules": plan.reporting_schedules.all(),
            "can_manage": can_manage,
            "today": today,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def set_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.access_reporting_plan(request.user, pk, "manage")
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reporting:plan", plan.pk)
    created = do_set_schedule(plan, **form.cleaned_data)
    messages.success(
        request, _("Schedule saved; %(count)s periods added.") % {"count": len(created)}
    )
    return redirect("reporting:plan", plan.pk)


def _render_period(
    request: HttpRequest, period: ReportingPeriod, export_form: ExportForm, status: int = 200
) -> HttpResponse:
    today = clock.today()
    table = rates.rate_table([period], today)
    return render(
        request,
        "reporting/period.html",
        {
            "period": period,
            "plan": period.plan,
            "rows": table.labelled_rows(),
            "ceased": table.ceased,
            "spans_reform": table.spans_reform,
            "owing_rule": OWING_RULE,
            "rate": table.overall,
            "exports": period.exports.select_related("created_by")[:10],
            "export_form": export_form,
            "can_manage": request.user.has_perm("reporting.manage_reporting", period),
            "today": today,
        },
        status=status,
    )


@login_required
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.access_period(request.user, pk)
    return _render_period(
        request, period, ExportForm(initial=consolidation.export_defaults(period))
    )


@login_required
@require_POST
def start_report(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    """Open (creating if needed) the unit's report for the period."""
    probe = access.access_new_report(request.user, pk, unit_id)
    if probe.unit not in owing_units(probe.period):
        raise Http404
    report = actions.do_start_report(probe.period, probe.unit, by=request.user)
    return redirect(report)


# The report ---------------------------------------------------------------------

FIELDS = ProgressEntry.FILLED


def _posted_entries(
    request: HttpRequest, entries: list[ProgressEntry]
) -> dict[int, dict[str, Any]]:
    data: dict[int, dict[str, Any]] = {}
    for entry in entries:
        prefix = f"e{entry.work_item_id}-"
        values = {
            name: request.POST[prefix + name] for name in FIELDS if prefix + name in request.POST
        }
        if values:
            data[entry.work_item_id] = values
    return data


def _entry_rows(
    entries: list[ProgressEntry],
    *,
    posted: dict[int, dict[str, Any]] | None = None,
    errors: dict[int, dict[str, str]] | None = None,
    newer: dict[int, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    rows = []
    for entry in entries:
        initial = {**entry.values(), **(posted or {}).get(entry.work_item_id, {})}
        form = EntryForm(initial=initial, prefix=f"e{entry.work_item_id}")
        entry_errors = (errors or {}).get(entry.work_item_id, {})
        entry_newer = (newer or {}).get(entry.work_item_id, {})
        rows.append(
            {
                "entry": entry,
                "fields": [
                    (form[name], entry_errors.get(name, ""), entry_newer.get(name))
                    for name in FIELDS
                ],
                "errors": entry_errors.get("__all__", ""),
            }
        )
    return rows


def _entries(report: ProgressReport) -> list[ProgressEntry]:
    return list(
        report.entries.select_related("work_item__task__field").prefetch_related("evidence")
    )


def _version(value: str | None) -> int | None:
    """The version the user saw (a hidden field); None when missing or not a number."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _shown(name: str, value: Any) -> str:
    """A saved value as people read it: the status label, dd/mm/yyyy, 1.500.000."""
    if value in (None, ""):
        return "—"
    if name == "status":
        return str(dict(ProgressEntry.Status.choices).get(value, value))
    if name == "completed_on":
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    if name == "budget_spent":
        return f"{value:,}".replace(",", ".")
    if name == "percent":
        return f"{value}%"
    return str(value)


def _newer_values(
    report: ProgressReport, posted: dict[int, dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    """The saved values that differ from what the user typed, ready to show."""
    newer: dict[int, dict[str, Any]] = {}
    for entry in report.entries.all():
        mine = posted.get(entry.work_item_id, {})
        for name, value in entry.values().items():
            if name in mine and _text(mine[name]) != _text(value):
                newer.setdefault(entry.work_item_id, {})[name] = _shown(name, value)
    return newer


def _render_report(
    request: HttpRequest, report: ProgressReport, status: int = 200, **extra: Any
) -> HttpResponse:
    entries = _entries(report)
    one = request.GET.get("one") == "1"
    try:
        index = max(0, min(int(request.GET.get("i", "0")), len(entries) - 1))
    except ValueError:
        index = 0
    rows = extra.pop("rows", None) or _entry_rows(entries)
    can_edit = report.is_editable and request.user.has_perm("reporting.change_report", report)
    can_decide = request.user.has_perm("reporting.decide_report", report)
    context = {
        "report": report,
        "period": report.period,
        "plan": report.period.plan,
        "rows": rows[index : index + 1] if one and rows else rows,
        "one": one,
        "index": index,
        "count": len(rows),
        "can_edit": can_edit,
        "can_decide": can_decide,
        "revisions": report.revisions.select_related("actor"),
        "started": report.history.filter(history_type="+")
        .select_related("history_user")
        .order_by("history_date")
        .first(),
        "accept_form": AcceptForm(),
        "return_form": ReturnForm(),
        "reopen_form": ReopenForm(),
        "evidence_form": EvidenceForm(),
        "field_names": {name: ProgressEntry._meta.get_field(name).verbose_name for name in FIELDS},
        "item_titles": {str(e.work_item_id): str(e.work_item) for e in entries},
        **extra,
    }
    return render(request, "reporting/report.html", context, status=status)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _render_report(request, access.access_report(request.user, pk))
    submit = request.POST.get("action") == "submit"
    report = access.access_report(request.user, pk, "submit" if submit else "change")
    entries = _entries(report)
    posted = _posted_entries(request, entries)
    version = _version(request.POST.get("version"))
    try:
        if submit:
            report = actions.do_submit_report(report, by=request.user, version=version, data=posted)
        else:
            report = actions.do_save_draft(report, posted, version=version, by=request.user)
    except actions.StaleReport as stale:
        newer = _newer_values(stale.report, posted)
        if request.htmx:
            # The newer values go beside the fields (out-of-band swaps); the
            # typed values stay in the form.
            return render(
                request,
                "reporting/_save_status.html",
                {
                    "report": stale.report,
                    "conflict": str(stale),
                    "rows": _entry_rows(entries, newer=newer),
                },
            )
        return _render_report(
            request,
            stale.report,
            409,
            rows=_entry_rows(_entries(stale.report), posted=posted, newer=newer),
            conflict=str(stale),
        )
    except actions.EntryErrors as invalid:
        if request.htmx:
            return render(
                request,
                "reporting/_save_status.html",
                {
                    "report": report,
                    "rows": _entry_rows(entries, errors=invalid.errors),
                    "invalid": True,
                },
            )
        return _render_report(
            request, report, 422, rows=_entry_rows(entries, posted=posted, errors=invalid.errors)
        )
    except actions.TransitionRefused as refused:
        if request.htmx:
            return render(
                request, "reporting/_save_status.html", {"report": report, "refused": str(refused)}
            )
        messages.error(request, str(refused))
        return redirect(report)
    if request.htmx:
        return render(
            request,
            "reporting/_save_status.html",
            {"report": report, "saved": True, "rows": _entry_rows(_entries(report))},
        )
    if submit:
        messages.success(request, _("Report submitted."))
        return redirect(report)
    messages.success(request, _("Draft saved."))
    return redirect(request.get_full_path())  # stay on the same work item


def _decide(
    request: HttpRequest, pk: int, form_class: type, name: str, step: Any, done: str
) -> HttpResponse:
    """Accept, return or reopen: the form's fields are the action's arguments;
    ``done`` says what happened."""
    report = access.access_report(request.user, pk, "decide")
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_report(request, report, 422, **{name: form})
    try:
        step(report, by=request.user, **form.cleaned_data)
    except actions.TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect(reverse("reporting:report", args=[report.pk]) + "#decision")


@login_required
@require_POST
def accept_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request, pk, AcceptForm, "accept_form", actions.do_accept_report,
        _("The report is accepted: the unit is told, and it counts in the consolidated report."),
    )  # fmt: skip


@login_required
@require_POST
def return_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request, pk, ReturnForm, "return_form", actions.do_return_report,
        _("The report is returned to the unit with your comment, for correction."),
    )  # fmt: skip


@login_required
@require_POST
def reopen_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request, pk, ReopenForm, "reopen_form", actions.do_reopen_report,
        _("The report is reopened: the unit can correct it and submit it again."),
    )  # fmt: skip


# Evidence ------------------------------------------------------------------------


@login_required
@require_POST
def add_evidence(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    entry = access.access_entry(request.user, entry_id, "change", report=pk)
    report = entry.report
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.do_add_evidence(entry, form.cleaned_data["file"], by=request.user)
        except actions.TransitionRefused as refused:
            form.add_error(None, str(refused))
        except ValidationError as error:
            form.add_error("file", error)
    if form.errors:
        message = " ".join(str(m) for errors in form.errors.values() for m in errors)
        return _render_report(request, report, 422, evidence_error=(entry.pk, message))
    messages.success(request, _("File attached."))
    return redirect(reverse("reporting:report", args=[report.pk]) + f"#evidence-{entry.pk}")


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = access.access_evidence(request.user, pk)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def remove_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.access_evidence(request.user, pk, "change")
    report = evidence.entry.report
    try:
        actions.do_remove_evidence(evidence)
    except actions.TransitionRefused as refused:
        messages.error(request, str(refused))
    # Stay at the entry's evidence.
    return redirect(
        reverse("reporting:report", args=[report.pk]) + f"#evidence-{evidence.entry_id}"
    )


# Consolidation -------------------------------------------------------------------


@login_required
@require_POST
def start_export(request: HttpRequest, pk: int) -> HttpResponse:
    period = access.access_period(request.user, pk, "manage")
    form = ExportForm(request.POST, period=period)
    if not form.is_valid():
        return _render_period(request, period, form, 422)
    values = dict(form.cleaned_data)
    export = consolidation.do_start_export(
        period, fmt=values.pop("format"), by=request.user, **values
    )
    return redirect(export)


def _section_rows(
    period: ReportingPeriod, data: consolidation.Consolidated
) -> list[dict[str, Any]]:
    """Each written section: generated text, the edit if any, its history."""
    generated = sections.generated(data)
    edits = sections.edited(period)
    history: dict[str, list[Any]] = {}
    for record in (
        ReportSection.history.filter(period_id=period.pk)
        .select_related("history_user")
        .order_by("-history_date")[:200]
    ):
        history.setdefault(record.key, []).append(record)
    rows = []
    for key, label in ReportSection.Key.choices:
        text = sections.to_text(generated[key])
        edit = edits.get(key)
        rows.append(
            {
                "key": key,
                "label": label,
                "generated": text,
                "edit": edit,
                "changed": edit is not None and edit.generated_digest != sections.digest(text),
                "history": history.get(key, [])[:10],
                "form": SectionForm(
                    initial={
                        "key": key,
                        "version": edit.version if edit else 0,
                        "text": edit.text if edit else text,
                    },
                    auto_id=f"{key}-%s",
                ),
            }
        )
    return rows


@login_required
def period_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The consolidated report's written sections, to read and edit before export."""
    period = access.access_period(
        request.user, pk, "manage" if request.method == "POST" else "view"
    )
    data = consolidation.build(period)
    rows = _section_rows(period, data)
    status = 200
    if request.method == "POST":
        key = request.POST.get("key", "")
        row = next((r for r in rows if r["key"] == key), None)
        if row is None:
            raise Http404
        form = SectionForm(request.POST, auto_id=f"{key}-%s")
        row["form"] = form
        newer = None
        if form.is_valid():
            values = form.cleaned_data
            try:
                if request.POST.get("action") == "restore":
                    sections.restore(
                        period,
                        key,
                        version=values["version"],
                        by=request.user,
                        reason=values["reason"],
                    )
                    messages.success(request, _("The generated text is used again."))
                else:
                    sections.save(
                        period,
                        key,
                        text=values["text"],
                        version=values["version"],
                        generated_text=row["generated"],
                        by=request.user,
                        reason=values["reason"],
                    )
                    messages.success(request, _("Section saved; the next export prints it."))
                return redirect(f"{request.path}#section-{key}")
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(name if name in form.fields else None, message)
            except Stale as stale:
                newer = stale.current
                form.add_error(
                    None,
                    _("Someone else saved this section in the meantime; their text is below."),
                )
        row["newer"] = newer
        status = 409 if newer is not None else 422
    return render(
        request,
        "reporting/draft.html",
        {
            "period": period,
            "plan": period.plan,
            "rows": rows,
            "can_manage": request.user.has_perm("reporting.manage_reporting", period),
        },
        status=status,
    )


@login_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = access.access_export(request.user, pk)
    template = "reporting/_export_status.html" if request.htmx else "reporting/export.html"
    return render(request, template, {"export": export, "period": export.period})


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = access.access_export(request.user, pk)
    if export.state != ConsolidatedExport.State.DONE or not export.file:
        raise Http404
    name = f"bao-cao-tong-hop-{export.period.code}.{export.format}"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)


# Dashboard, inspections, reminders -----------------------------------------------------


@login_required
def plan_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.access_reporting_plan(request.user, pk)
    return render(
        request, "reporting/dashboard.html", {"plan": plan, **dashboard.build(plan, clock.today())}
    )


@login_required
def inspections(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.access_reporting_plan(
        request.user, pk, "manage" if request.method == "POST" else "view"
    )
    can_manage = request.user.has_perm("reporting.manage_reporting", plan)
    form = InspectionForm()
    form.fields["unit"].queryset = permissions.visible_units(request.user).order_by(
        "position", "name"
    )
    if request.method == "POST":
        form = InspectionForm(request.POST)
        form.fields["unit"].queryset = permissions.visible_units(request.user)
        if form.is_valid():
            inspection = actions.do_record_inspection(plan, **form.cleaned_data, by=request.user)
            return redirect(inspection)
    items = plan.inspections.select_related("unit").annotate(
        open_count=Count("follow_ups", filter=Q(follow_ups__closed_on__isnull=True)),
        total=Count("follow_ups"),
    )
    return render(
        request,
        "reporting/inspections.html",
        {"plan": plan, "items": items, "form": form, "can_manage": can_manage},
        status=422 if form.errors else 200,
    )


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = access.access_inspection(
        request.user, pk, "manage" if request.method == "POST" else "view"
    )
    can_manage = request.user.has_perm("reporting.manage_reporting", inspection)
    form = FollowUpForm()
    if request.method == "POST":
        form = FollowUpForm(request.POST)
        if form.is_valid():
            actions.do_add_follow_up(inspection, **form.cleaned_data)
            return redirect(inspection)
    return render(
        request,
        "reporting/inspection.html",
        {
            "inspection": inspection,
            "plan": inspection.plan,
            "form": form,
            "close_form": CloseFollowUpForm(),
            "can_manage": can_manage,
            "follow_ups": inspection.follow_ups.all(),
            "today": clock.today(),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def close_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = access.access_follow_up(request.user, pk, "manage")
    form = CloseFollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how the follow-up was closed."))
    else:
        try:
            actions.do_close_follow_up(follow_up, **form.cleaned_data)
        except actions.TransitionRefused as refused:
            messages.error(request, str(refused))
    return redirect(follow_up.inspection)


@login_required
def reminder_settings(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.access_reporting_plan(request.user, pk, "manage")
    instance = ReminderSettings.objects.filter(plan=plan).first() or ReminderSettings(plan=plan)
    form = ReminderSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Reminder settings saved."))
        return redirect("reporting:plan", plan.pk)
    return render(
        request,
        "reporting/reminders.html",
        {"plan": plan, "form": form},
        status=422 if form.errors else 200,
    )
