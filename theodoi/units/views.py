from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from theodoi import permissions

from .models import Unit


def _get_unit(request: HttpRequest, pk: int) -> Unit:
    unit = get_object_or_404(Unit, pk=pk)
    if not request.user.has_perm("units.view_unit", unit):
        raise PermissionDenied
    return unit


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    units = permissions.visible_units(
        request.user, Unit.objects.with_tree_fields().order_siblings_by("position", "name")
    )
    return render(request, "units/tree.html", {"units": units})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get_unit(request, pk)
    children = unit.children.order_by("position", "name")
    lineage = {
        "before": unit.predecessor_links.select_related("predecessor"),
        "after": unit.successor_links.select_related("successor"),
    }
    return render(
        request,
        "units/detail.html",
        {"unit": unit, "children": children, "lineage": lineage, "ancestors": unit.ancestors()},
    )
