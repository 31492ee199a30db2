from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TuyenvanConfig(AppConfig):
    name = "theodoi.tuyenvan"
    label = "tuyenvan"
    verbose_name = _("Tuyên vận")
    default_auto_field = "django.db.models.BigAutoField"

    nav_items = [("tuyenvan:index", _("Tuyên vận"), None)]

    def ready(self) -> None:
        # begin handover: this app's part of a unit's handover (theodoi.units.handover)
        from . import handover  # noqa: F401
        # end handover
