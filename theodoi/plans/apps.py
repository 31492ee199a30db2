from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "theodoi.plans"
    label = "plans"
    verbose_name = _("Plans")

    nav_items = [("plans:list", _("Plans"), None)]

    def ready(self) -> None:
        # begin handover: this app's part of a unit's handover (theodoi.units.handover)
        from . import handover  # noqa: F401
        # end handover
