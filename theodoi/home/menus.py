"""The main menu per role: what the role uses, in the order it uses it.

Each app still declares its entries (``nav_items`` on its AppConfig, see
``theodoi.core.context_processors``); this context processor picks and orders
them by the user's roles, and drops entries that would open an empty page (a
commune that owes no progress report gets no "Reports"; the boards' registry
only where the role keeps boards). A commune's phone starts with its month.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from theodoi import permissions
from theodoi.permissions import home as scope
from theodoi.units.models import Membership

Role = Membership.Role

# Url names per role, in the order the role uses them. "mine:*" are the role's
# own entries built here (not an app's nav_items).
ROLE_MENUS: dict[str, tuple[str, ...]] = {
    Role.COMMUNE_REPORTER: (
        "mine:month",
        "tuyenvan:index",
        "reporting:home",
        "reporting:notifications",
    ),
    Role.DISTRICT_SCORER: (
        "tuyenvan:index",
        "reporting:home",
        "activities:list",
        "tuyenvan_people:board-registry",
        "thidua:index",
        "reporting:notifications",
    ),
    Role.AGENCY_REPORTER: (
        "reporting:home",
        "plans:list",
        "budgets:index",
        "activities:list",
        "reporting:notifications",
    ),
    Role.OFFICIAL: ("mine:roster", "tuyenvan:index", "reporting:notifications"),
    Role.COORDINATOR: (
        "reporting:home",
        "plans:list",
        "tuyenvan:index",
        "budgets:index",
        "directions:list",
        "activities:list",
        "activities:targets",
        "thidua:index",
        "tuyenvan_people:roster-list",
        "tuyenvan_people:board-registry",
        "portal:home",
        "surveys:list",
        "units:tree",
        "reporting:notifications",
    ),
    Role.VIEWER: (
        "plans:list",
        "reporting:home",
        "directions:list",
        "activities:list",
        "activities:targets",
        "tuyenvan:index",
        "thidua:index",
        "surveys:list",
        "reporting:notifications",
    ),
    Role.ADMIN: (
        "units:tree",
        "plans:list",
        "portal:home",
        "surveys:list",
        "reporting:notifications",
    ),
}
# Entries that open an empty page for a role unless it has the work.
REPORTS = "reporting:home"


def _app_entries() -> dict[str, tuple[Any, Any, list[str]]]:
    entries = {}
    for config in apps.get_app_configs():
        for url_name, label, perm, *counter in getattr(config, "nav_items", ()):
            entries[url_name] = (label, perm, counter)
    return entries


def _own_entries(user: Any, roles: list[str]) -> dict[str, tuple[str, str]]:
    """The role's own entries: the commune's month, the official's roster."""
    from theodoi.core import clock
    from theodoi.home.todo import _month_key, _scored_months

    own: dict[str, tuple[str, str]] = {}
    if Role.COMMUNE_REPORTER in roles:
        commune = scope.role_units(user, Role.COMMUNE_REPORTER, "commune").order_by("pk").first()
        if commune is not None:
            previous, _current = _scored_months(clock.today())
            own["mine:month"] = (
                reverse("tuyenvan:month", args=[commune.pk, _month_key(previous)]),
                _("My month"),
            )
    if Role.OFFICIAL in roles:
        own["mine:roster"] = (reverse("tuyenvan_people:my-roster"), _("My visits"))
    return own


def menu_for(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    roles = scope.home_roles(user)
    if not roles:  # an account without a role: every entry it may open
        names: list[str] = list(_app_entries())
    else:
        names = []
        for role in roles:
            names += [n for n in ROLE_MENUS[role] if n not in names]
    # A commune reports its month under Tuyên vận: "Reports" only if it also owes
    # progress reports on a plan (one query, for the commune's menu only).
    if (
        REPORTS in names
        and set(roles) <= {Role.COMMUNE_REPORTER, Role.OFFICIAL}
        and not permissions.reporting.reporting_units(user)
        .filter(assignments__isnull=False)
        .exists()
    ):
        names.remove(REPORTS)
    entries = _app_entries()
    own = _own_entries(user, roles)
    items = []
    for name in names:
        if name in own:
            url, label = own[name]
            count = 0
        elif name in entries:
            label, perm, counter = entries[name]
            if perm is not None and not user.has_perm(perm):
                continue
            url = reverse(name)
            count = import_string(counter[0])(request) if counter else 0
        else:
            continue
        items.append(
            {
                "url": url,
                "label": f"{label} ({count})" if count else str(label),
                "count": count,
                "active": request.path.startswith(url),
            }
        )
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": menu_for(request)}
