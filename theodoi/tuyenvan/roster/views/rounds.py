"""A roster round: list and create, read, generate, publish, rules, dates, unavailable days."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi import permissions
from theodoi.core import clock
from theodoi.documents.xlsx import Column, add_table_sheet, new_workbook, workbook_bytes
from theodoi.permissions import roster as access
from theodoi.units.models import Unit

from .. import actions
from ..forms import RoundForm, RoundSettingsForm, UnavailabilityForm, UnpublishForm
from ..models import RosterRound, Unavailability, month_end
from ..roster import (
    Grouping,
    conference_days,
    province_grouping,
    round_communes,
    round_grouping,
    round_officials,
    rounds_groupings,
    violations,
)
from .common import (
    add_errors,
    by_month,
    chosen_cluster,
    chosen_district,
    districts_of,
    entries_of,
)


@login_required
def roster_list(request: HttpRequest) -> HttpResponse:
    can_add = request.user.has_perm("tuyenvan_people.add_rosterround")
    form = None
    if request.method == "POST":
        permissions.require(request.user, "tuyenvan_people.add_rosterround")
    if can_add:
        provinces = access.round_provinces(request.user)
        form = RoundForm(request.POST or None, provinces=provinces)
        today = clock.today()
        if provinces and all(province_grouping(p, today).by_cluster for p in provinces):
            # Only provinces without a district tier: no district officials to ask for.
            for name in ("district_frequency", "district_monthly_limit"):
                del form.fields[name]
            form.fields["prefer_district"].label = _(
                "prefer officials assigned to the commune's cluster"
            )
        if request.method == "POST" and form.is_valid():
            try:
                rnd = actions.do_create_round(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Round created. Generate its roster."))
                return redirect(rnd)
    rounds = list(
        access.visible_rounds(request.user, RosterRound.objects.select_related("province"))
    )
    groupings = rounds_groupings(rounds)
    for rnd in rounds:
        rnd.by_cluster = groupings[rnd.pk].by_cluster
    return render(
        request,
        "tuyenvan_people/roster_list.html",
        {
            "rounds": rounds,
            # Only provinces without a district tier: no district column, no district wording.
            "all_cluster": bool(rounds) and all(r.by_cluster for r in rounds),
            "form": form,
            "is_official": request.user.has_perm("tuyenvan_people.view_my_roster"),
        },
    )


# begin home: the roster grouped (by week or by commune), searchable and paged
ROSTER_PAGE = 50
GROUPS = ("week", "commune")


def _filtered_entries(request: HttpRequest, rnd: RosterRound, district: Any) -> Any:
    """The round's entries as asked: district, month, week, commune, search text."""
    entries = rnd.entries.select_related("commune__parent", "official", "edited_by")
    if district is not None:
        entries = entries.filter(commune__parent=district)
    month = next((m for m in rnd.months if f"{m:%Y-%m}" == request.GET.get("month")), None)
    if month is not None:
        entries = entries.filter(day__gte=month, day__lte=month_end(month))
    week = _week(request.GET.get("week", ""))
    if week is not None:
        entries = entries.filter(day__gte=week, day__lte=week + timedelta(days=6))
    commune = request.GET.get("commune", "")
    if commune.isascii() and commune.isdigit():
        entries = entries.filter(commune_id=int(commune))
    text = " ".join(request.GET.get("q", "").split())[:80]
    if text:
        entries = entries.filter(
            Q(commune__name__icontains=text)
            | Q(commune__parent__name__icontains=text)
            | Q(official__first_name__icontains=text)
            | Q(official__last_name__icontains=text)
            | Q(official__username__icontains=text)
        )
    return entries, month, week, text


def _week(value: str) -> date | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day - timedelta(days=day.weekday())


def _grouped(entries: list[Any], group: str) -> list[tuple[Any, list[Any]]]:
    if group == "commune":
        entries = sorted(entries, key=lambda e: (e.commune.name, e.day))
        return [(c, list(g)) for c, g in groupby(entries, key=lambda e: e.commune)]
    return [
        (week, list(g))
        for week, g in groupby(entries, key=lambda e: e.day - timedelta(days=e.day.weekday()))
    ]


