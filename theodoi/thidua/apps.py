from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThiduaConfig(AppConfig):
    name = "theodoi.thidua"
    label = "thidua"
    verbose_name = _("Emulation (thi đua)")

    # Every signed-in account of a province reads its rankings.
    nav_items = [("thidua:index", _("Thi đua"), None)]

    def ready(self) -> None:
        from . import components

        components.register_builtin()
        # begin handover: this app's part of a unit's handover (theodoi.units.handover)
        from . import handover  # noqa: F401
        # end handover
