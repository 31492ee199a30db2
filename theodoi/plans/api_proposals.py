"""The API of change proposals and plan versions.

A plan or proposal outside the caller's reach is 404; one it sees but may not
act on is 403 (a unit proposing for work it does not lead, a unit answering a
consultation it was not asked, anyone but the plan's coordinators deciding).
Deciding sends the proposal's ``version``: a stale one is 409 with the
proposal as it is now.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from theodoi import permissions
from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    MAX_ID,
    WRITE_ERRORS,
    Id,
    IsoDate,
    ObjectIn,
    Pagination,
    ShortText,
    StaleOut,
    Text,
    UnitRef,
    paginate,
)
from theodoi.core.workflow import TransitionRefused
from theodoi.permissions.plans import access_plan, access_task, access_work_item
from theodoi.permissions.proposals import (
    access_proposal,
    answerable,
    proposing_unit,
    visible_proposals,
    visible_versions,
)
from theodoi.units.models import Unit

from .models import Assignment, ChangeProposal, PlanVersion, WorkItem
from .proposals import (
    StaleProposal,
    do_answer,
    do_decide,
    do_issue_plan,
    do_propose,
    fields_of,
    in_force,
    proposal_diff,
    work_item_values,
)

router = Router(tags=["proposals"])


class ConsultationOut(Schema):
    unit: UnitRef
    answer: str
    comment: str
    answered_at: datetime | None


class DiffRow(Schema):
    label: str
    before: str
    after: str
    differs: bool


class ProposalOut(Schema):
    id: int
    plan: int = Field(..., alias="plan_id")
    subject: str = Field(..., description="work_item or task")
    kind: str
    state: str
    work_item: int | None = Field(None, alias="work_item_id")
    task: int | None = Field(None, alias="task_id")
    unit: UnitRef
    proposed_by: str
    values: dict[str, Any]
    before: dict[str, Any]
    reason: str
    effective_from: date
    base_version: int
    version: int
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str
    result_version: int | None
    consultations: list[ConsultationOut]

    @staticmethod
    def resolve_proposed_by(obj: ChangeProposal) -> str:
        return obj.proposed_by.username

    @staticmethod
    def resolve_decided_by(obj: ChangeProposal) -> str | None:
        return obj.decided_by.username if obj.decided_by_id else None

    @staticmethod
    def resolve_result_version(obj: ChangeProposal) -> int | None:
        return obj.result_version.number if obj.result_version_id else None

    @staticmethod
    def resolve_consultations(obj: ChangeProposal) -> list[Any]:
        return list(obj.consultations.all())


class ProposalDetailOut(ProposalOut):
    diff: list[DiffRow]


class ProposalStaleOut(StaleOut):
    current: ProposalOut | None = None  # type: ignore[assignment]


class VersionOut(Schema):
    number: int
    created_at: datetime
    summary: str
    proposal: int | None = Field(None, alias="proposal_id")
    decision: str | None
    approved_by: str | None

    @staticmethod
    def resolve_decision(obj: PlanVersion) -> str | None:
        return str(obj.decision) if obj.decision_id else None

    @staticmethod
    def resolve_approved_by(obj: PlanVersion) -> str | None:
        return obj.approved_by.username if obj.approved_by_id else None


class ProposalIn(ObjectIn):
    """``subject`` "task": ``task`` is the task changed, postponed or cancelled (none to
    add one: ``field``, ``title``, ``end`` and ``leads`` give it and its first work item)."""

    subject: Literal["work_item", "task"] = "work_item"
    kind: Literal["add", "change", "postpone", "cancel"]
    work_item: Id | None = None
    task: Id | None = None
    description: Text | None = None
    field: Id | None = None
    reason: Text
    effective_from: IsoDate
    number: ShortText | None = None
    title: ShortText | None = None
    expected_output: ShortText | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None
    leads: list[Id] | None = Field(None, max_length=200)
    coordinating: list[Id] | None = Field(None, max_length=200)


class AnswerIn(ObjectIn):
    answer: Literal["agree", "disagree"]
    comment: Text = ""


class DecideIn(ObjectIn):
    decision: Literal["approve", "reject"]
    reason: Text = Field(..., max_length=2000)
    version: int = Field(..., ge=1, le=MAX_ID)


def _proposals() -> QuerySet[ChangeProposal]:
    return ChangeProposal.objects.select_related(
        "unit", "proposed_by", "decided_by", "result_version", "plan__owner", "plan__issuer"
    ).prefetch_related("consultations__unit")


def _detail(proposal: ChangeProposal) -> ChangeProposal:
    proposal.diff = proposal_diff(proposal, in_force(proposal))  # type: ignore[attr-defined]
    return proposal


@router.get(
    "/plans/{id}/proposals",
    response={200: list[ProposalOut], **LIST_ERRORS, 404: ERRORS[404]},
    summary="Change proposals of a plan, newest first",
)
@paginate(Pagination)
def list_proposals(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    plan = access_plan(request.auth, id)
    return visible_proposals(request.auth, _proposals().filter(plan=plan))


@router.post(
    "/plans/{id}/proposals",
    response={201: ProposalDetailOut, **WRITE_ERRORS},
    summary="Propose to add, change, postpone or cancel a work item or task your unit leads",
)
def create_proposal(
    request: HttpRequest, payload: ProposalIn, id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    user = request.auth
    plan = access_plan(user, id, "propose")
    errors: dict[str, str] = {}
    work_item = task = None
    if payload.work_item is not None:
        try:
            work_item = access_work_item(
                user,
                payload.work_item,
                queryset=WorkItem.objects.select_related("task__plan").prefetch_related(
                    "assignments"
                ),
            )
        except Http404:
            errors["work_item"] = _("Unknown work item: %(id)s.") % {"id": payload.work_item}
    if payload.task is not None:
        try:
            task = access_task(user, payload.task)
        except Http404:
            errors["task"] = _("Unknown task: %(id)s.") % {"id": payload.task}
    subject_task = payload.subject == ChangeProposal.Subject.TASK
    ids = [*(payload.leads or []), *(payload.coordinating or [])]
    units = permissions.visible_units(user, Unit.objects.filter(pk__in=ids)).in_bulk()
    keep: set[int] = set()
    if work_item is not None:
        keep = {a.unit_id for a in work_item.assignments.all()}
    if subject_task and task is not None:
        keep = set(
            Assignment.objects.filter(work_item__task=task).values_list("unit_id", flat=True)
        )
    unknown = [str(pk) for pk in dict.fromkeys(ids) if pk not in units and pk not in keep]
    if unknown:
        errors["leads"] = _("Unknown unit: %(ids)s.") % {"ids": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)
    unit = proposing_unit(
        user, plan, work_item, leads=payload.leads or (), task=task if subject_task else None
    )
    values = payload.model_dump(
        include=set(fields_of(payload.subject)), exclude_none=True, mode="json"
    )
    proposal = do_propose(
        plan,
        unit=unit,
        by=user,
        kind=payload.kind,
        reason=payload.reason,
        effective_from=payload.effective_from,
        work_item=work_item,
        task=task,
        values=values,
        units=units,
        subject=payload.subject,
    )
    return Status(201, _detail(_proposals().get(pk=proposal.pk)))


@router.get(
    "/proposals/{id}",
    response={200: ProposalDetailOut, **ERRORS},
    summary="A change proposal with its diff against the plan in force",
)
def get_proposal(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    return _detail(access_proposal(request.auth, id, queryset=_proposals()))


@router.post(
    "/proposals/{id}/answer",
    response={200: ProposalDetailOut, **WRITE_ERRORS},
    summary="Agree or disagree with a proposal your unit is consulted on",
)
def answer_proposal(
    request: HttpRequest, payload: AnswerIn, id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    user = request.auth
    proposal = access_proposal(user, id)
    mine = answerable(user, proposal)
    if not mine:
        if proposal.state != ChangeProposal.State.CONSULTING:
            raise ValidationError({"__all__": _("This proposal no longer awaits opinions.")})
        raise PermissionDenied(_("Your unit is not asked about this proposal."))
    try:
        do_answer(mine[0], by=user, answer=payload.answer, comment=payload.comment)
    except TransitionRefused as refused:
        raise ValidationError({"__all__": str(refused)}) from None
    return _detail(_proposals().get(pk=proposal.pk))


@router.post(
    "/proposals/{id}/decide",
    response={**WRITE_ERRORS, 200: ProposalDetailOut, 409: ProposalStaleOut},
    summary="Approve or reject a proposal, with a reason (the plan's coordinators)",
)
def decide_proposal(
    request: HttpRequest, payload: DecideIn, id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    user = request.auth
    try:
        proposal = access_proposal(user, id, "decide")
    except PermissionDenied:
        raise PermissionDenied(_("Only the plan's coordinators decide on proposals.")) from None
    try:
        do_decide(
            proposal,
            by=user,
            approve=payload.decision == "approve",
            reason=payload.reason,
            version=payload.version,
        )
    except StaleProposal:
        return Status(
            409,
            {
                "message": _(
                    "The proposal or its work item changed since you read it: here it is now."
                ),
                "fields": {"version": _("Reload the proposal and decide again.")},
                "current": _proposals().get(pk=proposal.pk),
            },
        )
    except TransitionRefused as refused:
        raise ValidationError({"__all__": str(refused)}) from None
    return _detail(_proposals().get(pk=proposal.pk))


@router.get(
    "/plans/{id}/versions",
    response={200: list[VersionOut], **LIST_ERRORS, 404: ERRORS[404]},
    summary="The versions of a plan: what changed, when, on whose proposal, approved by whom",
)
@paginate(Pagination)
def list_versions(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    plan = access_plan(request.auth, id)
    return visible_versions(
        request.auth,
        PlanVersion.objects.filter(plan=plan)
        .select_related("decision", "approved_by")
        .defer("snapshot")
        .order_by("-number"),
    )


@router.post(
    "/plans/{id}/issue",
    response={201: VersionOut, **WRITE_ERRORS},
    summary="Issue the plan: version 1, after which it changes by proposal or decision",
)
def issue_plan(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    user = request.auth
    plan = access_plan(user, id)
    if not user.has_perm("plans.issue_plan", plan):
        if user.has_perm("plans.amend_plan", plan):
            raise ValidationError({"__all__": _("This plan is already issued.")})
        raise PermissionDenied(_("Only the plan's coordinators issue it."))
    return Status(201, do_issue_plan(plan, by=user))


# Amending an issued plan's work item with a decision of the issuing body ------------------


class AmendIn(ObjectIn):
    """Send ``version`` as read; fields left out keep their values."""

    decision_number: ShortText = Field(..., max_length=60)
    decision_date: IsoDate
    decision_reason: Text = Field(..., max_length=2000)
    version: int = Field(..., ge=1, le=MAX_ID)
    number: ShortText | None = Field(None, max_length=20)
    title: ShortText | None = None
    expected_output: ShortText | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None
    leads: list[Id] | None = Field(None, max_length=200)
    coordinating: list[Id] | None = Field(None, max_length=200)
    reason: Text = Field("", max_length=100, description="Kept in the history.")


class AmendOut(Schema):
    work_item: int
    version: int
    plan_version: int
    decision: str


@router.post(
    "/work-items/{id}/amend",
    response={200: AmendOut, **WRITE_ERRORS},
    summary="Change a work item of an issued plan by a decision of the issuing body "
    "(the plan's coordinators)",
)
def amend_work_item(
    request: HttpRequest, payload: AmendIn, id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    from django.db import transaction

    from .actions import StaleVersion, WorkItemData, do_update_work_item
    from .proposals import do_record_decision, record_amended_version

    user = request.auth
    queryset = WorkItem.objects.select_related("task__plan__programme").prefetch_related(
        "assignments__unit"
    )
    try:
        item = access_work_item(user, id, "amend", queryset=queryset)
    except PermissionDenied:
        raise PermissionDenied(
            _("Only the coordinators of an issued plan amend its work items by a decision.")
        ) from None
    given = payload.model_fields_set
    current = work_item_values(item)
    ids = [*(payload.leads or []), *(payload.coordinating or [])]
    units = permissions.visible_units(user, Unit.objects.filter(pk__in=ids)).in_bulk()
    units.update({a.unit_id: a.unit for a in item.assignments.all()})
    unknown = [str(pk) for pk in dict.fromkeys(ids) if pk not in units]
    if unknown:
        raise ValidationError({"leads": _("Unknown unit: %(ids)s.") % {"ids": ", ".join(unknown)}})

    def pick(name: str) -> Any:
        value = getattr(payload, name)
        return value if name in given and value is not None else getattr(item, name)

    def chosen(name: str) -> list[Unit]:
        wanted = getattr(payload, name) if name in given else None
        return [units[pk] for pk in (wanted if wanted is not None else current[name])]

    data = WorkItemData(
        title=pick("title"),
        start=pick("start"),
        end=pick("end"),
        number=pick("number"),
        expected_output=pick("expected_output"),
        coordination_note=item.coordination_note,
        leads=chosen("leads"),
        coordinating=chosen("coordinating"),
    )
    plan = item.task.plan
    try:
        with transaction.atomic():
            do_update_work_item(item, data, version=payload.version, by=user, reason=payload.reason)
            decision = do_record_decision(
                programme=plan.programme,
                plan=plan,
                action="change",
                target=str(item),
                number=payload.decision_number,
                decided_on=payload.decision_date,
                reason=payload.decision_reason,
                by=user,
            )
            version = record_amended_version(plan, decision, by=user)
    except StaleVersion as stale:
        return Status(
            409,
            {
                "message": _("Someone else saved this work item first."),
                "fields": {"version": _("Reload the work item and apply your change again.")},
                "current": {"version": stale.current.version},
            },
        )
    item.refresh_from_db(fields=["version"])
    return {
        "work_item": item.pk,
        "version": item.version,
        "plan_version": version.number,
        "decision": str(decision),
    }
