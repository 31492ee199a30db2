"""Edit pages for what a coordinator owns: programme, plan, fields, tasks, work items."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from theodoi import permissions
from theodoi.permissions.plans import (
    access_field,
    access_indicator,
    access_objective,
    access_plan,
    access_programme,
    access_task,
    access_work_item,
    coordinated_units,
)
from theodoi.units.models import Unit

from .actions import (
    StaleVersion,
    do_create_work_item,
    do_delete_work_items,
    do_update_work_item,
)
from .forms import (
    DeleteForm,
    FieldForm,
    IndicatorForm,
    ObjectiveForm,
    PlanForm,
    ProgrammeForm,
    TaskForm,
    WorkItemForm,
)
from .forms_proposals import DecisionForm
from .models import Field, Indicator, LegalDocument, Objective, Plan, Task, WorkItem
from .proposals import do_record_decision, record_amended_version
from .scope import plan_units

EDITABLE_KINDS = [k for k in Unit.Kind.values if k not in ("commune", "village")]


def _edit_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    cancel: str,
    crumbs: list[tuple[str, str]],
    status: int = 200,
    decision_form: DecisionForm | None = None,
    **extra: Any,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "cancel": cancel,
        "crumbs": crumbs,
        "decision_form": decision_form,
        **extra,
    }
    return render(request, "plans/edit.html", context, status=status)


# begin proposals
# Once issued, a plan's tasks and work items (and its programme's objectives and
# indicators) change only with a decision of the issuing body: the access layer
# refuses "change"/"delete"/"add_*" and allows "amend", and the page asks for the
# decision (number, date, reason), recorded with the change and a new version.


def _for_edit(request: HttpRequest, access: Any, pk: Any, action: str) -> tuple[Any, Any]:
    """(object, decision form or None): the form when the object is locked."""
    try:
        return access(request.user, pk, action), None
    except PermissionDenied:
        obj = access(request.user, pk, "amend")
        return obj, DecisionForm(request.POST or None, prefix="decision")


def _decision_ok(decision_form: DecisionForm | None) -> bool:
    return decision_form is None or decision_form.is_valid()


def _amend(
    request: HttpRequest,
    decision_form: DecisionForm | None,
    *,
    programme: Any,
    plan: Plan | None,
    action: str,
    target: str,
) -> None:
    """Record the decision (and the plan's new version) after a change to a locked object."""
    if decision_form is None:
        return
    data = decision_form.cleaned_data
    decision = do_record_decision(
        programme=programme,
        plan=plan,
        action=action,
        target=target,
        number=data["decision_number"],
        decided_on=data["decision_date"],
        reason=data["decision_reason"],
        by=request.user,
    )
    if plan is not None:
        record_amended_version(plan, decision, by=request.user)


# end proposals


def _save_with_reason(form: Any, *, extra: dict[str, Any] | None = None) -> Any:
    """Save a plain CRUD ModelForm, recording the reason in the history."""
    obj = form.save(commit=False)
    for name, value in (extra or {}).items():
        setattr(obj, name, value)
    obj._change_reason = form.cleaned_data.get("reason", "")
    obj.save()
    form.save_m2m()
    return obj


def _delete_page(
    request: HttpRequest,
    obj: models.Model,
    *,
    cancel: str,
    done: str,
    crumbs: list[tuple[str, str]],
    consequences: list[str] | None = None,
    work_items: list[WorkItem] | None = None,
    decision_form: DecisionForm | None = None,
    programme: Any = None,
    plan: Plan | None = None,
) -> HttpResponse:
    """Confirm, then delete ``obj`` recording the required reason.

    ``work_items`` deleted with it are deleted first, one by one, so their
    assignments' history records the reason too.
    """
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _decision_ok(decision_form):
        reason = form.cleaned_data["reason"]
        obj._change_reason = reason  # type: ignore[attr-defined]
        target = str(obj)
        try:
            with transaction.atomic():
                if work_items:
                    do_delete_work_items(work_items, by=request.user, reason=reason)
                if obj.pk is not None:
                    obj.delete()
                _amend(
                    request, decision_form, programme=programme, plan=plan,
                    action="delete", target=target,
                )  # fmt: skip
        except ProtectedError:
            form.add_error(None, _("This cannot be deleted while other records depend on it."))
        else:
            messages.success(request, _("Deleted: %(obj)s") % {"obj": obj})
            return redirect(done)
    context = {
        "form": form,
        "obj": obj,
        "cancel": cancel,
        "crumbs": crumbs,
        "consequences": consequences or [],
        "decision_form": decision_form,
    }
    return render(request, "plans/delete.html", context)


# Programme ------------------------------------------------------------------


def _within(parent_id: int, child_parent_id: int) -> None:
    """A child named under another parent's URL does not exist there."""
    if parent_id != child_parent_id:
        raise Http404


@login_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access_programme(request.user, pk, "change")
    form = ProgrammeForm(request.POST or None, instance=programme)
    form.fields["issuer"].queryset = permissions.visible_units(
        request.user, Unit.objects.of_kind(*EDITABLE_KINDS)
    ) | Unit.objects.filter(pk=programme.issuer_id)
    if request.method == "POST" and form.is_valid():
        _save_with_reason(form)
        messages.success(request, _("Saved."))
        return redirect(programme)
    url = programme.get_absolute_url()
    return _edit_page(
        request,
        form,
        title=_("Edit programme %(code)s") % {"code": programme.code},
        cancel=url,
        crumbs=[(url, programme.code)],
    )


@login_required
def objective_edit(request: HttpRequest, pk: int, objective_id: int | None = None) -> HttpResponse:
    if objective_id:
        objective, decision = _for_edit(request, access_objective, objective_id, "change")
        _within(pk, objective.programme_id)
        programme = objective.programme
    else:
        programme, decision = _for_edit(request, access_programme, pk, "add_objective")
        objective = Objective(programme=programme, position=programme.objectives.count() + 1)
    form = ObjectiveForm(request.POST or None, instance=objective)
    if request.method == "POST" and form.is_valid() and _decision_ok(decision):
        with transaction.atomic():
            saved = _save_with_reason(form)
            _amend(
                request, decision, programme=programme, plan=None,
                action="change" if objective_id else "add", target=str(saved),
            )  # fmt: skip
        messages.success(request, _("Saved."))
        return redirect(programme)
    url = programme.get_absolute_url()
    title = _("Edit objective") if objective_id else _("New objective")
    return _edit_page(
        request, form, title=title, cancel=url, crumbs=[(url, programme.code)],
        decision_form=decision,
    )  # fmt: skip


@login_required
def objective_delete(request: HttpRequest, pk: int, objective_id: int) -> HttpResponse:
    objective, decision = _for_edit(request, access_objective, objective_id, "delete")
    _within(pk, objective.programme_id)
    programme = objective.programme
    url = programme.get_absolute_url()
    return _delete_page(
        request, objective, cancel=url, done=url, crumbs=[(url, programme.code)],
        decision_form=decision, programme=programme,
    )  # fmt: skip


@login_required
def indicator_edit(
    request: HttpRequest, pk: int, objective_id: int, indicator_id: int | None = None
) -> HttpResponse:
    if indicator_id:
        indicator, decision = _for_edit(request, access_indicator, indicator_id, "change")
        _within(objective_id, indicator.objective_id)
        objective = indicator.objective
    else:
        objective, decision = _for_edit(request, access_objective, objective_id, "add_indicator")
        indicator = Indicator(objective=objective)
    _within(pk, objective.programme_id)
    programme = objective.programme
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid() and _decision_ok(decision):
        with transaction.atomic():
            saved = _save_with_reason(form)
            _amend(
                request, decision, programme=programme, plan=None,
                action="change" if indicator_id else "add", target=str(saved),
            )  # fmt: skip
        messages.success(request, _("Saved."))
        return redirect(programme)
    url = programme.get_absolute_url()
    title = _("Edit indicator") if indicator_id else _("New indicator")
    return _edit_page(
        request, form, title=title, cancel=url, crumbs=[(url, programme.code)],
        decision_form=decision,
    )  # fmt: skip


@login_required
def indicator_delete(
    request: HttpRequest, pk: int, objective_id: int, indicator_id: int
) -> HttpResponse:
    indicator, decision = _for_edit(request, access_indicator, indicator_id, "delete")
    _within(objective_id, indicator.objective_id)
    _within(pk, indicator.objective.programme_id)
    programme = indicator.objective.programme
    url = programme.get_absolute_url()
    return _delete_page(
        request, indicator, cancel=url, done=url, crumbs=[(url, programme.code)],
        decision_form=decision, programme=programme,
    )  # fmt: skip


# Plan -----------------------------------------------------------------------


def _plan_form(request: HttpRequest, plan: Plan) -> PlanForm:
    reach = permissions.visible_units(request.user, Unit.objects.of_kind(*EDITABLE_KINDS))
    owners = coordinated_units(request.user, Unit.objects.of_kind(*EDITABLE_KINDS))
    keep = [pk for pk in (plan.issuer_id, plan.owner_id) if pk]
    issuers = (reach | Unit.objects.filter(pk__in=keep)).distinct()
    owners = (owners | Unit.objects.filter(pk__in=keep)).distinct()
    return PlanForm(request.POST or None, instance=plan, issuers=issuers, owners=owners)


def _save_plan(form: PlanForm) -> Plan:
    with transaction.atomic():
        plan = _save_with_reason(form)
        for number, issued_on, title in form.cleaned_data["new_legal_bases"]:
            doc, _created = LegalDocument.objects.get_or_create(
                number=number, issued_on=issued_on, defaults={"title": title}
            )
            plan.legal_bases.add(doc)
    return plan


@login_required
def plan_create(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access_programme(request.user, programme_id, "add_plan")
    plan = Plan(programme=programme, year=programme.start_year)
    form = _plan_form(request, plan)
    if request.method == "POST" and form.is_valid():
        plan = _save_plan(form)
        messages.success(request, _("Plan created."))
        return redirect(plan)
    url = programme.get_absolute_url()
    return _edit_page(
        request, form, title=_("New plan"), cancel=url, crumbs=[(url, programme.code)]
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, "change")
    form = _plan_form(request, plan)
    if request.method == "POST" and form.is_valid():
        _save_plan(form)
        messages.success(request, _("Saved."))
        return redirect(plan)
    url = plan.get_absolute_url()
    return _edit_page(
        request,
        form,
        title=_("Edit plan %(number)s") % {"number": plan.number},
        cancel=url,
        crumbs=[(url, plan.number)],
    )


# Fields and tasks -----------------------------------------------------------


@login_required
def field_edit(request: HttpRequest, pk: int, field_id: int | None = None) -> HttpResponse:
    if field_id:
        field, decision = _for_edit(request, access_field, field_id, "change")
        _within(pk, field.plan_id)
        plan = field.plan
    else:
        plan, decision = _for_edit(request, access_plan, pk, "add_field")
        field = Field(plan=plan, position=plan.fields.count() + 1)
    form = FieldForm(request.POST or None, instance=field)
    if request.method == "POST" and form.is_valid() and _decision_ok(decision):
        with transaction.atomic():
            saved = _save_with_reason(form)
            _amend(
                request, decision, programme=plan.programme, plan=plan,
                action="change" if field_id else "add", target=str(saved),
            )  # fmt: skip
        messages.success(request, _("Saved."))
        return redirect(plan)
    url = plan.get_absolute_url()
    title = _("Edit field") if field_id else _("New field")
    return _edit_page(
        request, form, title=title, cancel=url, crumbs=[(url, plan.number)],
        decision_form=decision,
    )  # fmt: skip


@login_required
def field_delete(request: HttpRequest, pk: int, field_id: int) -> HttpResponse:
    field, decision = _for_edit(request, access_field, field_id, "delete")
    _within(pk, field.plan_id)
    plan = field.plan
    url = plan.get_absolute_url()
    consequences = []
    if field.tasks.exists():
        consequences.append(_("This field still has tasks: move or delete them first."))
    return _delete_page(
        request,
        field,
        cancel=url,
        done=url,
        crumbs=[(url, plan.number)],
        consequences=consequences,
        decision_form=decision,
        programme=plan.programme,
        plan=plan,
    )


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan, decision = _for_edit(request, access_plan, pk, "add_task")
    task = Task(plan=plan, position=plan.tasks.count() + 1)
    form = TaskForm(
        request.POST or None, instance=task, initial={"field": request.GET.get("field")}
    )
    if not plan.fields.exists():
        messages.info(request, _("Add a field first: every task belongs to a field."))
        return redirect("plans:field-new", plan.pk)
    if request.method == "POST" and form.is_valid() and _decision_ok(decision):
        with transaction.atomic():
            task = _save_with_reason(form)
            _amend(
                request, decision, programme=plan.programme, plan=plan,
                action="add", target=str(task),
            )  # fmt: skip
        messages.success(request, _("Task created."))
        return redirect(task)
    url = plan.get_absolute_url()
    return _edit_page(
        request, form, title=_("New task"), cancel=url, crumbs=[(url, plan.number)],
        decision_form=decision,
    )  # fmt: skip


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task, decision = _for_edit(request, access_task, pk, "change")
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid() and _decision_ok(decision):
        with transaction.atomic():
            _save_with_reason(form)
            _amend(
                request, decision, programme=task.plan.programme, plan=task.plan,
                action="change", target=str(task),
            )  # fmt: skip
        messages.success(request, _("Saved."))
        return redirect(task)
    url = task.get_absolute_url()
    return _edit_page(
        request,
        form,
        title=_("Edit task"),
        cancel=url,
        crumbs=[(task.plan.get_absolute_url(), task.plan.number), (url, str(task))],
        decision_form=decision,
    )


@login_required
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task, decision = _for_edit(request, access_task, pk, "delete")
    items = list(task.work_items.all())
    n = len(items)
    consequences = (
        [_("Its %(n)s work item(s) and their assignments are deleted with it.") % {"n": n}]
        if n
        else []
    )
    plan_url = task.plan.get_absolute_url()
    return _delete_page(
        request,
        task,
        cancel=task.get_absolute_url(),
        done=plan_url,
        crumbs=[(plan_url, task.plan.number)],
        consequences=consequences,
        work_items=items,
        decision_form=decision,
        programme=task.plan.programme,
        plan=task.plan,
    )


# Work items -------------------------------------------------------------------


def _work_item_page(
    request: HttpRequest,
    form: WorkItemForm,
    *,
    task: Task,
    item: WorkItem | None,
    stale: list[dict[str, str]] | None = None,
    status: int = 200,
    decision_form: DecisionForm | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "task": task,
        "plan": task.plan,
        "item": item,
        "stale": stale,
        "decision_form": decision_form,
    }
    return render(request, "plans/work_item_form.html", context, status=status)


def _item_values(item: WorkItem, names: dict[int, str]) -> dict[str, str]:
    """A work item's editable values as people read them (for the stale-save table)."""
    assignments = list(item.assignments.all())

    def units(role: str) -> str:
        return "; ".join(
            sorted(names.get(a.unit_id, str(a.unit_id)) for a in assignments if a.role == role)
        )

    return {
        "task": str(item.task),
        "number": item.number,
        "title": item.title,
        "start": item.start.strftime("%d/%m/%Y") if item.start else "",
        "end": item.end.strftime("%d/%m/%Y") if item.end else "",
        "leads": units("lead"),
        "coordinating": units("coordinating"),
        "expected_output": item.expected_output,
        "coordination_note": item.coordination_note,
    }


def _stale_rows(form: WorkItemForm, current: WorkItem) -> list[dict[str, str]]:
    names = {pk: u.name for pk, u in form._units.items()}
    theirs = _item_values(current, names)
    data = form.cleaned_data
    chosen = form._tasks.get(int(data["task"])) if data.get("task") else None
    yours = {
        "task": str(chosen or form.task),
        "number": data.get("number", ""),
        "title": data.get("title", ""),
        "start": data["start"].strftime("%d/%m/%Y") if data.get("start") else "",
        "end": data["end"].strftime("%d/%m/%Y") if data.get("end") else "",
        "leads": "; ".join(sorted(names[int(pk)] for pk in data.get("leads", []))),
        "coordinating": "; ".join(sorted(names[int(pk)] for pk in data.get("coordinating", []))),
        "expected_output": data.get("expected_output", ""),
        "coordination_note": data.get("coordination_note", ""),
    }
    return [
        {
            "label": str(form.fields[name].label),
            "theirs": theirs[name],
            "yours": yours[name],
            "differs": theirs[name] != yours[name],
        }
        for name in theirs
    ]


@login_required
def work_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    task, decision = _for_edit(request, access_task, pk, "add_workitem")
    units = plan_units(task.plan)
    form = WorkItemForm(request.POST or None, task=task, units=units)
    if request.method == "POST" and form.is_valid() and _decision_ok(decision):
        try:
            with transaction.atomic():
                item = do_create_work_item(
                    task, form.to_data(), by=request.user, reason=form.cleaned_data["reason"]
                )
                _amend(
                    request, decision, programme=task.plan.programme, plan=task.plan,
                    action="add", target=str(item),
                )  # fmt: skip
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Work item created."))
            return redirect(item)
    return _work_item_page(request, form, task=task, item=None, decision_form=decision)


@login_required
def work_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = WorkItem.objects.select_related("task__plan__issuer", "task__field")
    item, decision = _for_edit(
        request,
        lambda user, pk, action: access_work_item(
            user, pk, action, queryset=queryset.prefetch_related("assignments")
        ),
        pk,
        "change",
    )
    assigned = list(item.assignments.all())
    units = plan_units(item.task.plan, keep=[a.unit_id for a in assigned])
    tasks = item.task.plan.tasks.select_related("field").order_by(
        "field__position", "field_id", "position", "pk"
    )
    initial = {
        "version": item.version,
        "number": item.number,
        "title": item.title,
        "start": item.start,
        "end": item.end,
        "leads": [str(a.unit_id) for a in assigned if a.role == "lead"],
        "coordinating": [str(a.unit_id) for a in assigned if a.role == "coordinating"],
        "expected_output": item.expected_output,
        "coordination_note": item.coordination_note,
    }
    form = WorkItemForm(
        request.POST or None, initial=initial, task=item.task, units=units, tasks=tasks
    )
    if request.method == "POST" and form.is_valid() and _decision_ok(decision):
        version = form.cleaned_data["version"] or item.version
        try:
            with transaction.atomic():
                do_update_work_item(
                    item,
                    form.to_data(),
                    version=version,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
                _amend(
                    request, decision, programme=item.task.plan.programme, plan=item.task.plan,
                    action="change", target=str(item),
                )  # fmt: skip
        except ValidationError as e:
            form.add_error(None, e)
        except StaleVersion as stale:
            current = WorkItem.objects.prefetch_related("assignments").get(pk=item.pk)
            rows = _stale_rows(form, current)
            # Re-submitting now saves the user's values over the newer ones, knowingly.
            data = request.POST.copy()
            data["version"] = str(stale.current.version)
            form = WorkItemForm(data, initial=initial, task=item.task, units=units, tasks=tasks)
            form.is_valid()
            return _work_item_page(
                request, form, task=item.task, item=current, stale=rows, status=409,
                decision_form=decision,
            )  # fmt: skip
        else:
            messages.success(request, _("Saved."))
            return redirect(item)
    return _work_item_page(request, form, task=item.task, item=item, decision_form=decision)


@login_required
def work_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item, decision = _for_edit(request, access_work_item, pk, "delete")
    task_url = item.task.get_absolute_url()
    return _delete_page(
        request,
        item,
        cancel=item.get_absolute_url(),
        done=task_url,
        crumbs=[
            (item.task.plan.get_absolute_url(), item.task.plan.number),
            (task_url, str(item.task)),
        ],
        consequences=[_("Its assignments are deleted with it.")],
        work_items=[item],
        decision_form=decision,
        programme=item.task.plan.programme,
        plan=item.task.plan,
    )
