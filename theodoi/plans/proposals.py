"""Change proposals and plan versions: the plan as it lives.

A unit proposes to add, change, postpone or cancel a work item it leads, or a
task whose work items it leads (the access layer says which units a user may
propose for); objectives and indicators are never open to proposals. One code
path serves both subjects: a task is read as its values (number, title,
description, field, the latest end of its unfinished work items, their lead and
coordinating units) and diffed, consulted, checked for staleness and versioned
like a work item. Units whose work the
change touches (the other lead and coordinating units, before or after) are
asked first; when all have answered, the coordinator approves or rejects with
a reason. Approval applies the change through the plan's own actions and
records a new :class:`PlanVersion` with a snapshot of the plan, so reports
filed earlier still show the work item they reported against.

A plan with a version is issued: its objectives, indicators, tasks and work
items change directly only with a decision of the issuing body
(:func:`do_record_decision`), which also records a version.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.core import clock, workflow
from theodoi.core.workflow import Stale, TransitionRefused, Workflow, clean_reason
from theodoi.units.models import Unit

from .actions import (
    WorkItemData,
    _attribute,
    do_create_work_item,
    do_update_work_item,
    validate_work_item,
)
from .models import (
    Assignment,
    ChangeProposal,
    Consultation,
    Field,
    LockDecision,
    Plan,
    PlanVersion,
    Programme,
    Task,
    WorkItem,
)

# Sent after a proposal is made (event="asked": its consultations are open) and
# after it is decided (event="decided"), inside the transaction; the reporting
# app turns them into notifications. sender=ChangeProposal, proposal, event.
proposal_event = Signal()

K = ChangeProposal.Kind
S = ChangeProposal.State

PROPOSAL_WORKFLOW: Workflow = (
    Workflow("state", reason_max=2000)
    .step(
        "consulted",
        (S.CONSULTING,),
        S.SUBMITTED,
        gettext_lazy("Only a proposal awaiting opinions can close its consultation."),
    )
    .step(
        "approve",
        (S.SUBMITTED,),
        S.APPROVED,
        gettext_lazy(
            "Only a proposal every consulted unit has answered, not yet decided, can be approved."
        ),
        reason_required=True,
        stamps=("decided_at",),
    )
    .step(
        "reject",
        (S.SUBMITTED,),
        S.REJECTED,
        gettext_lazy(
            "Only a proposal every consulted unit has answered, not yet decided, can be rejected."
        ),
        reason_required=True,
        stamps=("decided_at",),
    )
)

VALUE_FIELDS = ("number", "title", "expected_output", "start", "end", "leads", "coordinating")
TASK_FIELDS = ("number", "title", "description", "field", "end", "leads", "coordinating")
SUBJECT = ChangeProposal.Subject


def fields_of(subject: str) -> tuple[str, ...]:
    return TASK_FIELDS if subject == SUBJECT.TASK else VALUE_FIELDS


class StaleProposal(Stale):
    """The proposal, or the work item it changes, moved on since the user read it."""


# Snapshots ---------------------------------------------------------------------


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def work_item_values(item: WorkItem) -> dict[str, Any]:
    """A work item as a version keeps it (assignments prefetched with their units)."""
    assignments = list(item.assignments.all())
    leads = [a for a in assignments if a.role == Assignment.Role.LEAD]
    coordinating = [a for a in assignments if a.role == Assignment.Role.COORDINATING]
    return {
        "id": item.pk,
        "task": item.task_id,
        "number": item.number,
        "title": item.title,
        "expected_output": item.expected_output,
        "start": _day(item.start),
        "end": _day(item.end),
        "leads": sorted(a.unit_id for a in leads),
        "coordinating": sorted(a.unit_id for a in coordinating),
        "unit_names": {str(a.unit_id): a.unit.name for a in assignments},
        "cancelled": bool(leads) and all(a.status == Assignment.Status.CANCELLED for a in leads),
    }


def _unfinished(item: WorkItem) -> bool:
    leads = [a for a in item.assignments.all() if a.role == Assignment.Role.LEAD]
    return any(a.status in Assignment.Status.OPEN for a in leads)


def task_values(task: Task) -> dict[str, Any]:
    """A task as a proposal reads it: its own fields and, over its work items not
    cancelled, the latest end and the lead and coordinating units."""
    items = list(
        WorkItem.objects.filter(task=task).prefetch_related("assignments__unit").order_by("pk")
    )
    values = [work_item_values(i) for i in items]
    live = [v for v in values if not v["cancelled"]]
    names: dict[str, str] = {}
    for v in values:
        names.update(v["unit_names"])
    ends = [v["end"] for v in live if v["end"]]
    return {
        "id": task.pk,
        "number": task.number,
        "title": task.title,
        "description": task.description,
        "field": task.field_id,
        "field_name": task.field.name,
        "end": max(ends) if ends else "",
        "leads": sorted({pk for v in live for pk in v["leads"]}),
        "coordinating": sorted({pk for v in live for pk in v["coordinating"]}),
        "unit_names": names,
        "cancelled": bool(values) and not live,
    }


def in_force(proposal: ChangeProposal) -> dict[str, Any] | None:
    """What the proposal changes as it is now (its ``before`` when it is gone)."""
    if proposal.subject == SUBJECT.TASK:
        if not proposal.task_id:
            return None
        task = Task.objects.select_related("field").filter(pk=proposal.task_id).first()
        return task_values(task) if task else proposal.before
    if not proposal.work_item_id:
        return None
    item = WorkItem.objects.prefetch_related("assignments__unit").filter(pk=proposal.work_item_id)
    found = item.first()
    return work_item_values(found) if found else proposal.before


def _items(plan: Plan) -> list[WorkItem]:
    return list(
        WorkItem.objects.filter(task__plan=plan)
        .select_related("task")
        .prefetch_related("assignments__unit")
        .order_by("task__position", "task_id", "position", "pk")
    )


def snapshot(plan: Plan) -> dict[str, Any]:
    """The plan's tasks and work items as they are now."""
    tasks = plan.tasks.select_related("field").order_by("position", "pk")
    return {
        "tasks": {
            str(t.pk): {
                "number": t.number,
                "title": t.title,
                "description": t.description,
                "field": t.field.name,
            }
            for t in tasks
        },
        "work_items": {str(i.pk): work_item_values(i) for i in _items(plan)},
    }


