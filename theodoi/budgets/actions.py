"""Every change to detailed plans, in one place: opening, lines, the workflow, revisions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.core import workflow
from theodoi.core.workflow import Stale, TransitionRefused
from theodoi.plans.models import Assignment, Plan, WorkItem
from theodoi.units.models import Unit

from .models import BudgetLine, BudgetSettings, DetailedPlan, FundingSource

State = DetailedPlan.State
MAX_AMOUNT = 10**15

__all__ = ["BUDGET_WORKFLOW", "LineIn", "Stale", "TransitionRefused"]

# draft → submitted → (finance →) approved; returned with comments → submitted again.
BUDGET_WORKFLOW = (
    workflow.Workflow("state", reason_max=10_000)
    .step(
        "submit",
        (State.DRAFT, State.RETURNED),
        State.SUBMITTED,
        gettext_lazy("Only a draft or returned detailed plan can be submitted."),
        stamps=("submitted_at",),
    )
    .step(
        "opinion",
        (State.FINANCE,),
        State.SUBMITTED,
        gettext_lazy("Only a detailed plan awaiting the finance opinion can receive it."),
        reason_required=True,
    )
    .step(
        "approve",
        (State.SUBMITTED,),
        State.APPROVED,
        gettext_lazy("Only a submitted detailed plan can be approved."),
        stamps=("decided_at",),
    )
    .step(
        "return",
        (State.SUBMITTED, State.FINANCE),
        State.RETURNED,
        gettext_lazy("Only a submitted detailed plan can be returned."),
        reason_required=True,
        stamps=("decided_at",),
    )
)


@dataclass
class LineIn:
    work_item: int
    activity: str
    amount: int
    source: str = FundingSource.PROVINCIAL
    timing: str = ""
    output: str = ""


def finance_unit(plan: Plan) -> Unit | None:
    settings = BudgetSettings.objects.filter(plan=plan).select_related("finance_unit").first()
    return settings.finance_unit if settings else None


@transaction.atomic
def do_set_finance_unit(plan: Plan, unit: Unit | None, *, by: Any) -> BudgetSettings:
    """Choose the unit asked for a finance opinion on each detailed plan (None: nobody)."""
    settings, _created = BudgetSettings.objects.select_for_update().get_or_create(plan=plan)
    settings.finance_unit = unit
    settings._history_user = by
    settings._change_reason = "finance reviewer"
    settings.save()
    return settings


def led_work_items(plan: Plan, unit: Unit) -> Any:
    """The plan's work items the unit leads."""
    return WorkItem.objects.filter(
        task__plan=plan,
        assignments__unit=unit,
        assignments__role=Assignment.Role.LEAD,
    ).distinct()


def _lock(dp: DetailedPlan, version: int | None) -> DetailedPlan:
    locked = DetailedPlan.objects.select_for_update().get(pk=dp.pk)
    if version is not None and locked.version != version:
        raise Stale(locked)
    return locked


def clean_lines(plan: Plan, unit: Unit, lines: Iterable[LineIn]) -> list[BudgetLine]:
    """The lines as unsaved rows; a ValidationError naming each bad row
    (``lines.<n>.<field>``) otherwise. A line on a work item the unit does not
    lead is refused."""
    led = set(led_work_items(plan, unit).values_list("pk", flat=True))
    errors: dict[str, str] = {}
    rows: list[BudgetLine] = []
    for n, line in enumerate(lines):
        where = f"lines.{n}"
        if line.work_item not in led:
            errors[f"{where}.work_item"] = _(
                "%(unit)s does not lead this work item of the plan."
            ) % {"unit": unit.name}
        activity = " ".join((line.activity or "").split())
        if not activity:
            errors[f"{where}.activity"] = _("Say what the activity is.")
        if line.source not in FundingSource.values:
            errors[f"{where}.source"] = _("Choose a funding source.")
        if not isinstance(line.amount, int) or not 0 <= line.amount <= MAX_AMOUNT:
            errors[f"{where}.amount"] = _("Enter an amount in đồng.")
        for name, limit in (("activity", 500), ("timing", 100), ("output", 300)):
            value = getattr(line, name) or ""
            if len(value) > limit or "\x00" in value:
                errors[f"{where}.{name}"] = _("At most %(n)s characters.") % {"n": limit}
        rows.append(
            BudgetLine(
                work_item_id=line.work_item,
                activity=activity[:500],
                timing=(line.timing or "").strip()[:100],
                output=(line.output or "").strip()[:300],
                amount=line.amount,
                source=line.source,
                position=n,
            )
        )
    if errors:
        raise ValidationError(errors)
    return rows


