from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from theodoi import permissions
from theodoi.plans.models import Plan


@login_required
def home(request: HttpRequest) -> HttpResponse:
    plans = permissions.plans.visible_plans(request.user, Plan.objects.select_related("programme"))
    units = [m.unit for m in permissions.memberships(request.user)]
    return render(
        request,
        "core/home.html",
        {
            "plans": plans.with_counts()[:20],
            "memberships": permissions.memberships(request.user),
            "units": units,
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
