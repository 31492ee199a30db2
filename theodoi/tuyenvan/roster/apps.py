from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TuyenvanRosterConfig(AppConfig):
    """The roster of officials attending commune conferences, and the boards of tuyên vận.

    The package was ``theodoi.tuyenvan.people``; it is named after what it holds
    now. The app label stays ``tuyenvan_people`` on purpose: database tables
    (``tuyenvan_people_*``), migrations, permission names
    (``tuyenvan_people.view_board``…), template and static folders and the URL
    namespace (``tuyenvan_people:``, pages under ``/tuyenvan/people/``) are all
    keyed on it, so keeping it moves no data and breaks no link.
    """

    name = "theodoi.tuyenvan.roster"
    label = "tuyenvan_people"
    verbose_name = _("Tuyên vận: roster and boards")

    nav_items = [
        ("tuyenvan_people:roster-list", _("Roster"), None),
        ("tuyenvan_people:board-registry", _("Boards"), None),
    ]

    def ready(self) -> None:
        # begin handover: this app's part of a unit's handover (theodoi.units.handover)
        from . import handover  # noqa: F401
        # end handover
