from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Unit, UnitGroup, UnitLineage


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "code", "parent", "active_from", "active_to"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "key"]
    raw_id_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(UnitLineage)
class UnitLineageAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "event", "successor", "effective"]
    raw_id_fields = ["predecessor", "successor"]


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    filter_horizontal = ["units"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit", "is_head"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit"]
