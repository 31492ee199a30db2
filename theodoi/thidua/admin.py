from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from theodoi.core.admin import WithinReach

from .models import Cluster


@admin.register(Cluster)
class ClusterAdmin(WithinReach, SimpleHistoryAdmin):
    """The province's clusters (cụm, khối thi đua); coordinators define them on
    ``/thidua/clusters/``. An admin save moves the version on like a page's."""

    list_display = ["name", "province", "members_kind", "position"]
    list_filter = ["members_kind"]
    filter_horizontal = ["members"]
    scope_paths = ("province",)
    readonly_fields = ["version"]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
