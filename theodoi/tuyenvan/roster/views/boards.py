"""Boards of tuyên vận (district and commune), village teams and their rules documents."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.core import clock
from theodoi.permissions import roster as access
from theodoi.units.models import Unit

from .. import actions
from ..files import CONTENT_TYPES
from ..forms import (
    BoardForm,
    MemberFormSet,
    ReasonForm,
    RulesFormSet,
    TeamFormSet,
    TeamMemberFormSet,
)
from ..models import Board, BoardMember, RulesDocument, Team, TeamMember
from ..roster import round_clusters
from .common import first_error


@login_required
def board_registry(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    units = access.board_units(request.user)
    districts = units.filter(kind=Unit.Kind.DISTRICT).order_by("parent__name", "position", "name")
    district = None
    if request.GET.get("district"):
        district = access.access_board_district(request.user, request.GET["district"])
    elif districts.count() == 1:
        district = districts.first()
    editable = access.board_editable_unit_ids(request.user)
    if district is None:
        boards = access.visible_boards(
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
        return render(
            request,
            "tuyenvan_people/board_summary.html",
            {"rows": rows, "cluster_sections": _direct_communes(request.user, units, today)},
        )
    shown = [district, *units.filter(parent=district, kind=Unit.Kind.COMMUNE)]
    boards = {
        b.unit_id: b
        for b in access.visible_boards(
            request.user, Board.objects.with_gaps().filter(unit__in=shown)
        )
    }
    rows = []
    for unit in shown:
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


def _direct_communes(user: Any, units: Any, today: Any) -> list[tuple[str, list[dict]]]:
    """Without a district tier: the communes directly under a province, by the
    province's clusters of communes (cụm xã), each with its board's gaps."""
    communes = list(
        units.filter(kind=Unit.Kind.COMMUNE, parent__kind=Unit.Kind.PROVINCE)
        .active_on(today)
        .select_related("parent")
        .order_by("parent__position", "position", "name")
    )
    if not communes:
        return []
    boards = {
        b.unit_id: b
        for b in access.visible_boards(user, Board.objects.with_gaps().filter(unit__in=communes))
    }
    editable = access.board_editable_unit_ids(user)
    group_of: dict[int, str] = {}
    order: dict[str, int] = {}
    for province in {c.parent for c in communes}:
        for cluster in reversed(round_clusters(province, today, today)):
            order[cluster.name] = cluster.position
            for commune_id in cluster.commune_ids:
                group_of[commune_id] = cluster.name
    sections: dict[str, list[dict]] = defaultdict(list)
    for commune in communes:
        board = boards.get(commune.pk)
        name = group_of.get(commune.pk) or _("%(province)s (directly under the province)") % {
            "province": commune.parent.name
        }
        sections[name].append(
            {
                "unit": commune,
                "board": board,
                "gaps": board.gap_labels(today) if board else [_("No board registered")],
                "can_edit": commune.pk in editable,
            }
        )
    return sorted(sections.items(), key=lambda item: (order.get(item[0], 10**6), item[0]))


def _board_history(board: Board) -> list[Any]:
    """The board's recent changes, all its parts together, newest first."""
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


@login_required
def board_detail(request: HttpRequest, pk: int) -> HttpResponse:
    board = access.access_board(request.user, pk)
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
            # No district tier: the commune's registry is the province's, by cluster.
            "under_province": board.unit.parent is not None
            and board.unit.parent.kind == Unit.Kind.PROVINCE,
            "can_change": request.user.has_perm("tuyenvan_people.change_board", board),
            "history": _board_history(board),
        },
    )


@login_required
@require_POST
def board_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access.access_board_unit(request.user, unit_id, "add")
    board = actions.do_create_board(unit, by=request.user)
    return redirect("tuyenvan_people:board-edit", board.pk)


@login_required
def board_edit(request: HttpRequest, pk: int) -> HttpResponse:
    board = access.access_board(request.user, pk, "change")
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
        actions.do_save_board(
            board, forms, by=request.user, reason=reason_form.cleaned_data["reason"]
        )
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
            "reason_error": first_error(reason_form),
        },
    )


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = access.access_team(request.user, pk, "change")
    board = getattr(team.commune, "tuyenvan_board", None)
    if board is None:
        raise Http404
    formset = TeamMemberFormSet(
        request.POST if request.method == "POST" else None, instance=team, prefix="members"
    )
    reason_form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and all([formset.is_valid(), reason_form.is_valid()]):
        actions.do_save_team(
            team, formset, by=request.user, reason=reason_form.cleaned_data["reason"]
        )
        messages.success(request, _("Team saved."))
        return redirect(board)
    return render(
        request,
        "tuyenvan_people/team_edit.html",
        {
            "team": team,
            "board": board,
            "formset": formset,
            "reason_error": first_error(reason_form),
        },
    )


@login_required
def rules_file(request: HttpRequest, pk: int) -> FileResponse:
    """A rules document's file, for those who may read the board."""
    doc = access.access_rules_document(request.user, pk)
    if not doc.file:
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
