from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse
from django.utils.module_loading import import_string


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main menu: each app's ``nav_items`` the user may open.

    An app lists ``(url_name, label, perm_or_None)`` on its AppConfig, or
    ``(url_name, label, perm_or_None, counter)`` where ``counter`` is the
    dotted path of a function ``(request) -> int`` whose non-zero result is
    shown beside the label (unread notifications). A permission of None means
    any signed-in user.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for config in apps.get_app_configs():
        for url_name, label, perm, *counter in getattr(config, "nav_items", ()):
            if perm is not None and not user.has_perm(perm):
                continue
            url = reverse(url_name)
            count = import_string(counter[0])(request) if counter else 0
            items.append(
                {
                    "url": url,
                    "label": f"{label} ({count})" if count else label,
                    "count": count,
                    "active": request.path.startswith(url),
                }
            )
    return {"nav_items": items}
