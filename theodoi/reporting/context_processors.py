from django.http import HttpRequest

from .models import Notification


def unread_notifications(request: HttpRequest) -> int:
    """The menu's count beside "Notifications" (see theodoi.core.context_processors)."""
    return Notification.objects.filter(user=request.user).unread().count()
