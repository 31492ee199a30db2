"""Each account's notification preferences: e-mail now, in a daily digest, or not at all."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationPreference(models.Model):
    class Email(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately, one e-mail per event")
        DIGEST = "digest", _("Once a day, in a digest")
        OFF = "off", _("Never (in the app only)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(
        _("e-mail"), max_length=10, choices=Email.choices, default=Email.IMMEDIATE
    )
    language = models.CharField(
        _("language of e-mails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    # The last digest sent: the next one holds what came after.
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user} · {self.email}"


def preference_of(user: Any) -> NotificationPreference:
    """The user's preferences (the defaults, unsaved, when it never chose)."""
    found = NotificationPreference.objects.filter(user=user).first()
    return found or NotificationPreference(user=user)
