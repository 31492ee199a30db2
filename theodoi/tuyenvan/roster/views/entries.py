"""One assignment of a round: added or edited by hand, with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from theodoi.permissions import roster as access

from .. import actions
from ..forms import AddEntryForm, DeleteEntryForm, EntryForm
from ..roster import round_communes, round_officials
from .common import add_errors


@login_required
def entry_edit(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    deleting = request.POST.get("action") == "delete"
    entry = access.access_roster_entry(
        request.user, entry_id, "delete" if deleting else "change", round_id=pk
    )
    rnd = entry.round
    officials = actions.eligible_officials(rnd, entry.commune, entry.kind)
    form = EntryForm(
        request.POST if request.method == "POST" and not deleting else None,
        officials=officials,
        initial={"official": entry.official, "day": entry.day},
    )
    delete_form = DeleteEntryForm(request.POST if deleting else None)
    if request.method == "POST":
        target = delete_form if deleting else form
        if target.is_valid():
            try:
                if deleting:
                    warnings = actions.do_delete_entry(
                        entry, reason=delete_form.cleaned_data["reason"], by=request.user
                    )
                else:
                    warnings = actions.do_edit_entry(entry, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(target, exc)
            else:
                messages.success(request, _("Assignment changed."))
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect(rnd)
    history = entry.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "tuyenvan_people/entry_edit.html",
        {
            "round": rnd,
            "entry": entry,
            "form": form,
            "delete_form": delete_form,
            "history": history,
        },
    )


@login_required
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an assignment by hand (e.g. a conference the generator left without
    a provincial official); the rules it breaks are shown as warnings."""
    rnd = access.access_round(request.user, pk, "change")
    officials = round_officials(rnd)
    form = AddEntryForm(
        request.POST or None,
        communes=round_communes(rnd),
        officials=officials,
        initial={k: request.GET[k] for k in ("commune", "official", "day") if k in request.GET},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _entry, warnings = actions.do_add_entry(
                rnd,
                official=data["official"],
                commune=data["commune"],
                kind=form.kind(),
                day=data["day"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Assignment added."))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect(rnd)
    return render(
        request,
        "tuyenvan_people/entry_add.html",
        {"round": rnd, "form": form},
        status=422 if form.errors else 200,
    )
