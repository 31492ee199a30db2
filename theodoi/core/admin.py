"""Core's part of the admin: revoking an account's API tokens.

The account admin itself lives in ``theodoi.units.admin`` (accounts and their
memberships); core adds its action to whatever admin is registered for the
user model, once every app's admin is loaded.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import revoke_all_tokens


@admin.action(description=_("Revoke all API tokens of the selected accounts"))
def revoke_api_tokens(modeladmin: Any, request: HttpRequest, queryset: QuerySet) -> None:
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
