from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main menu: each app's ``nav_items`` the user may open.

    An app lists ``(url_name, label, perm_or_None)`` on its AppConfig; a
    permission of None means any signed-in user.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for config in apps.get_app_configs():
        for url_name, label, perm in getattr(config, "nav_items", ()):
            if perm is None or user.has_perm(perm):
                url = reverse(url_name)
                items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {"nav_items": items}
