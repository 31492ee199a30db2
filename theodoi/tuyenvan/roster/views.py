from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DateField, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncMonth
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi import permissions
from theodoi.core import clock
from theodoi.documents.xlsx import Column, add_table_sheet, new_workbook, workbook_bytes
from theodoi.units.models import Membership, Unit

from . import actions
from .files import CONTENT_TYPES
from .forms import (
    AddEntryForm,
    BoardForm,
    DeleteEntryForm,
    EntryForm,
    MemberFormSet,
    ReasonForm,
    RoundForm,
    RoundSettingsForm,
    RulesFormSet,
    TeamFormSet,
    TeamMemberFormSet,
    UnavailabilityForm,
    UnpublishForm,
)
from .models import (
    Board,
    ConferenceDate,
    RosterEntry,
    RosterRound,
    RulesDocument,
    Team,
    Unavailability,
)
from .roster import (
    conference_days,
    generate_roster,
    province_officials,
    round_communes,
    round_officials,
    violations,
)

# Roster ----------------------------------------------------------------------------


def _get_round(request: HttpRequest, pk: int, perm: str = "view") -> RosterRound:
    rnd = get_object_or_404(RosterRound.objects.select_related("province"), pk=pk)
    if not request.user.has_perm(f"tuyenvan_people.{perm}_rosterround", rnd):
        raise PermissionDenied
    return rnd


def _coordinated_provinces(request: HttpRequest) -> Any:
    return Unit.objects.filter(
        kind=Unit.Kind.PROVINCE,
        pk__in=permissions.reach(request.user, Membership.Role.COORDINATOR),
    )


@login_required
def roster_list(request: HttpRequest) -> HttpResponse:
    can_add = request.user.has_perm("tuyenvan_people.add_rosterround")
    form = None
    if can_add:
        provinces = _coordinated_provinces(request)
        form = RoundForm(request.POST or None, provinces=provinces)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                rnd = actions.do_create_round(by=request.user, **data)
            except ValidationError as exc:
                for fld, errors in exc.message_dict.items():
                    form.add_error(fld if fld in form.fields else None, errors)
            else:
                messages.success(request, _("Round created. Generate its roster."))
                return redirect(rnd)
    elif request.method == "POST":
        raise PermissionDenied
    rounds = permissions.visible_rounds(
        request.user, RosterRound.objects.select_related("province")
    )
    return render(
        request,
        "tuyenvan_people/roster_list.html",
        {
            "rounds": rounds,
            "form": form,
            "is_official": request.user.has_perm("tuyenvan_people.view_my_roster"),
        },
    )


def _entries(rnd: RosterRound, district: Unit | None = None) -> list[RosterEntry]:
    entries = rnd.entries.select_related("commune__parent", "official", "edited_by")
    if district is not None:
        entries = entries.filter(commune__parent=district)
    return list(entries.order_by("day", "commune__parent__position", "commune__position", "kind"))


def _round_districts(rnd: RosterRound) -> list[Unit]:
    return list(
        Unit.objects.descendants(rnd.province)
        .filter(kind=Unit.Kind.DISTRICT)
        .order_by("position", "name")
    )


def _chosen_district(request: HttpRequest, districts: list[Unit]) -> Unit | None:
    wanted = request.GET.get("district", "")
    return next((d for d in districts if str(d.pk) == wanted), None)


def _by_month(entries: list[RosterEntry]) -> list[tuple[Any, list[RosterEntry]]]:
    return [(month, list(group)) for month, group in groupby(entries, key=lambda e: e.month)]


@login_required
def roster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _get_round(request, pk)
    can_change = request.user.has_perm("tuyenvan_people.change_rosterround", rnd)
    districts = _round_districts(rnd)
    district = _chosen_district(request, districts)
    entries = _entries(rnd, district)
    month = next((m for m in rnd.months if f"{m:%Y-%m}" == request.GET.get("month")), None)
    shown = [e for e in entries if month is None or e.month == month]
    context: dict[str, Any] = {
        "round": rnd,
        "months": _by_month(shown),
        "month": month,
        "entry_count": len(entries) if district is None and month is None else rnd.entries.count(),
        "can_change": can_change,
        "districts": districts,
        "district": district,
    }
    if can_change:
        officials = [o.user for o in round_officials(rnd)]
        context["problems"] = violations(rnd) if entries else []
        context["unavailability_form"] = UnavailabilityForm(officials=officials)
        context["unavailabilities"] = Unavailability.objects.filter(
            user__in=officials, end__gte=rnd.start, start__lte=rnd.end
        ).select_related("user")
        context["unpublish_form"] = UnpublishForm()
    return render(request, "tuyenvan_people/roster_detail.html", context)


