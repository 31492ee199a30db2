from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def matching(self, key: str) -> ApiTokenQuerySet:
        """The live token with this key: not expired, of an active account."""
        return self.live().filter(digest=_digest(key), user__is_active=True)

    def live(self) -> ApiTokenQuerySet:
        return self.filter(expires__gt=timezone.now())


def token_lifetime() -> timedelta:
    return timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a digest of the key is stored: the
    key is shown once, when the token is issued, and never again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        help_text=_("The client or label given at sign-in, e.g. 'báo cáo tự động'."),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    expires = models.DateTimeField(_("expires"), db_index=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.name or self.prefix} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires <= timezone.now()

    @classmethod
    def issue(cls, user: Any, name: str = "") -> tuple[ApiToken, str]:
        """Create a token for ``user``; return it and the key, shown only once."""
        key = secrets.token_urlsafe(32)
        now = timezone.now()
        # Expired tokens are of no use to anyone: drop them as new ones come.
        cls.objects.filter(user=user, expires__lte=now).delete()
        token = cls.objects.create(
            user=user,
            digest=_digest(key),
            prefix=key[:8],
            name=name[:100],
            created=now,
            expires=now + token_lifetime(),
        )
        return token, key


def revoke_all_tokens(user: Any) -> int:
    """Revoke every API token of ``user``; return how many there were."""
    deleted, _by_model = ApiToken.objects.filter(user=user).delete()
    return deleted


# begin offline
class SentForm(models.Model):
    """A form sent by offline.js under its send id (header ``X-Theodoi-Send``):
    the same send arriving again (a retry after a drop, when the first one had
    in fact arrived and only the answer was lost) is answered with where the
    first one led, and not done twice. Kept a day."""

    user_key = models.CharField(max_length=40)
    send_id = models.CharField(max_length=64)
    location = models.CharField(max_length=2000, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user_key", "send_id"], name="core_sent_form_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_key} · {self.send_id}"


# end offline