def current_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.order_by("-number").first()


def is_issued(plan: Plan | int) -> bool:
    plan_id = plan.pk if isinstance(plan, Plan) else plan
    return PlanVersion.objects.filter(plan_id=plan_id).exists()


def programme_issued(programme: Programme | int) -> bool:
    """A programme's objectives are fixed once one of its plans is issued."""
    programme_id = programme.pk if isinstance(programme, Programme) else programme
    return PlanVersion.objects.filter(plan__programme_id=programme_id).exists()


def _record(
    plan: Plan,
    *,
    summary: str,
    by: AbstractBaseUser | None,
    proposal: ChangeProposal | None = None,
    decision: LockDecision | None = None,
) -> PlanVersion:
    # Lock the plan's row so two approvals never take the same number.
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    last = current_version(plan)
    return PlanVersion.objects.create(
        plan=plan,
        number=(last.number + 1) if last else 1,
        created_at=clock.now(),
        summary=summary,
        proposal=proposal,
        decision=decision,
        approved_by=by,
        snapshot=snapshot(plan),
    )


@transaction.atomic
def do_issue_plan(plan: Plan, *, by: AbstractBaseUser | None) -> PlanVersion:
    """Version 1: the plan as issued. From now on it changes by proposal or decision."""
    if is_issued(plan):
        raise TransitionRefused(_("This plan is already issued."))
    return _record(plan, summary=_("The plan as issued."), by=by)


def _ensure_issued(plan: Plan, by: AbstractBaseUser | None) -> None:
    if not is_issued(plan):
        _record(plan, summary=_("The plan as issued."), by=by)


# Decisions of the issuing body ---------------------------------------------------


def clean_decision(number: str, decided_on: date | None, reason: str) -> dict[str, Any]:
    """The decision's fields checked; a ValidationError names each missing one."""
    errors: dict[str, str] = {}
    number = " ".join((number or "").split())
    if not number:
        errors["decision_number"] = _("Enter the number of the issuing body's decision.")
    elif len(number) > 60:
        errors["decision_number"] = _("Enter at most %(count)s characters.") % {"count": 60}
    if decided_on is None:
        errors["decision_date"] = _("Enter the date of the decision.")
    if not " ".join((reason or "").split()):
        errors["decision_reason"] = _("Give the reason for the decision.")
    if errors:
        raise ValidationError(errors)
    return {"number": number, "decided_on": decided_on, "reason": reason.strip()}


