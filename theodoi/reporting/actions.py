"""Every change to reports, in one place: drafts, the workflow, evidence, periods."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from theodoi.core import clock, workflow
from theodoi.core.workflow import TransitionRefused
from theodoi.plans.models import Assignment, Plan
from theodoi.plans.proposals import current_version
from theodoi.units.models import Unit

from . import evidence as evidence_checks
from .forms import EntryForm
from .models import (
    Evidence,
    FollowUp,
    Inspection,
    PeriodKind,
    ProgressEntry,
    ProgressReport,
    ReportingPeriod,
    ReportRevision,
)

State = ProgressReport.State


__all__ = ["REPORT_WORKFLOW", "EntryErrors", "StaleReport", "TransitionRefused"]

# The report's life is the shared review workflow (theodoi.core.workflow), with the
# report's own words and time stamps. A returned or reopened report's comment is
# the reason, as long as a comment may be; its history keeps the first 100
# characters.
REPORT_WORKFLOW = (
    workflow.review("state", reason_max=10_000)
    .adjust("submit", refused=gettext_lazy("Only a draft or returned report can be submitted."))
    .adjust(
        "accept",
        refused=gettext_lazy("Only a submitted report can be accepted."),
        stamps=("decided_at",),
    )
    .adjust(
        "return",
        refused=gettext_lazy("Only a submitted report can be returned."),
        stamps=("decided_at",),
    )
    .adjust("reopen", refused=gettext_lazy("Only an accepted report can be reopened."))
)


class StaleReport(workflow.Stale):
    """Someone saved the report since this version was read; ``report`` is it now."""

    def __init__(self, report: ProgressReport) -> None:
        super().__init__(report)
        self.args = (
            _(
                "Someone else saved this report in the meantime. Their values are shown; "
                "re-enter your changes on top of them."
            ),
        )

    @property
    def report(self) -> ProgressReport:
        return self.current  # type: ignore[return-value]


class EntryErrors(Exception):
    """Field errors per work item id: {work_item_id: {field: message}}."""

    def __init__(self, errors: dict[int, dict[str, str]]) -> None:
        super().__init__(_("Some entries are not valid."))
        self.errors = errors


# Creating reports --------------------------------------------------------------


def _previous_report(period: ReportingPeriod, unit: Unit) -> ProgressReport | None:
    return (
        ProgressReport.objects.filter(
            unit=unit, period__plan_id=period.plan_id, period__end__lte=period.end
        )
        .exclude(period=period)
        .order_by("-period__end", "-period__start")
        .prefetch_related("entries")
        .first()
    )


def _entries_for(period: ReportingPeriod, unit: Unit) -> list[tuple[int, str]]:
    """(work item id, role) the unit reports on, lead entries first."""
    rows = (
        Assignment.objects.filter(
            unit=unit,
            work_item__task__plan_id=period.plan_id,
            work_item__start__lte=period.end,
            work_item__end__gte=period.start,
        )
        .order_by("work_item__task__position", "work_item__position", "work_item_id")
        .values_list("work_item_id", "role")
    )
    rows = list(rows)
    return [r for r in rows if r[1] == Assignment.Role.LEAD] + [
        r for r in rows if r[1] != Assignment.Role.LEAD
    ]


@transaction.atomic
def do_start_report(
    period: ReportingPeriod, unit: Unit, *, by: AbstractBaseUser | None = None
) -> ProgressReport:
    """The unit's report for the period, created as a draft carrying the previous values.

    The report and each entry get a creation history row naming ``by``, so who
    started the report and when is on record."""
    report, created = ProgressReport.objects.get_or_create(period=period, unit=unit)
    if not created:
        return report
    if by is not None:
        report.history.filter(history_type="+").update(history_user=by)
    previous = _previous_report(period, unit)
    carried = {e.work_item_id: e for e in previous.entries.all()} if previous else {}
    entries = []
    for position, (work_item_id, role) in enumerate(_entries_for(period, unit)):
        entry = ProgressEntry(
            report=report, work_item_id=work_item_id, role=role, position=position
        )
        old = carried.get(work_item_id)
        if old is not None:
            for name in ProgressEntry.FILLED:
                setattr(entry, name, getattr(old, name))
            entry.budget_spent = None  # spending is per period
        entries.append(entry)
    reason = (
        _("Report started; values carried from %(code)s") % {"code": previous.period.code}
        if carried
        else _("Report started")
    )
    bulk_create_with_history(entries, ProgressEntry, default_user=by, default_change_reason=reason)
    return report


@transaction.atomic
def do_add_period(
    plan: Plan, *, code: str, title: str, start: date, end: date, due: date
) -> ReportingPeriod:
    period = ReportingPeriod(
        plan=plan, kind=PeriodKind.AD_HOC, code=code, title=title, start=start, end=end, due=due
    )
    period.full_clean()
    period.save()
    return period


# Drafts ------------------------------------------------------------------------


def _lock(report: ProgressReport, version: int | None) -> ProgressReport:
    locked = (
        ProgressReport.objects.select_for_update()
        .select_related("period__plan", "unit")
        .get(pk=report.pk)
    )
    if version is not None and locked.version != version:
        raise StaleReport(locked)
    return locked


def _bump(report: ProgressReport, *fields: str) -> None:
    report.version += 1
    report.save(update_fields=["version", "updated_at", *fields])


def validate_entries(
    entries: list[ProgressEntry],
    data: Mapping[int, Mapping[str, Any]],
    *,
    for_submit: bool = False,
    refuse_empty: bool = False,
) -> dict[int, dict[str, Any]]:
    """Cleaned values per work item id, merged over the current values; or EntryErrors.

    ``refuse_empty``: a report whose every entry is as created is refused."""
    errors: dict[int, dict[str, str]] = {}
    cleaned: dict[int, dict[str, Any]] = {}
    by_item = {e.work_item_id: e for e in entries}
    unknown = set(data) - set(by_item)
    for work_item_id in unknown:
        errors[work_item_id] = {"__all__": _("This work item is not part of the report.")}
    for work_item_id, entry in by_item.items():
        values = {**entry.values(), **dict(data.get(work_item_id, {}))}
        values = {k: ("" if v is None else v) for k, v in values.items()}
        form = EntryForm(values, for_submit=for_submit)
        if form.is_valid():
            cleaned[work_item_id] = form.cleaned_data
        else:
            errors[work_item_id] = {
                name: " ".join(str(m) for m in messages) for name, messages in form.errors.items()
            }
    if refuse_empty and not errors and cleaned and all(map(_is_empty, cleaned.values())):
        # Nothing said at all: refused at the fields. A period with nothing done
        # is reported by saying why under "Shortcomings and causes".
        message = _(
            "Nothing is filled in: give a work item's status and results, or say under "
            "shortcomings why nothing was done, before submitting."
        )
        errors = {work_item_id: {"status": message} for work_item_id in cleaned}
    if errors:
        raise EntryErrors(errors)
    return cleaned


def _is_empty(values: Mapping[str, Any]) -> bool:
    """An entry left as it was created: not started, 0%, no text, no money."""
    return (
        values.get("status") == ProgressEntry.Status.NOT_STARTED
        and not values.get("percent")
        and not values.get("budget_spent")
        and not any(
            str(values.get(name) or "").strip() for name in ("results", "shortcomings", "proposals")
        )
    )


def _apply(
    entries: list[ProgressEntry], cleaned: dict[int, dict[str, Any]], by: AbstractBaseUser
) -> None:
    changed = []
    for entry in entries:
        values = cleaned.get(entry.work_item_id)
        if values is None:
            continue
        dirty = False
        for name in ProgressEntry.FILLED:
            if getattr(entry, name) != values[name]:
                setattr(entry, name, values[name])
                dirty = True
        if dirty:
            changed.append(entry)
    if changed:
        # With history rows, so every saved value is attributable.
        bulk_update_with_history(
            changed, ProgressEntry, list(ProgressEntry.FILLED), default_user=by
        )


@transaction.atomic
def do_save_draft(
    report: ProgressReport,
    data: Mapping[int, Mapping[str, Any]],
    *,
    version: int | None,
    by: AbstractBaseUser,
) -> ProgressReport:
    """Save entry values (all or nothing). Refused when not editable or stale."""
    report = _lock(report, version)
    if not report.is_editable:
        raise TransitionRefused(_("A submitted or accepted report cannot be edited."))
    entries = list(report.entries.all())
    _apply(entries, validate_entries(entries, data), by)
    _bump(report)
    return report


# The workflow ------------------------------------------------------------------


def _snapshot(report: ProgressReport) -> dict[str, dict[str, Any]]:
    return {str(e.work_item_id): e.values() for e in report.entries.all()}


def diff(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for key, values in after.items():
        old = before.get(key, {})
        fields = {
            name: [old.get(name), value]
            for name, value in values.items()
            if old.get(name) != value and not (old.get(name) in (None, "") and value in (None, ""))
        }
        if fields:
            changes[key] = fields
    return changes


def _revision(
    report: ProgressReport, action: str, by: AbstractBaseUser, comment: str = "", **extra: Any
) -> ReportRevision:
    return ReportRevision.objects.create(
        report=report,
        action=action,
        actor=by,
        at=clock.now(),
        version=report.version,
        comment=comment,
        **extra,
    )


def _move(
    report: ProgressReport,
    step: str,
    *,
    by: AbstractBaseUser,
    version: int | None,
    reason: str = "",
    update: dict[str, Any] | None = None,
) -> ProgressReport:
    """Take a workflow step (locked, version-checked, attributed), the report as saved."""
    try:
        moved = workflow.move(
            REPORT_WORKFLOW, report, step, by=by, reason=reason, version=version, update=update
        )
    except workflow.Stale as stale:
        raise StaleReport(stale.current) from None
    return ProgressReport.objects.select_related("period__plan", "unit").get(pk=moved.pk)


@transaction.atomic
def do_submit_report(
    report: ProgressReport,
    *,
    by: AbstractBaseUser,
    version: int | None = None,
    data: Mapping[int, Mapping[str, Any]] | None = None,
) -> ProgressReport:
    report = _lock(report, version)
    REPORT_WORKFLOW.check(report, "submit")
    entries = list(report.entries.all())
    # A submission sent with the form's values (page, API) must say something.
    checked = validate_entries(entries, data or {}, for_submit=True, refuse_empty=data is not None)
    _apply(entries, checked, by)
    previous = report.revisions.filter(action=ReportRevision.Action.SUBMIT).last()
    snapshot = _snapshot(report)
    now = clock.now()
    report = _move(
        report,
        "submit",
        by=by,
        version=version,
        update={
            "submitted_at": now,
            "first_submitted_at": report.first_submitted_at or now,
            # What the report was filed against: the plan's version in force.
            "plan_version": current_version(report.period.plan),
        },
    )
    _revision(
        report,
        ReportRevision.Action.SUBMIT,
        by,
        changes=diff(previous.snapshot if previous else {}, snapshot),
        snapshot=snapshot,
    )
    return report


def _assignment_values(entry: ProgressEntry, report: ProgressReport) -> dict[str, Any]:
    S = ProgressEntry.Status
    A = Assignment.Status
    status = {
        S.NOT_STARTED: A.NOT_STARTED,
        S.IN_PROGRESS: A.IN_PROGRESS,
        S.OVERDUE: A.IN_PROGRESS,
        S.DONE_ON_TIME: A.DONE,
        S.DONE_LATE: A.DONE,
        S.CHANGE_PROPOSED: A.CHANGE_REQUESTED,
    }[entry.status]
    completed_on = None
    if status == A.DONE:
        completed_on = entry.completed_on or (
            entry.work_item.end
            if entry.status == S.DONE_ON_TIME
            else timezone.localdate(report.submitted_at)
        )
    percent = 100 if status == A.DONE else entry.percent
    return {"status": status, "percent_done": percent, "completed_on": completed_on}


@transaction.atomic
def do_accept_report(
    report: ProgressReport, *, by: AbstractBaseUser, comment: str = "", version: int | None = None
) -> ProgressReport:
    """Accept a submitted report and carry its lead entries into the assignments."""
    report = _move(report, "accept", by=by, version=version, update={"comment": comment})
    _revision(report, ReportRevision.Action.ACCEPT, by, comment)
    leads = report.entries.filter(role=ProgressEntry.Role.LEAD).select_related("work_item")
    assignments = {
        a.work_item_id: a
        for a in Assignment.objects.filter(
            unit=report.unit,
            role=Assignment.Role.LEAD,
            work_item_id__in=[e.work_item_id for e in leads],
        )
    }
    for entry in leads:
        assignment = assignments.get(entry.work_item_id)
        if assignment is None:
            continue
        for name, value in _assignment_values(entry, report).items():
            setattr(assignment, name, value)
        assignment._change_reason = _("Report %(period)s accepted") % {"period": report.period.code}
        assignment.save(update_fields=["status", "percent_done", "completed_on"])
    return report


@transaction.atomic
def do_return_report(
    report: ProgressReport, *, by: AbstractBaseUser, comment: str, version: int | None = None
) -> ProgressReport:
    comment = (comment or "").strip()
    if not comment:
        raise TransitionRefused(_("Say what needs fixing: a comment is required."))
    report = _move(
        report, "return", by=by, version=version, reason=comment, update={"comment": comment}
    )
    _revision(report, ReportRevision.Action.RETURN, by, comment)
    return report


@transaction.atomic
def do_reopen_report(
    report: ProgressReport, *, by: AbstractBaseUser, reason: str, version: int | None = None
) -> ProgressReport:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused(_("Give the reason for reopening."))
    report = _move(
        report, "reopen", by=by, version=version, reason=reason, update={"comment": reason}
    )
    _revision(report, ReportRevision.Action.REOPEN, by, reason)
    return report


# Evidence ----------------------------------------------------------------------


@transaction.atomic
def do_add_evidence(
    entry: ProgressEntry, upload: UploadedFile, *, by: AbstractBaseUser
) -> Evidence:
    """Store a checked evidence file; raises ValidationError for a bad one."""
    report = _lock(entry.report, None)
    if not report.is_editable:
        raise TransitionRefused(_("A submitted or accepted report cannot be edited."))
    content_type = evidence_checks.check(upload)
    evidence = Evidence(
        entry=entry,
        name=evidence_checks.display_name(upload.name or ""),
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=by,
    )
    evidence.file.save("upload", upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def do_remove_evidence(evidence: Evidence) -> None:
    report = _lock(evidence.entry.report, None)
    if not report.is_editable:
        raise TransitionRefused(_("A submitted or accepted report cannot be edited."))
    evidence.file.delete(save=False)
    evidence.delete()


# Inspections -------------------------------------------------------------------


@transaction.atomic
def do_record_inspection(
    plan: Plan,
    *,
    unit: Unit,
    held_on: date,
    team: str,
    scope: str,
    findings: str = "",
    follow_ups: list[tuple[str, date]] | None = None,
    by: AbstractBaseUser,
) -> Inspection:
    """An inspection of a unit with its required follow-ups (all or nothing)."""
    inspection = Inspection.objects.create(
        plan=plan,
        unit=unit,
        held_on=held_on,
        team=team,
        scope=scope,
        findings=findings,
        created_by=by,
    )
    for text, deadline in follow_ups or []:
        FollowUp.objects.create(inspection=inspection, text=text, deadline=deadline)
    return inspection


@transaction.atomic
def do_add_follow_up(inspection: Inspection, *, text: str, deadline: date) -> FollowUp:
    return FollowUp.objects.create(inspection=inspection, text=text, deadline=deadline)


@transaction.atomic
def do_close_follow_up(follow_up: FollowUp, *, closing_note: str) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.closed_on is not None:
        raise TransitionRefused(_("This follow-up is already closed."))
    follow_up.closed_on = clock.today()
    follow_up.closing_note = closing_note
    follow_up._change_reason = closing_note[:100]
    follow_up.save(update_fields=["closed_on", "closing_note"])
    return follow_up
