"""The Django admin for administrators: units, accounts and roles within reach.

An administrator (the ``admin`` role) works on the units of its subtree and the
accounts that belong to them; every answer comes from theodoi.permissions.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from theodoi.core.admin import WithinReach

from .models import Membership, Unit, UnitAlias, UnitGroup, UnitHandover, UnitLineage


class MembershipInline(WithinReach, admin.TabularInline):
    """Memberships on the unit and account pages: only units and accounts administered,
    and only roles whose rights stay within the administrator's reach."""

    model = Membership
    extra = 0
    raw_id_fields = ["user", "unit"]
    scope_paths = ("unit",)


class UnitAliasInline(WithinReach, admin.TabularInline):
    """Other ways people write the unit's name, matched by imports ("BTG", "Ban Tuyên giáo")."""

    model = UnitAlias
    extra = 1
    scope_paths = ("unit",)


@admin.register(Unit)
class UnitAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["name", "kind", "code", "parent", "active_from", "active_to"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "key", "aliases__name"]
    raw_id_fields = ["parent"]
    inlines = [UnitAliasInline, MembershipInline]


@admin.register(UnitAlias)
class UnitAliasAdmin(WithinReach, SimpleHistoryAdmin):
    scope_paths = ("unit",)
    list_display = ["name", "unit"]
    search_fields = ["name", "unit__name"]
    raw_id_fields = ["unit"]


@admin.register(UnitLineage)
class UnitLineageAdmin(WithinReach, admin.ModelAdmin):
    list_display = ["predecessor", "event", "successor", "effective"]
    raw_id_fields = ["predecessor", "successor"]


@admin.register(UnitHandover)
class UnitHandoverAdmin(WithinReach, admin.ModelAdmin):
    """The record of handovers; they are made on the unit's handover page or with
    ``theodoi hand-over`` (which move the work), never edited here."""

    scope_paths = ("predecessor",)
    list_display = ["predecessor", "successor", "effective", "by", "at"]
    readonly_fields = [f.name for f in UnitHandover._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UnitGroup)
class UnitGroupAdmin(WithinReach, admin.ModelAdmin):
    filter_horizontal = ["units"]


@admin.register(Membership)
class MembershipAdmin(WithinReach, SimpleHistoryAdmin):
    scope_paths = ("unit",)
    list_display = ["user", "role", "unit", "is_head"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit"]


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(WithinReach, UserAdmin):
    """Accounts all of whose memberships lie within the administrator's reach
    (``permissions.units.administered_accounts``)."""

    inlines = [MembershipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Only a superuser grants superuser or staff status.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("is_superuser", "user_permissions", "groups", "last_login", "date_joined")