@login_required
def roster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = access.access_round(request.user, pk)
    can_change = request.user.has_perm("tuyenvan_people.change_rosterround", rnd)
    grouping = round_grouping(rnd)
    districts = districts_of(rnd.province)
    district = chosen_district(request, districts)
    cluster = chosen_cluster(request, grouping)
    entries, month, week, text = _filtered_entries(request, rnd, district)
    if cluster is not None:
        entries = entries.filter(commune__in=cluster.commune_ids)
    group = request.GET.get("group") if request.GET.get("group") in GROUPS else "week"
    order = ("commune__name", "day") if group == "commune" else ("day", "commune__name")
    page = Paginator(entries.order_by(*order, "kind", "pk"), ROSTER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "round": rnd,
        "grouping": grouping,
        "cluster": cluster,
        "preference": rnd.preference_report(),
        "groups": _grouped(grouping.label_entries(page.object_list), group),
        "group": group,
        "page": page,
        "query": query.urlencode(),
        "month": month,
        "week": week,
        "weeks": _round_weeks(rnd, month),
        "text": text,
        "entry_count": rnd.entries.count(),
        "can_change": can_change,
        "districts": districts,
        "district": district,
        "communes": _filter_communes(district, cluster),
        "commune_id": request.GET.get("commune", ""),
    }
    if can_change:
        officials = [o.user for o in round_officials(rnd)]
        context["problems"] = violations(rnd) if context["entry_count"] else []
        context["unavailability_form"] = UnavailabilityForm(officials=officials)
        context["unavailabilities"] = Unavailability.objects.filter(
            user__in=officials, end__gte=rnd.start, start__lte=rnd.end
        ).select_related("user")
        context["unpublish_form"] = UnpublishForm()
    return render(request, "tuyenvan_people/roster_detail.html", context)


def _filter_communes(district: Unit | None, cluster: Any) -> Any:
    """The communes to choose from once a district (or a cluster) is chosen."""
    if district is not None:
        return Unit.objects.filter(parent=district, kind=Unit.Kind.COMMUNE).order_by("name")
    if cluster is not None:
        return Unit.objects.filter(pk__in=cluster.commune_ids).order_by("name")
    return []


def _round_weeks(rnd: RosterRound, month: date | None) -> list[date]:
    """The Mondays of the weeks of the round (of the chosen month)."""
    start = month or rnd.start
    end = month_end(month) if month else rnd.end
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


# end home


