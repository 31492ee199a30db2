from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "theodoi.activities"
    label = "activities"
    verbose_name = _("Activities")

    nav_items = [
        ("activities:list", _("Activities"), None),
        # The targets computed from the records: coordinators set them, staff follow them.
        ("activities:targets", _("Targets"), None),
    ]

    def ready(self) -> None:
        # begin handover: this app's part of a unit's handover (theodoi.units.handover)
        from . import handover  # noqa: F401
        # end handover
