from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TuyenvanPeopleConfig(AppConfig):
    name = "theodoi.tuyenvan.people"
    label = "tuyenvan_people"
    verbose_name = _("Tuyên vận: roster and boards")

    nav_items = [
        ("tuyenvan_people:roster-list", _("Roster"), None),
        ("tuyenvan_people:board-registry", _("Boards"), None),
    ]
