"""The Django admin inside the same walls as the pages and the API.

Every ModelAdmin and inline of every app mixes in ``WithinReach``: an
administrator (the ``admin`` role) sees, opens, adds, changes and deletes only
what lies within its reach, and every related field of every form (select,
raw id, autocomplete, many-to-many) offers *and accepts* only the units,
accounts and objects it administers — validated when the form is cleaned, not
only filtered in the widget. What a choice cannot say (the rights a membership
grants, where a unit's leaders act) is refused by
``permissions.units.admin_refusals``. Every answer comes from
``theodoi.permissions``; nothing here asks a rule without an object.

Core also adds its action to whatever admin is registered for the user model,
once every app's admin is loaded: revoking an account's API tokens.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from theodoi import permissions
from theodoi.permissions import units as unit_rules


def _current_ids(form: forms.ModelForm, name: str) -> list[Any]:
    """The ids a saved object holds in field ``name`` now (read from the database).

    A value the object already has stays choosable, so an administrator can
    save an object whose unit above lies outside its reach (its own province)
    without being able to pick any new unit outside it.
    """
    instance = form.instance
    if instance is None or instance.pk is None:
        return []
    model = type(instance)
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a form field that is not a model field
        return []
    if model_field.many_to_many:
        through = getattr(model, name).through
        source = model_field.m2m_field_name()
        target = model_field.m2m_reverse_field_name()
        return list(
            through.objects.filter(**{source: instance.pk}).values_list(f"{target}_id", flat=True)
        )
    if model_field.many_to_one or model_field.one_to_one:
        return list(
            model._default_manager.filter(pk=instance.pk)
            .exclude(**{f"{model_field.attname}__isnull": True})
            .values_list(model_field.attname, flat=True)
        )
    return []


def within_reach_form(form_class: type[forms.BaseForm], user: Any) -> type[forms.BaseForm]:
    """``form_class`` whose related fields offer and accept only what ``user`` administers."""

    class WithinReachForm(form_class):  # type: ignore[valid-type, misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for name, field in self.fields.items():
                if isinstance(field, forms.ModelChoiceField):
                    allowed = unit_rules.administered(user, field.queryset).values("pk")
                    keep = _current_ids(self, name)
                    field.queryset = field.queryset.filter(Q(pk__in=allowed) | Q(pk__in=keep))

        def clean(self) -> dict[str, Any]:
            cleaned = super().clean()
            instance = getattr(self, "instance", None)
            if instance is not None:
                refusals = unit_rules.admin_refusals(user, instance, cleaned or {})
                for name, message in refusals.items():
                    self.add_error(name if name in self.fields else None, message)
            return cleaned

    WithinReachForm.__name__ = form_class.__name__
    return WithinReachForm


class WithinReach:
    """Mix into every ModelAdmin and InlineModelAdmin (before the admin class).

    ``scope_paths`` names the paths from the model to the units its objects
    belong to; by default they are derived from the model's relations
    (``permissions.units.scope_paths``).
    """

    scope_paths: tuple[str, ...] | None = None

    # Lists and objects --------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return unit_rules.administered(request.user, queryset, self.scope_paths)

    def _may(self, request: HttpRequest, obj: Any = None) -> bool:
        if not permissions.may_administer(request.user):
            return False
        if obj is None or obj.pk is None:
            return True
        # For an inline, ``obj`` is the parent object: its admin's paths apply.
        paths = self.scope_paths if isinstance(obj, self.model) else None  # type: ignore[attr-defined]
        return unit_rules.administers(request.user, obj, paths)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.may_administer(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, obj)

    # Forms ----------------------------------------------------------------------

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)  # type: ignore[misc]
        return within_reach_form(form, request.user)

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> Any:
        form = super().get_changelist_form(request, **kwargs)  # type: ignore[misc]
        return within_reach_form(form, request.user)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        form = within_reach_form(formset.form, request.user)
        return type(formset.__name__, (formset,), {"form": form})


class Admin(WithinReach, admin.ModelAdmin):
    """A plain ModelAdmin within the administrator's reach."""


class TabularInline(WithinReach, admin.TabularInline):
    """A tabular inline within the administrator's reach."""


# Accounts: revoking API tokens -----------------------------------------------------


@admin.action(description=_("Revoke all API tokens of the selected accounts"))
def revoke_api_tokens(modeladmin: Any, request: HttpRequest, queryset: QuerySet) -> None:
    from .models import revoke_all_tokens

    # The changelist's queryset is already the administrator's reach.
    revoked = sum(revoke_all_tokens(user) for user in queryset)
    modeladmin.message_user(
        request,
        ngettext("%(count)d API token revoked.", "%(count)d API tokens revoked.", revoked)
        % {"count": revoked},
        messages.SUCCESS,
    )


def add_account_actions() -> None:
    account_admin = admin.site._registry.get(get_user_model())
    if account_admin is None:
        return
    actions = list(account_admin.actions or [])
    if revoke_api_tokens not in actions:
        account_admin.actions = [*actions, revoke_api_tokens]
