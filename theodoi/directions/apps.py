from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectionsConfig(AppConfig):
    name = "theodoi.directions"
    label = "directions"
    verbose_name = _("The Standing Committee's directions")

    nav_items = [("directions:list", _("Directions"), None)]