@transaction.atomic
def do_record_decision(
    *,
    programme: Programme,
    plan: Plan | None,
    action: str,
    target: str,
    number: str,
    decided_on: date | None,
    reason: str,
    by: AbstractBaseUser,
) -> LockDecision:
    """Record the decision that lets a locked objective, task or work item change."""
    data = clean_decision(number, decided_on, reason)
    return LockDecision.objects.create(
        programme=programme,
        plan=plan,
        action=action,
        target=target[:300],
        recorded_by=by,
        **data,
    )


def record_amended_version(
    plan: Plan, decision: LockDecision, *, by: AbstractBaseUser | None
) -> PlanVersion:
    """After a direct change under a decision: the plan's new version."""
    summary = _("%(action)s %(target)s, by %(decision)s: %(reason)s") % {
        "action": decision.get_action_display(),
        "target": decision.target,
        "decision": decision,
        "reason": decision.reason,
    }
    return _record(plan, summary=summary, by=by, decision=decision)


# Proposals ----------------------------------------------------------------------


def _parse_day(value: Any) -> date | None:
    if isinstance(value, date) or value is None:
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def proposed_values(
    kind: str, before: dict[str, Any], values: dict[str, Any], subject: str = SUBJECT.WORK_ITEM
) -> dict[str, Any]:
    """The work item or task as it would be after the proposal (before ∪ the values sent)."""
    if kind == K.CANCEL:
        return {**before, "cancelled": True}
    names = fields_of(subject)
    after = {k: before.get(k, [] if k in ("leads", "coordinating") else "") for k in names}
    for name in names:
        if name in values and values[name] is not None:
            after[name] = values[name]
    if subject == SUBJECT.TASK and kind == K.CHANGE and before:
        after["end"] = before.get("end", "")  # a task's end moves by postponing it
    if subject == SUBJECT.TASK and after.get("field") not in ("", None):
        after["field"] = int(after["field"])
    if "leads" in after:
        after["leads"] = sorted({int(pk) for pk in after["leads"]})
        after["coordinating"] = sorted({int(pk) for pk in after["coordinating"]})
    return after


def _data(after: dict[str, Any], units: dict[int, Unit]) -> WorkItemData:
    return WorkItemData(
        title=str(after.get("title") or ""),
        start=_parse_day(after.get("start")),
        end=_parse_day(after.get("end")),
        number=str(after.get("number") or ""),
        expected_output=str(after.get("expected_output") or ""),
        leads=[units[pk] for pk in after.get("leads", []) if pk in units],
        coordinating=[units[pk] for pk in after.get("coordinating", []) if pk in units],
    )


def _consulted(unit: Unit, before: dict[str, Any], after: dict[str, Any]) -> set[int]:
    """Other units whose work the change touches: every unit on the work item, before or after."""
    ids: set[int] = set()
    for side in (before, after):
        ids.update(side.get("leads", []))
        ids.update(side.get("coordinating", []))
    ids.discard(unit.pk)
    return ids


