from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "theodoi.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    nav_items = [
        ("reporting:home", _("Reports"), None),
        (
            "reporting:notifications",
            _("Notifications"),
            None,
            "theodoi.reporting.context_processors.unread_notifications",
        ),
    ]

    def ready(self) -> None:
        # begin proposals
        from . import proposal_notices  # noqa: F401

        # end proposals
        # begin handover: this app's part of a unit's handover (theodoi.units.handover)
        self._register_handover()
        # end handover

    # begin handover
    def _register_handover(self) -> None:
        from . import handover  # noqa: F401

    # end handover