def _save_lines(dp: DetailedPlan, rows: list[BudgetLine], by: Any, reason: str) -> None:
    for old in dp.lines.all():
        old._history_user = by
        old._change_reason = reason
        old.delete()
    for row in rows:
        row.detailed_plan = dp
        row._history_user = by
        row._change_reason = reason
        row.save()


@transaction.atomic
def do_open_detailed_plan(
    plan: Plan, unit: Unit, *, by: Any, note: str = "", lines: Iterable[LineIn] = ()
) -> DetailedPlan:
    """A unit's draft detailed plan for the plan (refused when one is already in progress
    or the unit leads nothing in the plan)."""
    if not led_work_items(plan, unit).exists():
        raise ValidationError({"unit": _("%(unit)s leads no work item of this plan.") % {
            "unit": unit.name}})  # fmt: skip
    Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk").first()
    existing = DetailedPlan.objects.filter(plan=plan, unit=unit)
    if existing.filter(state__in=DetailedPlan.OPEN).exists():
        raise ValidationError(
            {"unit": _("This unit already has a detailed plan in progress for this plan.")}
        )
    if existing.filter(state=State.APPROVED).exists():
        raise ValidationError(
            {"unit": _("This unit's detailed plan is approved: open a new revision of it.")}
        )
    rows = clean_lines(plan, unit, lines)
    dp = DetailedPlan(plan=plan, unit=unit, note=note.strip(), created_by=by)
    dp._history_user = by
    dp._change_reason = "open"
    dp.save()
    _save_lines(dp, rows, by, "open")
    return dp


@transaction.atomic
def do_set_lines(
    dp: DetailedPlan,
    lines: Iterable[LineIn],
    *,
    by: Any,
    version: int | None = None,
    note: str | None = None,
) -> DetailedPlan:
    """Replace the lines of a draft or returned detailed plan."""
    dp = _lock(dp, version)
    if not dp.is_editable:
        raise TransitionRefused(_("An approved or submitted detailed plan cannot be changed."))
    rows = clean_lines(dp.plan, dp.unit, lines)
    _save_lines(dp, rows, by, "lines")
    return _bump(dp, by, "lines", note=note)


@transaction.atomic
def do_add_line(
    dp: DetailedPlan, line: LineIn, *, by: Any, version: int | None = None
) -> DetailedPlan:
    dp = _lock(dp, version)
    if not dp.is_editable:
        raise TransitionRefused(_("An approved or submitted detailed plan cannot be changed."))
    (row,) = clean_lines(dp.plan, dp.unit, [line])
    row.detailed_plan = dp
    row.position = dp.lines.count()
    row._history_user = by
    row._change_reason = "add line"
    row.save()
    return _bump(dp, by, "add line")


@transaction.atomic
def do_delete_line(line: BudgetLine, *, by: Any, version: int | None = None) -> DetailedPlan:
    dp = _lock(line.detailed_plan, version)
    if not dp.is_editable:
        raise TransitionRefused(_("An approved or submitted detailed plan cannot be changed."))
    line._history_user = by
    line._change_reason = "delete line"
    line.delete()
    return _bump(dp, by, "delete line")


