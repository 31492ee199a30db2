from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "theodoi.plans"
    label = "plans"
    verbose_name = _("Plans")

    nav_items = [("plans:list", _("Plans"), None)]
