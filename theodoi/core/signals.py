"""A password change, whatever the way (the change and reset pages, the admin,
``changepassword``), revokes every API token of the account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from .models import revoke_all_tokens


def note_password_change(sender: Any, instance: Any, update_fields: Any = None, **_: Any) -> None:
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._theodoi_password_changed = stored is not None and stored != instance.password


def revoke_tokens_on_password_change(sender: Any, instance: Any, **_: Any) -> None:
    if getattr(instance, "_theodoi_password_changed", False):
        instance._theodoi_password_changed = False
        revoke_all_tokens(instance)


def connect() -> None:
    from django.db.models.signals import post_save, pre_save

    user = get_user_model()
    pre_save.connect(note_password_change, sender=user, dispatch_uid="core.password.note")
    post_save.connect(
        revoke_tokens_on_password_change, sender=user, dispatch_uid="core.password.revoke"
    )
