"""Criteria sets: the list, a set, a new draft version, the draft editor, publish, preview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.permissions import tuyenvan as access

from .. import actions, preview
from ..forms import CriteriaSetForm, NewVersionForm, criterion_formset
from ..models import Criterion, parse_month
from .common import show_errors


@login_required
def criteria_list(request: HttpRequest) -> HttpResponse:
    sets = access.visible_criteria_sets(request.user).select_related("owner")
    return render(
        request,
        "tuyenvan/criteria_list.html",
        {
            "sets": sets,
            "can_change": request.user.has_perm("tuyenvan.change_criteriaset", None),
            "form": NewVersionForm(),
        },
    )


@login_required
def criteria_detail(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = access.access_criteria_set(request.user, pk)
    groups = criteria_set.groups.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("position", "code"))
    )
    return render(
        request,
        "tuyenvan/criteria_detail.html",
        {
            "set": criteria_set,
            "groups": groups,
            "can_change": request.user.has_perm("tuyenvan.change_criteriaset", criteria_set),
        },
    )


@login_required
@require_POST
def criteria_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    source = access.access_criteria_set(request.user, pk, "change_criteriaset")
    form = NewVersionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("tuyenvan:criteria")
    copy = actions.do_copy_set(
        source, effective_from=form.cleaned_data["effective_from"], by=request.user
    )
    return redirect("tuyenvan:criteria-edit", copy.pk)


@login_required
def criteria_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = access.access_criteria_set(request.user, pk, "change_criteriaset")
    if not criteria_set.is_draft:
        messages.error(request, _("A published set cannot be edited; make a new version."))
        return redirect(criteria_set)
    form = CriteriaSetForm(request.POST or None, instance=criteria_set)
    formset = criterion_formset(criteria_set, request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            actions.do_save_draft(form, formset, by=request.user)
        except ValidationError as error:
            show_errors(request, error)
            return redirect(criteria_set)
        messages.success(request, _("The draft is saved."))
        return redirect(criteria_set)
    return render(
        request,
        "tuyenvan/criteria_edit.html",
        {"set": criteria_set, "form": form, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def criteria_publish(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = access.access_criteria_set(request.user, pk, "change_criteriaset")
    try:
        actions.do_publish_set(criteria_set, by=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The set is published."))
    return redirect(criteria_set)


@login_required
def criteria_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """How a chosen closed month scores under this set, beside the set in force."""
    criteria_set = access.access_criteria_set(request.user, pk, "preview_criteriaset")
    months = preview.closed_months(criteria_set)
    chosen = None
    text = request.GET.get("month", "")
    if text:
        try:
            chosen = parse_month(text)
        except ValueError:
            chosen = None
        if chosen not in months:
            messages.error(request, _("Choose a closed month."))
            chosen = None
    if chosen is None and months:
        chosen = months[0]
    rows = preview.preview_month(criteria_set, chosen) if chosen else []
    return render(
        request,
        "tuyenvan/criteria_preview.html",
        {
            "set": criteria_set,
            "months": months,
            "chosen": chosen,
            "rows": rows,
            "changed": sum(1 for r in rows if r.band_changed),
        },
    )
