"""The admin of targets, network registers and standards (the coordinators keep them on
their pages; the admin is the administrators' fallback).

Records are kept on their pages (their details checked by kind). Within the
administrator's reach (``WithinReach``), every change kept in the history, every
save moving the version on (an edit open on a page is then refused as stale).
"""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from theodoi.core.admin import WithinReach

from .models import NetworkMember, NetworkStandard, Target


class Versioned(WithinReach, SimpleHistoryAdmin):
    """An admin save is a save like any other: it moves the version on."""

    readonly_fields = ["version"]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(NetworkMember)
class NetworkMemberAdmin(Versioned):
    list_display = ["full_name", "network", "unit", "level", "term_start", "term_end"]
    list_filter = ["network", "level"]
    search_fields = ["full_name"]


@admin.register(NetworkStandard)
class NetworkStandardAdmin(Versioned):
    list_display = ["unit", "network", "number", "basis"]
    list_filter = ["network"]


@admin.register(Target)
class TargetAdmin(Versioned):
    list_display = ["name", "unit", "measure", "comparison", "goal", "start", "end"]
    list_filter = ["measure", "kind"]
