from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "theodoi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Registers every permission rule; see theodoi/permissions.py.
        import theodoi.permissions  # noqa: F401

        from . import admin, signals

        signals.connect()
        # The account admin is the units app's; the token action is core's.
        admin.add_account_actions()
