from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from theodoi import permissions
from theodoi.core.history import build_entries, records, render_history
from theodoi.permissions.units import access_unit, handover_successors, readable_unit_ids

from .handover import HandoverError, hand_over
from .models import Membership, Unit, UnitHandover, normalize_name, strip_diacritics
from .renames import do_rename_unit


def _day(value: str) -> date | None:
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    """The tree of units within reach, searchable by name or code, by kind and by date."""
    q = request.GET.get("q", "").strip()
    ignore_accents = bool(request.GET.get("ignore_accents"))
    kind = request.GET.get("kind", "")
    active_text = request.GET.get("active_on", "").strip()
    active_on = _day(active_text) if active_text else None
    units = permissions.visible_units(
        request.user, Unit.objects.with_tree_fields().order_siblings_by("position", "name")
    )
    if kind in Unit.Kind.values:
        units = units.filter(kind=kind)
    if active_on:
        units = units.active_on(active_on)
    units = list(units)
    if q:
        fold = (lambda s: strip_diacritics(normalize_name(s))) if ignore_accents else normalize_name
        needle = fold(q)
        units = [
            u
            for u in units
            if needle in fold(u.name) or needle in fold(u.short_name) or needle == u.code.casefold()
        ]
    filtered = bool(q or kind or active_on)
    if filtered:
        # Found units lose their place in the tree: name the unit above each.
        names = dict(permissions.visible_units(request.user).values_list("pk", "name"))
        for unit in units:
            unit.parent_name = names.get(unit.parent_id, "")
    context = {
        "units": units,
        "q": q,
        "ignore_accents": ignore_accents,
        "kind": kind,
        "kinds": Unit.Kind.choices,
        "active_on": active_text,
        "bad_date": bool(active_text and not active_on),
        "filtered": filtered,
    }
    return render(request, "units/tree.html", context)


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    children = unit.children.order_by("position", "name")
    lineage = {
        "before": list(unit.predecessor_links.select_related("predecessor")),
        "after": list(unit.successor_links.select_related("successor")),
    }
    ancestors = list(unit.ancestors())
    handovers = list(
        UnitHandover.objects.filter(Q(predecessor=unit) | Q(successor=unit)).select_related(
            "predecessor", "successor", "by"
        )
    )
    linked = [a.pk for a in ancestors]
    linked += [link.predecessor_id for link in lineage["before"]]
    linked += [link.successor_id for link in lineage["after"]]
    linked += [pk for h in handovers for pk in (h.predecessor_id, h.successor_id)]
    can_see_members = request.user.has_perm("units.view_memberships", unit)
    memberships = (
        Membership.objects.filter(unit=unit)
        .select_related("user", "unit")
        .order_by("role", "user__username")
        if can_see_members
        else None
    )
    return render(
        request,
        "units/detail.html",
        {
            "unit": unit,
            "children": children,
            "lineage": lineage,
            "ancestors": ancestors,
            "readable": readable_unit_ids(request.user, linked),
            "memberships": memberships,
            "may_hand_over": bool(lineage_after_ids(unit))
            and request.user.has_perm("units.hand_over_unit", unit),
            "may_rename": request.user.has_perm("units.rename_unit", unit),
            "former_names": unit.former_names.order_by("-valid_to"),
            "handovers": handovers,
        },
    )


def lineage_after_ids(unit: Unit) -> list[int]:
    return list(unit.successor_links.values_list("successor_id", flat=True))


@login_required
def unit_handover(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the unit's open work to a successor (administrators of both, with a reason).

    GET shows what would move (a dry run); POST with ``confirm`` does it.
    """
    unit = access_unit(request.user, pk, "hand_over_unit")
    links = handover_successors(request.user, unit)
    by_id = {link.successor_id: link for link in links}
    chosen_text = request.POST.get("successor") or request.GET.get("successor") or ""
    chosen = by_id.get(int(chosen_text)) if chosen_text.isdigit() else None
    if chosen is None and len(links) == 1:
        chosen = links[0]
    reason = (request.POST.get("reason") or "").strip()
    error = ""
    preview = None
    if chosen is not None:
        try:
            if request.method == "POST" and request.POST.get("confirm"):
                done = hand_over(unit, chosen.successor, reason=reason, by=request.user)
                if done.anything:
                    messages.success(
                        request,
                        _("Handed over to %(unit)s: %(summary)s.")
                        % {"unit": chosen.successor.name, "summary": _summary(done)},
                    )
                else:
                    messages.info(request, _("Nothing was left to hand over."))
                return redirect("units:detail", unit.pk)
            preview = hand_over(
                unit, chosen.successor, reason=reason or "-", by=request.user, dry_run=True
            )
        except HandoverError as problem:
            error = str(problem)
            preview = hand_over(unit, chosen.successor, reason="-", by=request.user, dry_run=True)
    all_rows = preview.rows() if preview else []
    return render(
        request,
        "units/handover.html",
        {
            "unit": unit,
            "links": links,
            "chosen": chosen,
            "preview": preview,
            "summary": _summary(preview) if preview else "",
            "rows": [r for r in all_rows if r["moved"] or r["kept"]],
            "nothing_of": ", ".join(
                r["label"] for r in all_rows if not r["moved"] and not r["kept"]
            ),
            "reason": reason,
            "error": error,
        },
        status=400 if error else 200,
    )


def _iso_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


@login_required
def unit_rename(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename the unit from a date (it stays the same unit), with a reason."""
    unit = access_unit(request.user, pk, "rename_unit")
    values = {"name": unit.name, "on": "", "reason": "", "expected_name": unit.name}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        on = _iso_day(values["on"]) or _day(values["on"])
        if on is None:
            errors["on"] = [_("Enter a date.")]
        else:
            try:
                do_rename_unit(
                    unit,
                    name=values["name"],
                    on=on,
                    reason=values["reason"],
                    by=request.user,
                    expected_name=values["expected_name"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    errors = exc.message_dict
                else:
                    errors["__all__"] = exc.messages
            else:
                messages.success(request, _("Renamed; documents dated before keep the old name."))
                return redirect("units:detail", unit.pk)
    return render(
        request,
        "units/rename.html",
        {
            "unit": unit,
            "values": values,
            "errors": errors,
            "form_errors": errors.get("__all__", []),
            "former": unit.former_names.select_related("created_by").order_by("-valid_to"),
        },
        status=422 if errors else 200,
    )


def _summary(result: object) -> str:
    """What moved, kind by kind (only the kinds where something moved)."""
    rows = result.rows() if hasattr(result, "rows") else []
    parts = [f"{row['moved']} {row['label']}" for row in rows if row["moved"]]
    return ", ".join(parts) or _("nothing")


@login_required
def unit_history(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request.user, pk)
    entries = build_entries(records(Unit, id=unit.pk))
    return render_history(request, unit, entries, [(unit.get_absolute_url(), unit.name)])
