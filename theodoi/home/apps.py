from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The role homes (what to do now), the role menus and the notifications on events."""

    name = "theodoi.home"
    label = "home"
    verbose_name = _("Home and notifications")

    def ready(self) -> None:
        from . import notify  # noqa: F401  (connects the receivers)
