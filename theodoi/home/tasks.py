"""The notifications' e-mail, sent by the task queue (never in the request)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_notification_email(user_id: int, text: str, body: str, url: str, language: str) -> bool:
    """One notification's e-mail, in the recipient's language; False when it has no address."""
    from .notify import email_text

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    subject, message = email_text(text, body, url, language)
    send_mail(subject, message, None, [user.email])
    return True


@task()
def send_digests() -> int:
    from .notify import send_digests as send

    return send()