def _validate_task(
    plan: Plan,
    kind: str,
    before: dict[str, Any],
    after: dict[str, Any],
    units: dict[int, Unit],
    effective_from: date,
) -> None:
    """A task as proposed: a title, a field of the plan; a new task's first work item
    valid; a postponement later; a change that changes something."""
    errors: dict[str, list[str]] = {}
    if not str(after.get("title") or "").strip():
        errors.setdefault("title", []).append(_("Enter the task's title."))
    field_id = after.get("field")
    if not field_id:
        errors.setdefault("field", []).append(_("Choose the field the task belongs to."))
    elif not Field.objects.filter(pk=field_id, plan=plan).exists():
        errors.setdefault("field", []).append(_("The field belongs to another plan."))
    if errors:
        raise ValidationError(errors)
    if kind == K.ADD:
        first = _data({**after, "start": effective_from.isoformat()}, units)
        validate_work_item(Task(plan=plan), first)
    if kind == K.POSTPONE:
        old_end, new_end = _parse_day(before.get("end")), _parse_day(after.get("end"))
        if new_end is None:
            raise ValidationError({"end": _("Enter the date the task is postponed to.")})
        if new_end.year != plan.year:
            raise ValidationError({"end": _(
                "The work item must fall within the plan's year %(year)s."
            ) % {"year": plan.year}})  # fmt: skip
        if old_end and new_end <= old_end:
            raise ValidationError({"end": _(
                "A postponement moves the end date later than %(end)s."
            ) % {"end": old_end.strftime("%d/%m/%Y")}})  # fmt: skip
    if kind == K.CHANGE:
        if before.get("leads") and not after.get("leads"):
            raise ValidationError({"leads": _("Choose at least one lead unit.")})
        if all(before.get(k) == after.get(k) for k in TASK_FIELDS):
            raise ValidationError({"__all__": _("The proposal changes nothing.")})


@transaction.atomic
def do_propose(
    plan: Plan,
    *,
    unit: Unit,
    by: AbstractBaseUser,
    kind: str,
    reason: str,
    effective_from: date | None,
    work_item: WorkItem | None = None,
    task: Task | None = None,
    values: dict[str, Any] | None = None,
    units: dict[int, Unit] | None = None,
    subject: str = SUBJECT.WORK_ITEM,
) -> ChangeProposal:
    """Record a proposal and ask the units it touches.

    ``subject`` "task": the proposal acts on ``task`` (to add one: its values
    name the field, and its first work item runs from ``effective_from`` to the
    values' end under the values' lead units).

    ``units`` are the unit objects the values name (resolved by the caller
    within its reach); who may propose for ``unit`` is the access layer's
    answer, asked before this.
    """
    values = dict(values or {})
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if kind not in K.values:
        add("kind", _("Choose what the proposal does."))
    if subject not in SUBJECT.values:
        add("subject", _("Choose whether the proposal changes a task or a work item."))
    elif subject == SUBJECT.TASK:
        if work_item is not None:
            add("work_item", _("A proposal on a task names no work item."))
        if kind in (K.CHANGE, K.POSTPONE, K.CANCEL) and task is None:
            add("task", _("Choose the task the proposal changes."))
        if kind == K.ADD and task is not None:
            add("task", _("A new task names no existing task."))
    elif kind in (K.CHANGE, K.POSTPONE, K.CANCEL):
        if work_item is None:
            add("work_item", _("Choose the work item the proposal changes."))
        elif work_item.task.plan_id != plan.pk:
            add("work_item", _("The work item belongs to another plan."))
    if subject == SUBJECT.WORK_ITEM and kind == K.ADD and task is None:
        add("task", _("Choose the task the new work item belongs to."))
    if subject == SUBJECT.WORK_ITEM and kind == K.ADD and work_item is not None:
        add("work_item", _("A new work item names no existing work item."))
    if task is not None and task.plan_id != plan.pk:
        add("task", _("The task belongs to another plan."))
    if not " ".join((reason or "").split()):
        add("reason", _("Say why the change is needed."))
    if effective_from is None:
        add("effective_from", _("Enter the date from which the change applies."))
    elif effective_from.year != plan.year:
        add(
            "effective_from",
            _("The change must apply within the plan's year %(year)s.") % {"year": plan.year},
        )
    if errors:
        raise ValidationError(errors)

    if subject == SUBJECT.TASK and task is not None:
        before = task_values(task)
        if before["cancelled"]:
            raise ValidationError({"task": _("This task is already cancelled.")})
    elif work_item is not None:
        item = WorkItem.objects.prefetch_related("assignments__unit").get(pk=work_item.pk)
        before = work_item_values(item)
        task = item.task
        if before["cancelled"]:
            raise ValidationError({"work_item": _("This work item is already cancelled.")})
    else:
        before = {}
    after = proposed_values(kind, before, values, subject)
    units = dict(units or {})
    keep = (set(before.get("leads", [])) | set(before.get("coordinating", []))) - set(units)
    if keep:
        units.update(Unit.objects.in_bulk(keep))
    for name in ("leads", "coordinating"):
        unknown = [str(pk) for pk in after.get(name, []) if pk not in units]
        if unknown:
            add(name, _("Unknown unit: %(ids)s.") % {"ids": ", ".join(unknown)})
    if errors:
        raise ValidationError(errors)
    if subject == SUBJECT.TASK:
        if kind != K.CANCEL:
            _validate_task(plan, kind, before, after, units, effective_from)
    elif kind != K.CANCEL:
        data = _data(after, units)
        validate_work_item(task, data)  # type: ignore[arg-type]
        if kind == K.POSTPONE:
            old_end = _parse_day(before.get("end"))
            if old_end and data.end and data.end <= old_end:
                raise ValidationError(
                    {
                        "end": _("A postponement moves the end date later than %(end)s.")
                        % {"end": old_end.strftime("%d/%m/%Y")}
                    }
                )
        if kind in (K.CHANGE, K.POSTPONE) and all(
            before.get(k) == after.get(k) for k in VALUE_FIELDS
        ):
            raise ValidationError({"__all__": _("The proposal changes nothing.")})
    names = fields_of(subject)
    clean = {k: after[k] for k in names if k in after} if kind != K.CANCEL else {}
    last = current_version(plan)
    proposal = ChangeProposal(
        plan=plan,
        subject=subject,
        kind=kind,
        work_item=work_item,
        task=task,
        unit=unit,
        proposed_by=by,
        values=clean,
        before=before,
        reason=reason.strip(),
        effective_from=effective_from,
        base_version=last.number if last else 1,
        created_at=clock.now(),
    )
    consulted = _consulted(unit, before, after)
    if not consulted:
        proposal.state = S.SUBMITTED
    _attribute(proposal, by, _("Proposed"))
    proposal.save()
    Consultation.objects.bulk_create(
        [Consultation(proposal=proposal, unit_id=pk) for pk in sorted(consulted)]
    )
    proposal_event.send(sender=ChangeProposal, proposal=proposal, event="asked")
    return proposal


