from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "theodoi.budgets"
    label = "budgets"
    verbose_name = _("Detailed plans and budget estimates")

    # For every signed-in account: the plans whose detailed plans it may file or read.
    nav_items = [("budgets:index", _("Budgets"), None)]
