from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "theodoi.portal"
    label = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    # Every signed-in account reaches the public site; its header leads editors on to the
    # back office (a permission here would cost every page two queries for non-editors).
    nav_items = [("portal:home", _("Portal"), None)]

    def ready(self) -> None:
        from . import cache

        cache.connect()
        # begin handover: this app's part of a unit's handover (theodoi.units.handover)
        from . import handover  # noqa: F401
        # end handover
