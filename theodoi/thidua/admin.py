from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from theodoi.core.admin import WithinReach

from .models import Cluster


@admin.register(Cluster)
class ClusterAdmin(WithinReach, SimpleHistoryAdmin):
    """The province defines its emulation clusters (cụm, khối thi đua) here."""

    list_display = ["name", "province", "members_kind", "position"]
    list_filter = ["members_kind"]
    filter_horizontal = ["members"]
    scope_paths = ("province",)