@login_required
@require_POST
def roster_generate(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = access.access_round(request.user, pk, "change")
    try:
        result = actions.do_generate_roster(rnd, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(rnd)
    if result.ok:
        messages.success(
            request,
            _("Roster generated: %(n)s assignments in %(s).1f s.")
            % {"n": len(result.entries), "s": result.seconds},
        )
    else:
        messages.error(request, _("No roster meets every rule:"))
        for problem in result.problems:
            messages.error(request, problem)
    return redirect(rnd)


@login_required
@require_POST
def roster_publish(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = access.access_round(request.user, pk, "change")
    if request.POST.get("action") == "unpublish":
        form = UnpublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason for reopening the round."))
            return redirect(rnd)
        try:
            actions.do_unpublish_round(rnd, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The round is a draft again."))
        return redirect(rnd)
    try:
        actions.do_publish_round(rnd, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Roster published: officials see it in their assignments."))
    return redirect(rnd)


@login_required
@require_POST
def roster_unavailability(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = access.access_round(request.user, pk, "change")
    officials = [o.user for o in round_officials(rnd)]
    form = UnavailabilityForm(request.POST, officials=officials)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_declare_unavailability(
                official=data["user"],
                start=data["start"],
                end=data["end"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Unavailable dates saved; generate the roster again."))
            return redirect(rnd)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(rnd)


def _date_cell(raw: str, month: date) -> tuple[date | None, str | None]:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None, _("Enter a date.")
    if day.replace(day=1) != month:
        return None, _("The date must fall in the month.")
    return day, None


@login_required
def roster_dates(request: HttpRequest, pk: int) -> HttpResponse:
    """The communes' conference days for the round's months, one district at a time."""
    rnd = access.access_round(request.user, pk, "change")
    grouping = round_grouping(rnd)
    districts = districts_of(rnd.province)
    district = chosen_district(request, districts) or (districts[0] if districts else None)
    cluster = None
    if grouping.by_cluster:
        # No district tier: one cluster at a time (the communes in none, all together).
        district = None
        cluster = chosen_cluster(request, grouping) or (
            grouping.clusters[0] if grouping.clusters else None
        )
        communes = [
            c
            for c in round_communes(rnd)
            if (c.pk in cluster.commune_ids if cluster else c.pk not in grouping.cluster_of)
        ]
    else:
        communes = [c for c in round_communes(rnd) if district and c.parent_id == district.pk]
    days = conference_days(rnd, communes)
    errors: dict[str, str] = {}
    if request.method == "POST":
        changes = []
        for commune in communes:
            for month in rnd.months:
                name = f"d-{commune.pk}-{month:%Y%m}"
                day, error = _date_cell(request.POST.get(name, "").strip(), month)
                if error:
                    errors[name] = error
                elif day != days[(commune.pk, month)]:
                    changes.append((commune.pk, day))
        if not errors:
            try:
                actions.do_set_conference_dates(rnd, changes, by=request.user)
            except ValidationError as exc:
                errors["__all__"] = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("%(n)s conference dates saved; generate the roster again to use them.")
                    % {"n": len(changes)},
                )
                if cluster is not None:
                    return redirect(f"{request.path}?cluster={cluster.pk}")
                return redirect(
                    f"{request.path}?district={district.pk}" if district else request.path
                )
        if "__all__" in errors:
            messages.error(request, errors["__all__"])
    rows = [
        {
            "commune": commune,
            "cells": [
                {
                    "name": f"d-{commune.pk}-{month:%Y%m}",
                    "value": request.POST.get(f"d-{commune.pk}-{month:%Y%m}")
                    or days[(commune.pk, month)].isoformat(),
                    "error": errors.get(f"d-{commune.pk}-{month:%Y%m}"),
                }
                for month in rnd.months
            ],
        }
        for commune in communes
    ]
    return render(
        request,
        "tuyenvan_people/roster_dates.html",
        {
            "round": rnd,
            "districts": districts,
            "district": district,
            "grouping": grouping,
            "cluster": cluster,
            "rows": rows,
        },
        status=422 if errors else 200,
    )


@login_required
def roster_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft round's rules after creation."""
    rnd = access.access_round(request.user, pk, "change")
    if not rnd.is_draft:
        messages.error(request, _("Reopen the published round before changing its rules."))
        return redirect(rnd)
    # A copy: the form's cleaning writes on its instance, the page shows the round as saved.
    form = RoundSettingsForm(request.POST or None, instance=copy.copy(rnd))
    if round_grouping(rnd).by_cluster:
        # No district tier: no district officials; the preference is for clusters.
        for name in ("district_frequency", "district_monthly_limit"):
            del form.fields[name]
        form.fields["prefer_district"].label = _(
            "prefer officials assigned to the commune's cluster"
        )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        try:
            changed = actions.do_update_round(rnd, by=request.user, reason=reason, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if changed:
                messages.success(
                    request, _("Rules saved; generate the roster again to apply them.")
                )
            return redirect(rnd)
    history = rnd.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "tuyenvan_people/roster_settings.html",
        {"round": rnd, "form": form, "history": history},
        status=422 if form.errors else 200,
    )


@login_required
def roster_print(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = access.access_round(request.user, pk)
    grouping = round_grouping(rnd)
    district = chosen_district(request, districts_of(rnd.province))
    cluster = chosen_cluster(request, grouping)
    entries = grouping.label_entries(_in_cluster(entries_of(rnd, district), cluster))
    return render(
        request,
        "tuyenvan_people/roster_print.html",
        {
            "round": rnd,
            "district": district or cluster,
            "grouping": grouping,
            "months": by_month(entries),
        },
    )


def _in_cluster(entries: list[Any], cluster: Any) -> list[Any]:
    if cluster is None:
        return entries
    return [e for e in entries if e.commune_id in cluster.commune_ids]


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


@login_required
def roster_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = access.access_round(request.user, pk)
    grouping: Grouping = round_grouping(rnd)
    district = chosen_district(request, districts_of(rnd.province))
    cluster = chosen_cluster(request, grouping)
    wb = new_workbook()
    columns = [
        Column(_("Date"), 12, "DD/MM/YYYY"),
        Column(_("Commune"), 26),
        Column(grouping.label, 24),
        Column(_("Official"), 24),
        Column(_("Kind"), 18),
        Column(_("Why"), 60),
    ]
    labelled = grouping.label_entries(_in_cluster(entries_of(rnd, district), cluster))
    for month, entries in by_month(labelled):
        add_table_sheet(
            wb,
            _("Month %(m)s-%(y)s") % {"m": month.month, "y": month.year},
            columns,
            [
                (
                    e.day,
                    e.commune.name,
                    e.group_name,
                    _name(e.official),
                    e.get_kind_display(),
                    e.explanation,
                )
                for e in entries
            ],
            heading=_("Roster of officials attending the tuyên vận conferences, %(period)s")
            % {"period": rnd.title},
        )
    if not wb.worksheets:
        add_table_sheet(wb, str(rnd.title), columns, [], heading=str(rnd.title))
    response = HttpResponse(
        workbook_bytes(wb),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="roster-{rnd.start:%Y-%m}.xlsx"'
    return response