@login_required
@require_POST
def roster_generate(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _get_round(request, pk, "change")
    if not rnd.is_draft:
        messages.error(request, _("Reopen the published round before generating it again."))
        return redirect(rnd)
    result = generate_roster(rnd)
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
    rnd = _get_round(request, pk, "change")
    if request.POST.get("action") == "unpublish":
        form = UnpublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason for reopening the round."))
            return redirect(rnd)
        actions.do_unpublish_round(rnd, by=request.user, reason=form.cleaned_data["reason"])
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
    rnd = _get_round(request, pk, "change")
    officials = [o.user for o in round_officials(rnd)]
    form = UnavailabilityForm(request.POST, officials=officials)
    if form.is_valid():
        form.save()
        messages.success(request, _("Unavailable dates saved; generate the roster again."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(rnd)


@login_required
def roster_dates(request: HttpRequest, pk: int) -> HttpResponse:
    """The communes' conference days for the round's months, one district at a time."""
    rnd = _get_round(request, pk, "change")
    districts = _round_districts(rnd)
    district = _chosen_district(request, districts) or (districts[0] if districts else None)
    communes = [c for c in round_communes(rnd) if district and c.parent_id == district.pk]
    days = conference_days(rnd, communes)
    errors: dict[str, str] = {}
    if request.method == "POST":
        changes = []
        for commune in communes:
            for month in rnd.months:
                name = f"d-{commune.pk}-{month:%Y%m}"
                raw = request.POST.get(name, "").strip()
                try:
                    day = date.fromisoformat(raw)
                except ValueError:
                    errors[name] = _("Enter a date.")
                    continue
                if day.replace(day=1) != month:
                    errors[name] = _("The date must fall in the month.")
                elif day != days[(commune.pk, month)]:
                    changes.append((commune, month, day))
        if not errors:
            with transaction.atomic():
                for commune, month, day in changes:
                    item = ConferenceDate.objects.get(commune=commune, month=month)
                    item.day, item.is_default = day, False
                    item._change_reason = _("Conference date set")
                    item.save(update_fields=["day", "is_default"])
            messages.success(
                request,
                _("%(n)s conference dates saved; generate the roster again to use them.")
                % {"n": len(changes)},
            )
            return redirect(f"{request.path}?district={district.pk}")
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
        {"round": rnd, "districts": districts, "district": district, "rows": rows},
        status=422 if errors else 200,
    )


@login_required
def entry_edit(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    rnd = _get_round(request, pk, "change")
    entry = get_object_or_404(
        RosterEntry.objects.select_related("commune__parent", "official"), pk=entry_id, round=rnd
    )
    officials = actions.eligible_officials(rnd, entry.commune, entry.kind)
    form = EntryForm(
        request.POST if request.POST.get("action") != "delete" else None,
        officials=officials,
        initial={"official": entry.official, "day": entry.day},
    )
    delete_form = DeleteEntryForm(request.POST if request.POST.get("action") == "delete" else None)
    if request.method == "POST":
        target = delete_form if request.POST.get("action") == "delete" else form
        if target.is_valid():
            try:
                if target is delete_form:
                    warnings = actions.do_delete_entry(
                        entry, reason=delete_form.cleaned_data["reason"], by=request.user
                    )
                else:
                    warnings = actions.do_edit_entry(entry, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for fld, errors in exc.message_dict.items():
                    target.add_error(fld if fld in target.fields else None, errors)
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
    rnd = _get_round(request, pk, "change")
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
            for fld, errors in exc.message_dict.items():
                form.add_error(fld if fld in form.fields else None, errors)
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


@login_required
def roster_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft round's rules after creation."""
    rnd = _get_round(request, pk, "change")
    if not rnd.is_draft:
        messages.error(request, _("Reopen the published round before changing its rules."))
        return redirect(rnd)
    form = RoundSettingsForm(request.POST or None, instance=RosterRound.objects.get(pk=rnd.pk))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        try:
            changed = actions.do_update_round(rnd, by=request.user, reason=reason, **data)
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
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
def officials_follow(request: HttpRequest) -> HttpResponse:
    """Which district each provincial official follows (coordinators of the province)."""
    if not request.user.has_perm("tuyenvan_people.change_officialprofile"):
        raise PermissionDenied
    today = clock.today()
    sections = []
    for province in _coordinated_provinces(request).order_by("name"):
        districts = _round_districts_of(province)
        officials = [
            o
            for o in province_officials(province, today, today)
            if o.kind == RosterEntry.Kind.PROVINCIAL
        ]
        sections.append({"province": province, "districts": districts, "officials": officials})
    errors: dict[str, str] = {}
    reason_form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if not reason_form.is_valid():
            errors["reason"] = reason_form.errors["reason"][0]
        changes = {}
        for section in sections:
            by_id = {str(d.pk): d for d in section["districts"]}
            for official in section["officials"]:
                name = f"follows-{official.user.pk}"
                raw = request.POST.get(name, "")
                if raw and raw not in by_id:
                    errors[name] = _("Choose a district of this province.")
                    continue
                changes[official.user] = by_id.get(raw)
        if not errors:
            count = actions.do_set_followed_districts(
                changes, by=request.user, reason=reason_form.cleaned_data["reason"]
            )
            messages.success(
                request,
                _("%(n)s change(s) saved; generate the rosters again to use them.") % {"n": count},
            )
            return redirect("tuyenvan_people:officials")
    for section in sections:
        section["rows"] = [
            {
                "official": o,
                "name": f"follows-{o.user.pk}",
                "value": request.POST.get(f"follows-{o.user.pk}", str(o.district_id or ""))
                if errors
                else str(o.district_id or ""),
                "error": errors.get(f"follows-{o.user.pk}"),
            }
            for o in section["officials"]
        ]
    return render(
        request,
        "tuyenvan_people/officials.html",
        {"sections": sections, "reason_error": errors.get("reason")},
        status=422 if errors else 200,
    )


def _round_districts_of(province: Unit) -> list[Unit]:
    return list(
        Unit.objects.descendants(province)
        .filter(kind=Unit.Kind.DISTRICT)
        .order_by("position", "name")
    )


@login_required
def roster_print(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _get_round(request, pk)
    district = _chosen_district(request, _round_districts(rnd))
    return render(
        request,
        "tuyenvan_people/roster_print.html",
        {"round": rnd, "district": district, "months": _by_month(_entries(rnd, district))},
    )


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


@login_required
def roster_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _get_round(request, pk)
    district = _chosen_district(request, _round_districts(rnd))
    wb = new_workbook()
    columns = [
        Column(_("Date"), 12, "DD/MM/YYYY"),
        Column(_("Commune"), 26),
        Column(_("District"), 24),
        Column(_("Official"), 24),
        Column(_("Kind"), 18),
        Column(_("Why"), 60),
    ]
    for month, entries in _by_month(_entries(rnd, district)):
        add_table_sheet(
            wb,
            _("Month %(m)s-%(y)s") % {"m": month.month, "y": month.year},
            columns,
            [
                (
                    e.day,
                    e.commune.name,
                    e.commune.parent.name,
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
    return entries.annotate(
        month_start=TruncMonth("day", output_field=DateField()), attended=Exists(recorded)
    )


@login_required
def my_roster(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("tuyenvan_people.view_my_roster"):
        raise PermissionDenied
    form = UnavailabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.user = request.user
        item.save()
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
    return render(
        request,
        "tuyenvan_people/my_roster.html",
        {
            "upcoming": [e for e in entries if e.day >= today],
            "past": [e for e in entries if e.day < today][::-1],
            "form": form,
            "unavailabilities": request.user.unavailabilities.filter(end__gte=today),
            "today": today,
        },
    )


# Boards ------------------------------------------------------------------------------


@login_required
def board_registry(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    reach = permissions.reach(request.user)
    districts = Unit.objects.filter(kind=Unit.Kind.DISTRICT, pk__in=reach).order_by(
        "parent__name", "position", "name"
    )
    district = None
    if request.GET.get("district", "").isdigit():
        district = get_object_or_404(districts, pk=int(request.GET["district"]))
    elif districts.count() == 1:
        district = districts.first()
    editable = permissions.board_editable_unit_ids(request.user)
    if district is None:
        boards = permissions.visible_boards(
            request.user, Board.objects.with_gaps().select_related("unit")
        )
        summary: dict[int, dict[str, int]] = defaultdict(lambda: {"boards": 0, "gaps": 0})
        for board in boards:
            key = board.unit_id if board.unit.kind == Unit.Kind.DISTRICT else board.unit.parent_id
            summary[key]["boards"] += 1
            summary[key]["gaps"] += 1 if board.gap_labels(today) else 0
        communes = {
            row["parent"]: row["n"]
            for row in Unit.objects.filter(kind=Unit.Kind.COMMUNE, parent__in=districts)
            .values("parent")
            .annotate(n=Count("pk"))
        }
        rows = [
            {"district": d, "communes": communes.get(d.pk, 0), **summary[d.pk]} for d in districts
        ]
        return render(request, "tuyenvan_people/board_summary.html", {"rows": rows})
    units = [district, *Unit.objects.filter(parent=district, kind=Unit.Kind.COMMUNE)]
    boards = {
        b.unit_id: b
        for b in permissions.visible_boards(
            request.user, Board.objects.with_gaps().filter(unit__in=units)
        )
    }
    rows = []
    for unit in units:
        if unit.pk not in reach:
            continue
        board = boards.get(unit.pk)
        rows.append(
            {
                "unit": unit,
                "board": board,
                "gaps": board.gap_labels(today) if board else [_("No board registered")],
                "can_edit": unit.pk in editable,
            }
        )
    return render(
        request,
        "tuyenvan_people/board_registry.html",
        {"district": district, "rows": rows, "districts": districts},
    )


def _get_board(request: HttpRequest, pk: int, perm: str = "view") -> Board:
    board = get_object_or_404(Board.objects.with_gaps().select_related("unit__parent"), pk=pk)
    if not request.user.has_perm(f"tuyenvan_people.{perm}_board", board):
        raise PermissionDenied
    return board


def _board_history(board: Board) -> list[Any]:
    """The board's recent changes, all its parts together, newest first."""
    from .models import BoardMember, RulesDocument, TeamMember

    records: list[Any] = []
    records += list(board.history.select_related("history_user")[:20])
    records += list(
        BoardMember.history.filter(board_id=board.pk).select_related("history_user")[:20]
    )
    records += list(
        RulesDocument.history.filter(board_id=board.pk).select_related("history_user")[:20]
    )
    records += list(
        Team.history.filter(commune_id=board.unit_id).select_related("history_user")[:20]
    )
    records += list(
        TeamMember.history.filter(team__commune_id=board.unit_id).select_related("history_user")[
            :20
        ]
    )
    records.sort(key=lambda r: r.history_date, reverse=True)
    return [
        {
            "date": r.history_date,
            "user": r.history_user,
            "change": r.get_history_type_display(),
            "what": r.instance_type._meta.verbose_name,
            "name": getattr(r, "full_name", None)
            or getattr(r, "village_name", None)
            or getattr(r, "number", None)
            or getattr(r, "name", ""),
            "reason": r.history_change_reason,
        }
        for r in records[:30]
    ]


def _save_with_reason(form: Any, reason: str) -> None:
    """Save a form or formset so that every history record carries ``reason``."""
    if hasattr(form, "deleted_objects") or hasattr(form, "forms"):
        instances = form.save(commit=False)
        for obj in instances:
            obj._change_reason = reason
            obj.save()
        for obj in form.deleted_objects:
            obj._change_reason = reason
            obj.delete()
        return
    obj = form.save(commit=False)
    obj._change_reason = reason
    obj.save()


@login_required
def board_detail(request: HttpRequest, pk: int) -> HttpResponse:
    board = _get_board(request, pk)
    teams = Team.objects.filter(commune=board.unit).prefetch_related("members")
    return render(
        request,
        "tuyenvan_people/board_detail.html",
        {
            "board": board,
            "gaps": board.gap_labels(clock.today()),
            "members": board.members.all(),
            "rules": board.rules.all(),
            "teams": teams,
            "is_commune": board.unit.kind == Unit.Kind.COMMUNE,
            "can_change": request.user.has_perm("tuyenvan_people.change_board", board),
            "history": _board_history(board),
        },
    )


@login_required
@require_POST
def board_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(
        Unit.objects.filter(kind__in=[Unit.Kind.DISTRICT, Unit.Kind.COMMUNE]), pk=unit_id
    )
    if not request.user.has_perm("tuyenvan_people.add_board", unit):
        raise PermissionDenied
    board, _created = Board.objects.get_or_create(
        unit=unit, defaults={"name": _("Tuyên vận board of %(unit)s") % {"unit": unit.name}}
    )
    return redirect("tuyenvan_people:board-edit", board.pk)


@login_required
def board_edit(request: HttpRequest, pk: int) -> HttpResponse:
    board = _get_board(request, pk, "change")
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = BoardForm(data, instance=board)
    members = MemberFormSet(data, instance=board, prefix="members")
    rules_docs = RulesFormSet(data, files, instance=board, prefix="rules")
    is_commune = board.unit.kind == Unit.Kind.COMMUNE
    teams = (
        TeamFormSet(data, instance=board.unit, prefix="teams", form_kwargs={"commune": board.unit})
        if is_commune
        else None
    )
    reason_form = ReasonForm(data)
    forms = [form, members, rules_docs] + ([teams] if teams is not None else [])
    if request.method == "POST" and all([f.is_valid() for f in [*forms, reason_form]]):  # noqa: C419 - every form validated, its errors shown
        reason = reason_form.cleaned_data["reason"].strip() or _("Registry updated")
        with transaction.atomic():
            for f in forms:
                _save_with_reason(f, reason)
        messages.success(request, _("Board saved."))
        return redirect(board)
    return render(
        request,
        "tuyenvan_people/board_edit.html",
        {
            "board": board,
            "form": form,
            "members": members,
            "rules_docs": rules_docs,
            "teams": teams,
            "reason_error": _first_error(reason_form),
        },
    )


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.select_related("commune__tuyenvan_board"), pk=pk)
    board = getattr(team.commune, "tuyenvan_board", None)
    if board is None or not request.user.has_perm("tuyenvan_people.change_board", board):
        raise PermissionDenied
    formset = TeamMemberFormSet(
        request.POST if request.method == "POST" else None, instance=team, prefix="members"
    )
    reason_form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and all([formset.is_valid(), reason_form.is_valid()]):
        reason = reason_form.cleaned_data["reason"].strip() or _("Team updated")
        with transaction.atomic():
            _save_with_reason(formset, reason)
        messages.success(request, _("Team saved."))
        return redirect(board)
    return render(
        request,
        "tuyenvan_people/team_edit.html",
        {
            "team": team,
            "board": board,
            "formset": formset,
            "reason_error": _first_error(reason_form),
        },
    )


def _first_error(form: ReasonForm) -> str | None:
    errors = form.errors.get("reason") if form.is_bound else None
    return errors[0] if errors else None


@login_required
def rules_file(request: HttpRequest, pk: int) -> FileResponse:
    """A rules document's file, for those who may read the board."""
    doc = get_object_or_404(RulesDocument.objects.select_related("board"), pk=pk)
    if not request.user.has_perm("tuyenvan_people.view_board", doc.board) or not doc.file:
        raise Http404
    kind = doc.file.name.rsplit(".", 1)[-1]
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    safe_number = re.sub(r"[^\w.-]+", "-", doc.number, flags=re.ASCII).strip("-") or "quy-che"
    response = FileResponse(
        handle,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
        as_attachment=kind == "docx",
        filename=f"{safe_number}.{kind}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
