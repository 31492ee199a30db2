"""The floor's one view and its URLconf."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from .models import Assignment, WorkItem

FIELDS = ("id", "task_id", "number", "title", "expected_output", "start", "end", "version")


def work_items(request: HttpRequest) -> JsonResponse:
    """100 work items a unit leads or coordinates, by due date: `.values()` as JSON."""
    items = WorkItem.objects.order_by("end", "pk")
    unit = request.GET.get("unit")
    if unit:
        items = items.filter(
            pk__in=Assignment.objects.filter(unit_id=int(unit)).values("work_item_id")
        )
    return JsonResponse({"items": list(items.values(*FIELDS)[:100])})


urlpatterns = [path("floor/work-items", work_items)]
