"""Pages of change proposals and plan versions. Access: ``theodoi.permissions.proposals``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.core.workflow import TransitionRefused
from theodoi.permissions.plans import access_plan, access_task, access_work_item
from theodoi.permissions.proposals import (
    access_proposal,
    access_version,
    answerable,
    own_units,
    proposing_unit,
    visible_proposals,
    visible_versions,
)

from .forms_proposals import AnswerForm, DecideForm, ProposalForm
from .models import Assignment, ChangeProposal, Plan, Task, WorkItem
from .proposals import (
    StaleProposal,
    current_version,
    do_answer,
    do_decide,
    do_issue_plan,
    do_propose,
    in_force,
    proposal_diff,
    task_values,
    work_item_values,
)
from .scope import plan_units


def _proposals() -> Any:
    return ChangeProposal.objects.select_related(
        "unit", "proposed_by", "decided_by", "result_version", "work_item", "task"
    )


@login_required
def proposal_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    proposals = visible_proposals(request.user, _proposals().filter(plan=plan))
    return render(
        request,
        "plans/proposals.html",
        {
            "plan": plan,
            "proposals": proposals,
            "can_propose": request.user.has_perm("plans.propose_plan", plan),
        },
    )


def _proposable_tasks(request: HttpRequest, plan: Plan) -> list[Task]:
    """Tasks the user may propose changes to: all for coordinators, else those whose
    every work item not cancelled its unit leads."""
    tasks = list(plan.tasks.select_related("field").order_by("position", "pk"))
    if request.user.has_perm("plans.decide_changeproposal", ChangeProposal(plan=plan)):
        return tasks
    mine = set(own_units(request.user))
    leads: dict[int, list[set[int]]] = {}
    for item in WorkItem.objects.filter(task__plan=plan).prefetch_related("assignments"):
        values = [a for a in item.assignments.all() if a.role == "lead"]
        if values and not all(a.status == "cancelled" for a in values):
            leads.setdefault(item.task_id, []).append({a.unit_id for a in values})
    return [t for t in tasks if leads.get(t.pk) and mine & set.intersection(*leads[t.pk])]


def _proposable_items(request: HttpRequest, plan: Plan) -> list[WorkItem]:
    """Work items the user may propose changes to: all for coordinators, else those it leads."""
    items = WorkItem.objects.filter(task__plan=plan).select_related("task")
    if not request.user.has_perm("plans.decide_changeproposal", ChangeProposal(plan=plan)):
        items = items.filter(
            assignments__unit_id__in=list(own_units(request.user)), assignments__role="lead"
        ).distinct()
    return list(items.order_by("task__position", "task_id", "position", "pk"))


@login_required
def proposal_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a change; ``?work_item=&kind=`` pre-fills it (from a report's entry)."""
    plan = access_plan(request.user, pk, "propose")
    subject = request.POST.get("subject") or request.GET.get("subject")
    if subject == ChangeProposal.Subject.TASK:
        return _task_proposal_new(request, plan)
    items = _proposable_items(request, plan)
    tasks = list(plan.tasks.order_by("position", "pk"))
    initial: dict[str, Any] = {"kind": request.GET.get("kind", "change")}
    chosen = request.GET.get("work_item") or request.POST.get("work_item")
    item = None
    if chosen:
        item = access_work_item(
            request.user,
            chosen,
            queryset=WorkItem.objects.select_related("task__plan").prefetch_related(
                "assignments__unit"
            ),
        )
        if item.task.plan_id != plan.pk:
            raise Http404
        values = work_item_values(item)
        initial.update(
            work_item=str(item.pk),
            number=item.number,
            title=item.title,
            expected_output=item.expected_output,
            start=item.start,
            end=item.end,
            leads=[str(x) for x in values["leads"]],
            coordinating=[str(x) for x in values["coordinating"]],
        )
        if request.GET.get("reason"):
            initial["reason"] = request.GET["reason"][:4000]
    keep = [a.unit_id for a in item.assignments.all()] if item else []
    units = list(plan_units(plan, keep=keep))
    form = ProposalForm(
        request.POST or None, initial=initial, work_items=items, tasks=tasks, units=units
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        task = None
        if data.get("task"):
            task = next((t for t in tasks if str(t.pk) == data["task"]), None)
        by_id = {u.pk: u for u in units}
        leads = [int(x) for x in data.get("leads") or []]
        values = {
            "number": data.get("number", ""),
            "title": data.get("title", ""),
            "expected_output": data.get("expected_output", ""),
            "start": data["start"].isoformat() if data.get("start") else None,
            "end": data["end"].isoformat() if data.get("end") else None,
            "leads": leads,
            "coordinating": [int(x) for x in data.get("coordinating") or []],
        }
        # A field left empty keeps the work item's value.
        values = {k: v for k, v in values.items() if v not in ("", None, [])}

        def propose() -> ChangeProposal:
            unit = proposing_unit(request.user, plan, item, leads=leads)
            return do_propose(
                plan,
                unit=unit,
                by=request.user,
                kind=data["kind"],
                reason=data["reason"],
                effective_from=data["effective_from"],
                work_item=item,
                task=task,
                values=values,
                units=by_id,
            )

        sent = _sent(request, form, propose)
        if sent is not None:
            return sent
    return render(request, "plans/proposal_form.html", {"plan": plan, "form": form, "item": item})


def _task_proposal_new(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Propose to add, change, postpone or cancel a task (``?task=`` pre-fills it)."""
    user = request.user
    tasks = _proposable_tasks(request, plan)
    initial: dict[str, Any] = {"kind": request.GET.get("kind", "change")}
    chosen = request.GET.get("task") or request.POST.get("task")
    task = None
    if chosen:
        task = access_task(user, chosen)
        if task.plan_id != plan.pk:
            raise Http404
        values = task_values(task)
        initial.update(
            task=str(task.pk), number=task.number, title=task.title,
            description=task.description, field=str(task.field_id),
            end=date.fromisoformat(values["end"]) if values["end"] else None,
            leads=[str(x) for x in values["leads"]],
            coordinating=[str(x) for x in values["coordinating"]],
        )  # fmt: skip
    keep = list(Assignment.objects.filter(work_item__task=task).values_list("unit_id", flat=True))
    units = list(plan_units(plan, keep=keep))
    if task is not None and task not in tasks:
        tasks = [task, *tasks]
    form = ProposalForm(
        request.POST or None, initial=initial, work_items=[], tasks=tasks, units=units,
        subject=ChangeProposal.Subject.TASK, fields=list(plan.fields.order_by("position", "pk")),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        leads = [int(x) for x in data.get("leads") or []]
        values = {
            "number": data.get("number", ""),
            "title": data.get("title", ""),
            "description": data.get("description", ""),
            "field": int(data["field"]) if data.get("field") else None,
            "end": data["end"].isoformat() if data.get("end") else None,
            "leads": leads,
            "coordinating": [int(x) for x in data.get("coordinating") or []],
        }
        values = {k: v for k, v in values.items() if v not in ("", None, [])}
        if task is not None and data["kind"] == "change":
            # A change may empty the description or the coordinating units.
            values.setdefault("description", "")
            values.setdefault("coordinating", [])

        def propose() -> ChangeProposal:
            unit = proposing_unit(user, plan, leads=leads, task=task)
            return do_propose(
                plan, unit=unit, by=user, kind=data["kind"], reason=data["reason"],
                effective_from=data["effective_from"], task=task, values=values,
                units={u.pk: u for u in units}, subject=ChangeProposal.Subject.TASK,
            )  # fmt: skip

        sent = _sent(request, form, propose)
        if sent is not None:
            return sent
    return render(
        request, "plans/proposal_form.html",
        {"plan": plan, "form": form, "item": None, "task": task, "subject": "task"},
        status=400 if form.errors else 200,
    )  # fmt: skip


def _in_force(proposal: ChangeProposal) -> dict[str, Any] | None:
    return in_force(proposal)


def _proposal_page(
    request: HttpRequest,
    proposal: ChangeProposal,
    *,
    answer_form: AnswerForm | None = None,
    decide_form: DecideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_decide = user.has_perm("plans.decide_changeproposal", proposal)
    mine = answerable(user, proposal)
    if decide_form is None and can_decide:
        decide_form = DecideForm(initial={"version": proposal.version})
    if answer_form is None and mine:
        answer_form = AnswerForm()
    # An approved proposal reads against what it replaced; an open one against the plan now.
    in_force = proposal.before if proposal.state == "approved" else _in_force(proposal)
    return render(
        request,
        "plans/proposal.html",
        {
            "proposal": proposal,
            "plan": proposal.plan,
            "diff": proposal_diff(proposal, in_force),
            "consultations": list(proposal.consultations.all()),
            "mine": mine,
            "answer_form": answer_form,
            "can_decide": can_decide and proposal.state == "submitted",
            "decide_form": decide_form,
        },
        status=status,
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _proposal_page(request, access_proposal(request.user, pk))


@login_required
@require_POST
def proposal_answer(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = access_proposal(request.user, pk, "answer")
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            do_answer(
                answerable(request.user, proposal)[0],
                by=request.user,
                answer=form.cleaned_data["answer"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Your unit's answer is recorded."))
            return redirect(proposal)
    return _proposal_page(request, proposal, answer_form=form, status=422)


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = access_proposal(request.user, pk, "decide")
    form = DecideForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    if form.is_valid():
        try:
            do_decide(
                proposal,
                by=request.user,
                approve=approve,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except StaleProposal:
            proposal = access_proposal(request.user, pk)
            form = DecideForm(initial={"version": proposal.version})
            form.add_error(
                None,
                _(
                    "The proposal or its work item changed since you read it: "
                    "read it again as it is now, then decide."
                ),
            )
            return _proposal_page(request, proposal, decide_form=form, status=409)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(
                request, _("Proposal approved: the plan has a new version.") if approve
                else _("Proposal rejected.")
            )  # fmt: skip
            return redirect(proposal)
    return _proposal_page(request, proposal, decide_form=form, status=422)


@login_required
def version_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    versions = visible_versions(
        request.user,
        plan.versions.select_related("approved_by", "decision", "proposal__unit")
        .defer("snapshot")
        .order_by("-number"),
    )
    return render(
        request,
        "plans/versions.html",
        {
            "plan": plan,
            "versions": versions,
            "can_issue": request.user.has_perm("plans.issue_plan", plan),
        },
    )


@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    version = access_version(request.user, plan, number)
    tasks = version.snapshot.get("tasks", {})
    rows: dict[str, list[dict[str, Any]]] = {}
    for item in version.snapshot.get("work_items", {}).values():
        names = item.get("unit_names", {})
        rows.setdefault(str(item.get("task")), []).append(
            {
                **item,
                "start": date.fromisoformat(item["start"]) if item.get("start") else None,
                "end": date.fromisoformat(item["end"]) if item.get("end") else None,
                "lead_names": [names.get(str(x), str(x)) for x in item.get("leads", [])],
                "coordinating_names": [
                    names.get(str(x), str(x)) for x in item.get("coordinating", [])
                ],
            }
        )
    by_task = [{"task": task, "items": rows.get(task_id, [])} for task_id, task in tasks.items()]
    latest = current_version(plan)
    return render(
        request,
        "plans/version.html",
        {
            "plan": plan,
            "version": version,
            "by_task": by_task,
            "is_current": latest is not None and latest.number == version.number,
        },
    )


@login_required
@require_POST
def plan_issue(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, "issue")
    try:
        do_issue_plan(plan, by=request.user)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _(
                "The plan is issued: from now on it changes by change proposals, "
                "or by a decision of the issuing body."
            ),
        )
    return redirect("plans:versions", plan.pk)


def _sent(
    request: HttpRequest, form: Any, propose: Callable[[], ChangeProposal]
) -> HttpResponse | None:
    """Send a proposal; None on a refusal, with the reasons at their fields."""
    try:
        proposal = propose()
    except PermissionDenied as denied:
        form.add_error(None, str(denied))
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
    else:
        messages.success(request, _("Proposal sent."))
        return redirect(proposal)
    return None
