from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def matching(self, key: str) -> ApiTokenQuerySet:
        return self.filter(digest=_digest(key), user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a digest of the key is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @classmethod
    def issue(cls, user: settings.AUTH_USER_MODEL) -> tuple[ApiToken, str]:
        """Create a token for ``user``; return it and the key, shown only once."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, digest=_digest(key), prefix=key[:8])
        return token, key
