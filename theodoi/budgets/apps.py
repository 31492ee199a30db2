from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "theodoi.budgets"
    label = "budgets"
    verbose_name = _("Detailed plans and budget estimates")

    # For every signed-in account: the plans whose detailed plans it may file or read.
    nav_items = [("budgets:index", _("Budgets"), None)]

    def ready(self) -> None:
        # begin handover: this app's part of a unit's handover (theodoi.units.handover)
        from . import handover  # noqa: F401
        # end handover
