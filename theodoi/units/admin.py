"""The Django admin for administrators: units, accounts and roles within reach.

An administrator (the ``admin`` role) works on the units of its subtree and the
accounts that belong to them; every answer comes from theodoi.permissions.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from theodoi import permissions

from .models import Membership, Unit, UnitGroup, UnitLineage


class ReachAdminMixin:
    """Limits an admin page to the objects within the administrator's reach."""

    unit_path = "pk"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return queryset
        ids = permissions.reach(request.user, permissions.Role.ADMIN)
        return queryset.filter(**{f"{self.unit_path}__in": ids}).distinct()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.may_administer(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.may_administer(request.user, self._unit_of(obj))

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.may_administer(request.user)

    def _unit_of(self, obj: Any) -> Unit | None:
        if obj is None:
            return None
        if isinstance(obj, Unit):
            return obj
        return getattr(obj, "unit", None)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user", "unit"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.may_administer(request.user)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(Unit)
class UnitAdmin(ReachAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "code", "parent", "active_from", "active_to"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "key"]
    raw_id_fields = ["parent"]
    inlines = [MembershipInline]


@admin.register(UnitLineage)
class UnitLineageAdmin(ReachAdminMixin, admin.ModelAdmin):
    unit_path = "predecessor"
    list_display = ["predecessor", "event", "successor", "effective"]
    raw_id_fields = ["predecessor", "successor"]

    def _unit_of(self, obj: Any) -> Unit | None:
        return obj.predecessor if obj is not None else None


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    filter_horizontal = ["units"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.may_administer(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.may_administer(request.user)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(Membership)
class MembershipAdmin(ReachAdminMixin, SimpleHistoryAdmin):
    unit_path = "unit"
    list_display = ["user", "role", "unit", "is_head"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit"]


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(ReachAdminMixin, UserAdmin):
    """Accounts whose memberships lie within the administrator's reach."""

    unit_path = "memberships__unit"
    inlines = [MembershipInline]

    def _unit_of(self, obj: Any) -> Unit | None:
        if obj is None:
            return None
        membership = obj.memberships.select_related("unit").first()
        return membership.unit if membership else None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Only a superuser grants superuser or staff status.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("is_superuser", "user_permissions", "groups", "last_login", "date_joined")
