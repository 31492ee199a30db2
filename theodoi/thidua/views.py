"""Thi đua pages: the ranking, a unit's or cluster's explanation, the weights, the year.

Every object comes through ``theodoi.permissions.thidua``; changes go through
``actions``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.core import clock
from theodoi.core.workflow import Stale, TransitionRefused
from theodoi.permissions import thidua as access
from theodoi.units.models import Unit

from . import actions
from .documents import proposals_docx as build_docx
from .forms import ClusterForm, ReasonForm, WeightsForm
from .models import Cluster, EmulationYear, Level, Proposal, WeightSet
from .ranking import Period, Ranking, parse_period, period_choices, ranking, weights_for


def _province(request: HttpRequest, action: str = "view") -> Unit:
    raw = request.GET.get("province") or request.POST.get("province")
    if raw:
        return access.access_province(request.user, raw, action)
    found = access.default_province(request.user)
    if found is None:
        raise Http404
    if action != "view" and not access.may(request.user, action, found):
        raise PermissionDenied
    return found


def _period(request: HttpRequest) -> Period:
    try:
        return parse_period(request.GET.get("period") or f"{clock.today().year}-H1")
    except ValueError:
        raise Http404 from None


def _level(request: HttpRequest) -> str:
    level = request.GET.get("level") or Level.AGENCY
    if level not in Level.values:
        raise Http404
    return level


def _year(province: Unit, year: int) -> EmulationYear | None:
    return EmulationYear.objects.filter(province=province, year=year).first()


def _table(found: Ranking) -> list[dict[str, Any]]:
    """Rows with their lines in the components' order, for the template."""
    order = [c.key for c in found.components]
    rows = []
    for row in found.rows:
        lines = {x.key: x for x in row.lines}
        rows.append({"row": row, "lines": [lines.get(k) for k in order]})
    return rows


@login_required
def index(request: HttpRequest) -> HttpResponse:
    province = _province(request)
    period, level = _period(request), _level(request)
    found = ranking(province, period, level)
    year = _year(province, period.year)
    may_manage = access.may(request.user, "close", province)
    if year is None and may_manage:
        year = actions.emulation_year(province, period.year)
    query = urlencode({"period": period.key, "level": level})
    return render(
        request,
        "thidua/index.html",
        {
            "province": province,
            "provinces": access.visible_provinces(request.user).order_by("position", "name"),
            "period": period,
            "periods": period_choices(province),
            "level": level,
            "levels": Level.choices,
            "ranking": found,
            "computed_on": date.fromisoformat(found.computed_on),
            "rows": _table(found),
            "year": year,
            "query": query,
            "may_manage": may_manage,
            # Proposals are the province staff's (a district scorer reads the ranking only).
            "may_see_proposals": access.may(request.user, "proposals", province),
            "reopen_form": ReasonForm(initial={"version": year.version if year else None}),
        },
    )


def _explain(request: HttpRequest, province: Unit, key: int, level: str, obj: Any) -> HttpResponse:
    period = _period(request)
    found = ranking(province, period, level)
    row = found.row(key)
    labels = {c.key: c for c in found.components}
    total = 0
    lines = []
    if row is not None:
        total = sum(x.weight for x in row.lines if x.value is not None and x.weight)
        for line in row.lines:
            contribution = None
            if line.value is not None and total:
                contribution = float(line.value) * line.weight / total
            lines.append({"line": line, "info": labels.get(line.key), "contribution": contribution})
    return render(
        request,
        "thidua/explain.html",
        {
            "province": province,
            "obj": obj,
            "period": period,
            "periods": period_choices(province),
            "level": level,
            "ranking": found,
            "row": row,
            "lines": lines,
            "weight_total": total,
            "count": len(found.ranked),
        },
    )


@login_required
def explain_unit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.access_ranked_unit(request.user, pk)
    level = Level.DISTRICT if unit.kind == Unit.Kind.DISTRICT else Level.AGENCY
    return _explain(request, unit.parent, unit.pk, level, unit)


