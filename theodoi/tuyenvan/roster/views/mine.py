"""An attending official's own assignments and the days it cannot attend."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import DateField, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from theodoi import permissions
from theodoi.core import clock
from theodoi.units.models import Unit

from .. import actions
from ..forms import UnavailabilityForm
from ..models import RosterEntry
from ..roster import rounds_groupings
from .common import add_errors


def _with_recorded_meeting(entries: QuerySet[RosterEntry], user: Any) -> QuerySet[RosterEntry]:
    """Annotate ``attended``: the commune recorded the month's conference with
    ``user`` among its attending officials, so the observation sheet is open.

    This app does not import the scoring app (theodoi.tuyenvan imports this one
    for the roster); it looks at the conference record through the commune's
    reverse relations only."""
    recorded = Unit.objects.filter(
        pk=OuterRef("commune_id"),
        tuyenvan_meetings__month=OuterRef("month_start"),
        tuyenvan_meetings__official_links__user=user,
    )
    # Past the commune's open month the sheet can no longer be filed (the
    # access layer's ``tv_open_for_commune``): the row then links to the sheet
    # as filed, or says it was not.
    moved_on = Unit.objects.filter(
        pk=OuterRef("commune_id"),
        tuyenvan_results__month=OuterRef("month_start"),
        tuyenvan_results__status__in=["approved", "accepted", "closed"],
    )
    filed = Unit.objects.filter(
        pk=OuterRef("commune_id"),
        tuyenvan_sheets__month=OuterRef("month_start"),
        tuyenvan_sheets__official=user,
    ).values("tuyenvan_sheets__pk")[:1]
    return entries.annotate(
        month_start=TruncMonth("day", output_field=DateField()),
        attended=Exists(recorded),
        closed=Exists(moved_on),
        filed_sheet=Subquery(filed),
    )


@login_required
def my_roster(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "tuyenvan_people.view_my_roster")
    form = UnavailabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_declare_unavailability(
                official=request.user,
                start=data["start"],
                end=data["end"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Your unavailable dates are saved."))
            return redirect("tuyenvan_people:my-roster")
    today = clock.today()
    entries = list(
        _with_recorded_meeting(
            RosterEntry.objects.published().for_official(request.user), request.user
        )
        .with_places()
        .order_by("day")
    )
    # Each round's communes by its grouping: districts, or clusters without a district tier.
    groupings = rounds_groupings(list({e.round_id: e.round for e in entries}.values()))
    for e in entries:
        e.group_name = groupings[e.round_id].name_of(e.commune)
    by_cluster = bool(groupings) and all(g.by_cluster for g in groupings.values())
    return render(
        request,
        "tuyenvan_people/my_roster.html",
        {
            "upcoming": [e for e in entries if e.day >= today],
            "past": [e for e in entries if e.day < today][::-1],
            "form": form,
            "unavailabilities": request.user.unavailabilities.filter(end__gte=today),
            "today": today,
            "group_label": _("Cluster") if by_cluster else _("District"),
        },
    )
