from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from theodoi.core.context_processors import navigation

from .models import Notification


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The menu with the count of unread notifications on its "Notifications" entry."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = Notification.objects.filter(user=user).unread().count()
    if not unread:
        return {"unread_notifications": 0}
    url = reverse("reporting:notifications")
    items = [
        {**item, "label": f"{_('Notifications')} ({unread})"} if item["url"] == url else item
        for item in navigation(request)["nav_items"]
    ]
    return {"nav_items": items, "unread_notifications": unread}