@login_required
def explain_cluster(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = access.access_cluster(request.user, pk)
    return _explain(request, cluster.province, cluster.pk, Level.CLUSTER, cluster)


@login_required
def weights(request: HttpRequest) -> HttpResponse:
    province = _province(request)
    try:
        year = int(request.GET.get("year") or clock.today().year)
        if not 1900 <= year <= 2200:
            raise ValueError
    except ValueError:
        raise Http404 from None
    may_change = access.may(request.user, "weights", province)
    year_obj = _year(province, year)
    closed = year_obj is not None and year_obj.is_closed
    sets = []
    for level, label in Level.choices:
        current, weight_set = weights_for(province, year, level)
        data = None
        if request.method == "POST" and request.POST.get("level") == level:
            if not may_change:
                raise PermissionDenied
            data = request.POST
        form = WeightsForm(
            level,
            current,
            data,
            prefix=level,
            initial={
                "version": weight_set.version if weight_set else None,
                "note": weight_set.note if weight_set else "",
            },
        )
        if data is not None and form.is_valid():
            try:
                actions.do_save_weights(
                    province,
                    year,
                    level,
                    form.weights(),
                    by=request.user,
                    note=form.cleaned_data["note"],
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                )
            except Stale:
                form.add_error(None, _("Someone else saved this in the meantime."))
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    name = f"w_{field}" if f"w_{field}" in form.fields else None
                    form.add_error(name, errors)
            else:
                messages.success(request, _("Weights saved."))
                return redirect(
                    reverse("thidua:weights")
                    + "?"
                    + urlencode({"province": province.pk, "year": year})
                )
        sets.append(
            {"level": level, "label": label, "set": weight_set, "weights": current, "form": form}
        )
    history = (
        WeightSet.history.filter(province_id=province.pk, year=year)
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )
    return render(
        request,
        "thidua/weights.html",
        {
            "province": province,
            "year": year,
            "years": sorted({p.year for p in period_choices(province)}, reverse=True),
            "sets": sets,
            "may_change": may_change and not closed,
            "closed": closed,
            "history": history,
            "clusters": _clusters_of(province, year),
            "may_define": access.may(request.user, "clusters", province),
        },
    )


def _clusters_of(province: Unit, year: int) -> Any:
    return (
        province.thidua_clusters.filter(Q(year_from__isnull=True) | Q(year_from__lte=year))
        .filter(Q(year_to__isnull=True) | Q(year_to__gte=year))
        .prefetch_related("members")
    )


def _year_param(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or clock.today().year)
        if not 1900 <= year <= 2200:
            raise ValueError
    except ValueError:
        raise Http404 from None
    return year


@login_required
def clusters(request: HttpRequest) -> HttpResponse:
    """The province's clusters in force in a year, and every cluster it ever defined."""
    province = _province(request)
    year = _year_param(request)
    return render(
        request,
        "thidua/clusters.html",
        {
            "province": province,
            "year": year,
            "years": sorted({p.year for p in period_choices(province)}, reverse=True),
            "clusters": _clusters_of(province, year),
            "all_clusters": province.thidua_clusters.prefetch_related("members"),
            "may_define": access.may(request.user, "clusters", province),
        },
    )


def _cluster_page(request: HttpRequest, cluster: Cluster) -> HttpResponse:
    from .actions import cluster_candidates

    province = cluster.province
    candidates = (
        cluster_candidates(province, Cluster.Members.AGENCY)
        | cluster_candidates(province, Cluster.Members.DISTRICT)
    ).order_by("kind", "position", "name")
    form = ClusterForm(request.POST or None, instance=cluster, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        creating = cluster.pk is None
        try:
            saved = actions.do_save_cluster(
                form.instance,
                list(form.cleaned_data["members"]),
                by=request.user,
                version=None if creating else form.cleaned_data.get("version") or 0,
                reason=form.cleaned_data.get("reason", ""),
            )
        except Stale as stale:
            form.add_error(None, str(stale))
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("The cluster is saved."))
            return redirect(
                reverse("thidua:clusters")
                + "?"
                + urlencode(
                    {"province": province.pk, "year": saved.year_from or clock.today().year}
                )
            )
    history = (
        cluster.history.select_related("history_user").order_by("-history_id")[:10]
        if cluster.pk
        else []
    )
    return render(
        request,
        "thidua/cluster_form.html",
        {"form": form, "cluster": cluster if cluster.pk else None, "province": province,
         "history": history},
    )  # fmt: skip


@login_required
def cluster_new(request: HttpRequest) -> HttpResponse:
    province = _province(request, "clusters")
    year = _year_param(request)
    return _cluster_page(request, Cluster(province=province, year_from=year))


@login_required
def cluster_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _cluster_page(request, access.access_cluster(request.user, pk, "clusters"))


def _posted_period(request: HttpRequest, year: int) -> str:
    """The period the page was showing, if it is of the year (else the year)."""
    try:
        period = parse_period(request.POST.get("period") or str(year))
    except ValueError:
        return str(year)
    return period.key if period.year == year else str(year)


@login_required
@require_POST
def year_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in ("close", "reopen"):
        raise Http404
    year = access.access_year(request.user, pk, step)
    form = ReasonForm(request.POST)
    back = (
        reverse("thidua:index")
        + "?"
        + urlencode(
            {
                "province": year.province_id,
                "period": _posted_period(request, year.year),
                "level": request.POST.get("level") or "agency",
            }
        )
    )
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
        return redirect(back)
    try:
        if step == "close":
            actions.do_close_year(year, by=request.user, version=form.cleaned_data["version"])
            messages.success(request, _("The year is closed: its rankings are final."))
        else:
            actions.do_reopen_year(
                year, by=request.user, reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )  # fmt: skip
            messages.success(request, _("The year is reopened: its rankings are drafts again."))
    except Stale:
        messages.error(request, _("Someone else saved this in the meantime."))
    except TransitionRefused as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(back)


@login_required
def proposals(request: HttpRequest, pk: int) -> HttpResponse:
    year = access.access_year(request.user, pk, "proposals")
    if request.method == "POST":
        year = access.access_year(request.user, pk, "propose")
        try:
            actions.do_propose_commendations(year, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Proposals drawn from the final ranking."))
        return redirect("thidua:proposals", year.pk)
    found = Proposal.objects.filter(emulation_year=year).order_by("level", "rank", "name")
    return render(
        request,
        "thidua/proposals.html",
        {
            "year": year,
            "proposals": found,
            "may_propose": access.may(request.user, "propose", year),
        },
    )


@login_required
def proposals_docx(request: HttpRequest, pk: int) -> HttpResponse:
    year = access.access_year(request.user, pk, "proposals")
    found = list(
        Proposal.objects.filter(emulation_year=year)
        .select_related("unit")
        .order_by("level", "rank", "name")
    )
    data = build_docx(year, found)
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="de-nghi-khen-thuong-{year.year}.docx"'
    return response
