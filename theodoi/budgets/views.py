"""Pages of the detailed plans: a plan's budgets and summary, one detailed plan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.core.workflow import Stale
from theodoi.permissions import budgets as access
from theodoi.permissions import plans as plan_access
from theodoi.permissions import visible_units

from . import actions, report
from .forms import FinanceForm, LineForm, OpenForm, StepForm
from .models import DetailedPlan
from .summary import summarise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errs in error.message_dict.items():
            field = name.rsplit(".", 1)[-1]
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    plans = plan_access.visible_plans(request.user).order_by("-year", "number")
    return render(request, "budgets/index.html", {"plans": plans})


@login_required
def plan_budgets(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    plan = plan_access.access_plan(user, pk)
    units = access.filing_units(user, plan).order_by("position", "name")
    form = OpenForm(units=units)
    if request.method == "POST":
        form = OpenForm(request.POST, units=units)
        if form.is_valid():
            try:
                dp = actions.do_open_detailed_plan(plan, form.cleaned_data["unit"], by=user)
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Detailed plan opened: add its lines."))
                return redirect("budgets:detail", dp.pk)
    detailed = access.visible_detailed_plans(
        user, DetailedPlan.objects.filter(plan=plan).select_related("unit")
    ).order_by("unit__position", "unit__name", "revision")
    summary = None
    if user.has_perm("budgets.view_summary", plan):
        summary = summarise(plan)
    finance_form = None
    if user.has_perm("budgets.configure_budgets", plan):
        finance_form = FinanceForm(
            initial={"finance_unit": actions.finance_unit(plan)},
            units=visible_units(user).order_by("position", "name"),
        )
    return render(
        request,
        "budgets/plan.html",
        {"plan": plan, "detailed": detailed, "form": form if units.exists() else None,
         "summary": summary, "rows": summary.rows("unit") if summary else [],
         "finance_form": finance_form},
    )  # fmt: skip


@login_required
def plan_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.access_plan_budgets(request.user, pk)
    response = HttpResponse(report.to_xlsx(summarise(plan)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="du-toan-{plan.pk}.xlsx"'
    return response


@login_required
@require_POST
def plan_finance(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.access_plan_budgets(request.user, pk, "configure")
    form = FinanceForm(request.POST, units=visible_units(request.user))
    if form.is_valid():
        actions.do_set_finance_unit(plan, form.cleaned_data["finance_unit"], by=request.user)
        messages.success(request, _("Saved."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("budgets:plan", plan.pk)


def _context(request: HttpRequest, dp: DetailedPlan, line_form: Any = None) -> dict[str, Any]:
    user = request.user
    editable = dp.is_editable and user.has_perm("budgets.change_detailedplan", dp)
    steps = []
    for name in actions.BUDGET_WORKFLOW.allowed(dp):
        if user.has_perm(access.ACTIONS[name], dp):
            steps.append(name)
    if dp.state == DetailedPlan.State.APPROVED and user.has_perm(access.ACTIONS["revise"], dp):
        steps.append("revise")
    if line_form is None and editable:
        line_form = LineForm(
            initial={"version": dp.version},
            work_items=actions.led_work_items(dp.plan, dp.unit),
        )
    lines = list(dp.lines.select_related("work_item"))
    return {
        "dp": dp,
        "lines": lines,
        "total": sum(line.amount for line in lines),
        "editable": editable,
        "line_form": line_form if editable else None,
        "steps": steps,
        "revisions": DetailedPlan.objects.filter(plan=dp.plan, unit=dp.unit).order_by("revision"),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    dp = access.access_detailed_plan(request.user, pk)
    return render(request, "budgets/detail.html", _context(request, dp))


@login_required
@require_POST
def add_line(request: HttpRequest, pk: int) -> HttpResponse:
    dp = access.access_detailed_plan(request.user, pk, "change")
    form = LineForm(request.POST, work_items=actions.led_work_items(dp.plan, dp.unit))
    if form.is_valid():
        data = form.cleaned_data
        line = actions.LineIn(
            work_item=data["work_item"].pk, activity=data["activity"], amount=data["amount"],
            source=data["source"], timing=data["timing"], output=data["output"],
        )  # fmt: skip
        try:
            actions.do_add_line(dp, line, by=request.user, version=data["version"])
        except Stale:
            form.add_error(None, _("Someone else saved this in the meantime. Reload the page."))
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Line added."))
            return redirect("budgets:detail", dp.pk)
    return render(request, "budgets/detail.html", _context(request, dp, form), status=400)


@login_required
@require_POST
def delete_line(request: HttpRequest, pk: int) -> HttpResponse:
    line = access.access_budget_line(request.user, pk, "change")
    form = StepForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        actions.do_delete_line(line, by=request.user, version=version)
    except Stale:
        messages.error(request, _("Someone else saved this in the meantime."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("budgets:detail", line.detailed_plan_id)


STEPS = {
    "submit": lambda dp, by, c, v: actions.do_submit(dp, by=by, version=v),
    "approve": lambda dp, by, c, v: actions.do_approve(dp, by=by, comment=c, version=v),
    "return": lambda dp, by, c, v: actions.do_return(dp, by=by, comment=c, version=v),
    "opinion": lambda dp, by, c, v: actions.do_give_opinion(dp, by=by, opinion=c, version=v),
    "revise": lambda dp, by, c, v: actions.do_revise(dp, by=by, reason=c, version=v),
}


@login_required
@require_POST
def step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    dp = access.access_detailed_plan(request.user, pk, step)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request is not valid; reload the page."))
        return redirect("budgets:detail", dp.pk)
    try:
        dp = STEPS[step](dp, request.user, form.cleaned_data["comment"],
                         form.cleaned_data["version"])  # fmt: skip
    except Stale:
        messages.error(request, _("Someone else saved this in the meantime."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("budgets:detail", dp.pk)
