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
