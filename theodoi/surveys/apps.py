from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "theodoi.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    # For every signed-in account: published results are read across the province.
    nav_items = [("surveys:list", _("Surveys"), None)]

    def ready(self) -> None:
        # begin handover: this app's part of a unit's handover (theodoi.units.handover)
        from . import handover  # noqa: F401
        # end handover