@transaction.atomic
def do_answer(
    consultation: Consultation, *, by: AbstractBaseUser, answer: str, comment: str = ""
) -> Consultation:
    """A consulted unit agrees or disagrees (a disagreement says why)."""
    proposal = ChangeProposal.objects.select_for_update().get(pk=consultation.proposal_id)
    if proposal.state != S.CONSULTING:
        raise TransitionRefused(_("This proposal no longer awaits opinions."))
    if answer not in (Consultation.Answer.AGREE, Consultation.Answer.DISAGREE):
        raise ValidationError({"answer": _("Answer agree or disagree.")})
    comment = (comment or "").strip()
    if answer == Consultation.Answer.DISAGREE and not comment:
        raise ValidationError({"comment": _("Say why your unit disagrees.")})
    consultation.answer = answer
    consultation.comment = comment
    consultation.answered_by = by
    consultation.answered_at = clock.now()
    _attribute(consultation, by, consultation.get_answer_display())
    consultation.save()
    pending = proposal.consultations.filter(answer=Consultation.Answer.PENDING).exists()
    if not pending:
        workflow.move(PROPOSAL_WORKFLOW, proposal, "consulted", by=by)
        proposal_event.send(sender=ChangeProposal, proposal=proposal, event="consulted")
    return consultation


def describe(proposal: ChangeProposal) -> str:
    """What an approved proposal changed, as the versions list shows it."""
    title = proposal.values.get("title") or proposal.before.get("title") or ""
    return _("%(kind)s: %(title)s (proposed by %(unit)s)") % {
        "kind": proposal.kind_label,
        "title": title,
        "unit": proposal.unit.name,
    }