def _bump(dp: DetailedPlan, by: Any, reason: str, *, note: str | None = None) -> DetailedPlan:
    dp.version += 1
    fields = ["version", "updated_at"]
    if note is not None:
        dp.note = note.strip()
        fields.append("note")
    dp._history_user = by
    dp._change_reason = reason
    dp.save(update_fields=fields)
    return dp


@transaction.atomic
def do_submit(dp: DetailedPlan, *, by: Any, version: int | None = None) -> DetailedPlan:
    """Submit: to the finance reviewer first where the plan has one."""
    dp = _lock(dp, version)
    BUDGET_WORKFLOW.check(dp, "submit")
    if not dp.lines.exists():
        raise TransitionRefused(_("Add at least one line before submitting."))
    dp = workflow.move(BUDGET_WORKFLOW, dp, "submit", by=by, version=version)
    if finance_unit(dp.plan) is not None:
        dp.state = State.FINANCE
        dp._history_user = by
        dp._change_reason = "finance"
        dp.save(update_fields=["state"])
    return dp


@transaction.atomic
def do_give_opinion(
    dp: DetailedPlan, *, by: Any, opinion: str, version: int | None = None
) -> DetailedPlan:
    opinion = (opinion or "").strip()
    return workflow.move(
        BUDGET_WORKFLOW, dp, "opinion", by=by, reason=opinion, version=version,
        update={"finance_opinion": opinion},
    )  # fmt: skip


@transaction.atomic
def do_approve(
    dp: DetailedPlan, *, by: Any, comment: str = "", version: int | None = None
) -> DetailedPlan:
    """Approve; the revision it replaces (if any) is superseded."""
    dp = workflow.move(
        BUDGET_WORKFLOW, dp, "approve", by=by, reason=comment, version=version,
        update={"comment": (comment or "").strip()},
    )  # fmt: skip
    for old in DetailedPlan.objects.filter(
        plan_id=dp.plan_id, unit_id=dp.unit_id, state=State.APPROVED
    ).exclude(pk=dp.pk):
        old.state = State.SUPERSEDED
        old.version += 1
        old._history_user = by
        old._change_reason = f"superseded by revision {dp.revision}"
        old.save(update_fields=["state", "version", "updated_at"])
    return dp


@transaction.atomic
def do_return(
    dp: DetailedPlan, *, by: Any, comment: str, version: int | None = None
) -> DetailedPlan:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what needs fixing: a comment is required.")})
    return workflow.move(
        BUDGET_WORKFLOW, dp, "return", by=by, reason=comment, version=version,
        update={"comment": comment},
    )  # fmt: skip


@transaction.atomic
def do_revise(
    dp: DetailedPlan, *, by: Any, reason: str, version: int | None = None
) -> DetailedPlan:
    """A new draft revision of an approved detailed plan, with its lines; the approved
    one stays in force (locked) until the new one is approved."""
    reason = workflow.clean_reason(reason, required=True)
    dp = _lock(dp, version)
    if dp.state != State.APPROVED:
        raise TransitionRefused(_("Only an approved detailed plan is changed by a new revision."))
    if DetailedPlan.objects.filter(
        plan_id=dp.plan_id, unit_id=dp.unit_id, state__in=DetailedPlan.OPEN
    ).exists():
        raise TransitionRefused(_("A new revision of this detailed plan is already in progress."))
    new = DetailedPlan(
        plan_id=dp.plan_id, unit_id=dp.unit_id, revision=dp.revision + 1, note=dp.note,
        created_by=by,
    )  # fmt: skip
    new._history_user = by
    new._change_reason = reason
    new.save()
    rows = [
        BudgetLine(
            work_item_id=line.work_item_id, activity=line.activity, timing=line.timing,
            output=line.output, amount=line.amount, source=line.source, position=line.position,
        )
        for line in dp.lines.all()
    ]
    _save_lines(new, rows, by, reason)
    return new
