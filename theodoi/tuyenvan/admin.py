"""The tuyên vận chain in force and the clusters of communes, set by a province's
administrators (within their reach, like every admin of the house): which body scores
the communes from when, and which province staff score which communes."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from theodoi.core.admin import WithinReach

from .models import CommuneCluster, ScoringChain


@admin.register(ScoringChain)
class ScoringChainAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["province", "level", "valid_from", "valid_to", "scorer", "consolidator"]
    list_filter = ["level"]
    raw_id_fields = ["province", "scorer", "consolidator"]


@admin.register(CommuneCluster)
class CommuneClusterAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["name", "province", "valid_from", "valid_to"]
    search_fields = ["name"]
    raw_id_fields = ["province"]
    filter_horizontal = ["communes", "scorers", "officials"]