def _item_data(item: WorkItem, **changes: Any) -> WorkItemData:
    """A work item's own data (coordination note kept), with ``changes``."""
    assignments = list(item.assignments.all())
    data = WorkItemData(
        title=item.title,
        start=item.start,
        end=item.end,
        number=item.number,
        expected_output=item.expected_output,
        coordination_note=item.coordination_note,
        leads=[a.unit for a in assignments if a.role == Assignment.Role.LEAD],
        coordinating=[a.unit for a in assignments if a.role == Assignment.Role.COORDINATING],
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def _shift(mine: list[Unit], removed: set[int], added: list[Unit]) -> list[Unit]:
    kept = [u for u in mine if u.pk not in removed]
    return kept + [u for u in added if u.pk not in {k.pk for k in kept}]


def _apply_task(proposal: ChangeProposal, by: AbstractBaseUser, note: str) -> None:
    """A task proposal applied through the plan's own actions, work item by work item."""
    after, before = proposal.values, proposal.before
    if proposal.kind == K.ADD:
        plan = proposal.plan
        task = Task(
            plan=plan,
            field_id=after["field"],
            number=str(after.get("number") or ""),
            title=str(after["title"]).strip(),
            description=str(after.get("description") or "").strip(),
            position=plan.tasks.count() + 1,
        )
        _attribute(task, by, note)
        task.save()
        units = Unit.objects.in_bulk([*after.get("leads", []), *after.get("coordinating", [])])
        first = _data({**after, "start": proposal.effective_from.isoformat()}, units)
        do_create_work_item(task, first, by=by, reason=note)
        proposal.task = task
        ChangeProposal.objects.filter(pk=proposal.pk).update(task=task)
        return
    task = Task.objects.select_for_update().get(pk=proposal.task_id)
    items = list(
        WorkItem.objects.filter(task=task).prefetch_related("assignments__unit").order_by("pk")
    )
    live = [i for i in items if not work_item_values(i)["cancelled"]]
    if proposal.kind == K.CANCEL:
        for assignment in Assignment.objects.filter(work_item__task=task):
            assignment.status = Assignment.Status.CANCELLED
            _attribute(assignment, by, note)
            assignment.save(update_fields=["status"])
        return
    if proposal.kind == K.POSTPONE:
        new_end = _parse_day(after["end"])
        for item in live:
            if _unfinished(item) and item.end < new_end:  # type: ignore[operator]
                do_update_work_item(item, _item_data(item, end=new_end), version=item.version,
                                    by=by, reason=note)  # fmt: skip
        return
    # Change: the task's own fields, then its units moved on each work item.
    for name in ("number", "title", "description"):
        setattr(task, name, str(after.get(name) or "").strip())
    task.field_id = after["field"]
    _attribute(task, by, note)
    task.save()
    units = Unit.objects.in_bulk([*after.get("leads", []), *after.get("coordinating", [])])
    moves = {}
    for name in ("leads", "coordinating"):
        old, new = set(before.get(name, [])), list(after.get(name, []))
        if set(new) != old:
            moves[name] = (old - set(new), [units[pk] for pk in new if pk not in old])
    if not moves:
        return
    for item in live:
        data = _item_data(item)
        for name, (removed, added) in moves.items():
            setattr(data, name, _shift(getattr(data, name), removed, added))
        if not data.leads:
            data.leads = [units[pk] for pk in after["leads"]]
        lead_ids = {u.pk for u in data.leads}
        data.coordinating = [u for u in data.coordinating if u.pk not in lead_ids]
        do_update_work_item(item, data, version=item.version, by=by, reason=note)


def _apply(proposal: ChangeProposal, by: AbstractBaseUser, reason: str) -> None:
    after = proposal.values
    note = _("Change proposal #%(id)s") % {"id": proposal.pk}
    if proposal.subject == SUBJECT.TASK:
        _apply_task(proposal, by, note)
        return
    if proposal.kind == K.CANCEL:
        for assignment in Assignment.objects.filter(work_item_id=proposal.work_item_id):
            assignment.status = Assignment.Status.CANCELLED
            _attribute(assignment, by, note)
            assignment.save(update_fields=["status"])
        return
    units = Unit.objects.in_bulk([*after.get("leads", []), *after.get("coordinating", [])])
    data = _data(after, units)
    if proposal.kind == K.ADD:
        item = do_create_work_item(proposal.task, data, by=by, reason=note)
        proposal.work_item = item
        ChangeProposal.objects.filter(pk=proposal.pk).update(work_item=item)
        return
    item = WorkItem.objects.select_related("task__plan").get(pk=proposal.work_item_id)
    do_update_work_item(item, data, version=item.version, by=by, reason=note)


@transaction.atomic
def do_decide(
    proposal: ChangeProposal,
    *,
    by: AbstractBaseUser,
    approve: bool,
    reason: str,
    version: int | None = None,
) -> ChangeProposal:
    """Approve (the change applies as the plan's next version) or reject, with a reason.

    Refused as stale when the proposal moved on since ``version`` or when the
    work item is no longer as it was proposed against.
    """
    reason = clean_reason(reason, required=True, max_length=PROPOSAL_WORKFLOW.reason_max)
    locked = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if version is not None and locked.version != version:
        raise StaleProposal(locked)
    step = "approve" if approve else "reject"
    PROPOSAL_WORKFLOW.check(locked, step)
    update: dict[str, Any] = {"decided_by": by, "decision_reason": reason}
    if approve:
        if locked.before:
            now = in_force(locked)
            keys = (*fields_of(locked.subject), "cancelled")
            if now is locked.before or any(
                (now or {}).get(k) != locked.before.get(k) for k in keys
            ):
                raise StaleProposal(locked)
        _ensure_issued(locked.plan, by)
        _apply(locked, by, reason)
        update["result_version"] = _record(
            locked.plan, summary=describe(locked), by=by, proposal=locked
        )
    decided = workflow.move(
        PROPOSAL_WORKFLOW, locked, step, by=by, reason=reason, version=locked.version,
        update=update,
    )  # fmt: skip
    proposal_event.send(sender=ChangeProposal, proposal=decided, event="decided")
    return decided  # type: ignore[return-value]


# Reading --------------------------------------------------------------------------

FIELD_LABELS = {
    "number": gettext_lazy("Number"),
    "title": gettext_lazy("Work item"),
    "description": gettext_lazy("Description"),
    "field": gettext_lazy("Field"),
    "expected_output": gettext_lazy("Expected output"),
    "start": gettext_lazy("Start"),
    "end": gettext_lazy("End"),
    "leads": gettext_lazy("Lead units"),
    "coordinating": gettext_lazy("Coordinating units"),
    "cancelled": gettext_lazy("Cancelled"),
}


TASK_LABELS = {
    "title": gettext_lazy("Task"),
    "end": gettext_lazy("End of its unfinished work items"),
}


def _show(name: str, value: Any, names: dict[int, str], fields: dict[int, str]) -> str:
    if name == "field":
        return fields.get(int(value), str(value)) if value not in ("", None) else ""
    if name in ("leads", "coordinating"):
        return "; ".join(sorted(names.get(int(pk), str(pk)) for pk in value or []))
    if name in ("start", "end"):
        day = _parse_day(value)
        return day.strftime("%d/%m/%Y") if day else ""
    if name == "cancelled":
        return _("Yes") if value else ""
    return str(value or "")


def proposal_diff(proposal: ChangeProposal, in_force: dict[str, Any] | None) -> list[dict]:
    """Rows label / in force / proposed / differs: the proposal against the plan in force."""
    current = in_force or {}
    after = {**current, "cancelled": True} if proposal.kind == K.CANCEL else proposal.values
    ids = {int(pk) for side in (current, after) for k in ("leads", "coordinating")
           for pk in side.get(k, []) or []}  # fmt: skip
    names = {int(k): v for k, v in current.get("unit_names", {}).items()}
    missing = ids - set(names)
    if missing:
        names.update({u.pk: u.name for u in Unit.objects.filter(pk__in=missing)})
    own = fields_of(proposal.subject)
    keys = [*own, "cancelled"] if proposal.kind == K.CANCEL else list(own)
    fields: dict[int, str] = {}
    if "field" in own:
        wanted = {int(v) for v in (current.get("field"), after.get("field")) if v not in ("", None)}
        fields = dict(Field.objects.filter(pk__in=wanted).values_list("pk", "name"))
    labels = {**FIELD_LABELS, **(TASK_LABELS if proposal.subject == SUBJECT.TASK else {})}
    rows = []
    for name in keys:
        old = _show(name, current.get(name), names, fields)
        new = _show(name, after.get(name), names, fields)
        rows.append({"label": str(labels[name]), "before": old, "after": new,
                     "differs": old != new})  # fmt: skip
    return rows


def version_in_force(plan: Plan, at: Any) -> PlanVersion | None:
    """The version of the plan in force at a moment (None: before it was issued)."""
    return plan.versions.filter(created_at__lte=at).order_by("-number").first()
