"""Accounts: one's own API tokens. Nobody else's token is ever visible, not even to an admin
(an administrator revokes all of an account's tokens through the admin's action instead)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from theodoi.permissions import AnyUser, parse_id


def visible_api_tokens(user: AnyUser) -> QuerySet[Any]:
    """The live tokens of ``user``, newest first."""
    from theodoi.core.models import ApiToken

    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.live().filter(user=user).order_by("-created", "-pk")


def access_api_token(user: AnyUser, pk: Any, action: str = "revoke") -> Any:
    """One of the user's own tokens; Http404 for anyone else's (or none)."""
    from theodoi.core.models import ApiToken

    if not user.is_authenticated:
        raise Http404
    found = ApiToken.objects.filter(pk=parse_id(pk), user=user).first()
    if found is None:
        raise Http404
    return found
