"""Pages of the register of matters put to the Standing Committee (read; changes go
through the API)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from theodoi.permissions import directions as access

from .models import Matter


@login_required
def matter_list(request: HttpRequest) -> HttpResponse:
    matters = access.visible_matters(
        request.user, Matter.objects.select_related("raised_by", "committee")
    ).order_by("-raised_on", "-pk")
    return render(request, "directions/list.html", {"matters": matters})


@login_required
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    matter = access.access_matter(request.user, pk)
    follow_ups = matter.follow_ups.select_related("unit", "work_item")
    return render(request, "directions/detail.html", {"matter": matter, "follow_ups": follow_ups})
