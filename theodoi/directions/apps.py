from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectionsConfig(AppConfig):
    name = "theodoi.directions"
    label = "directions"
    verbose_name = _("The Standing Committee's directions")

    nav_items = [("directions:list", _("Directions"), None)]

    def ready(self) -> None:
        # The consolidated report's Part V names the directions not yet carried out.
        from theodoi.reporting import sections

        from .report import outlook

        if outlook not in sections.OUTLOOK_SOURCES:
            sections.OUTLOOK_SOURCES.append(outlook)
        # begin handover: this app's part of a unit's handover (theodoi.units.handover)
        from . import handover  # noqa: F401
        # end handover
